/**
 * `mailfleet completion bash|zsh`: a completion script made from the command table, so a new
 * command or flag completes as soon as it is declared. Node and store names come from the fleet
 * profile (`mailfleet completion --names node|store`, no connection made), so a TAB never waits
 * for the network.
 */
import { parseArgs } from 'node:util';
import { chooseProfilePath, loadFleetProfile } from '../../core/fleet-profile.js';
import { type CommandSpec, UsageError } from '../command-spec.js';
import { commandTable } from '../command-table.js';

/** The subcommands that complete a command's first argument (beside names, when it takes them). */
function firstWords(spec: CommandSpec): string {
  return (spec.subcommands ?? []).join(' ');
}

/** The bash completion script. */
export function bashCompletion(table: CommandSpec[]): string {
  const cases = table
    .map((spec) => {
      const flags = (spec.flags ?? []).map((f) => `--${f}`).join(' ');
      const names = spec.completes ?? '';
      return `    ${spec.name}) flags="${flags}"; words="${firstWords(spec)}"; names="${names}" ;;`;
    })
    .join('\n');
  return `# bash completion for mailfleet (made by 'mailfleet completion bash')
_mailfleet() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} command=\${COMP_WORDS[1]}
  local flags="" words="" names=""
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "${table.map((s) => s.name).join(' ')} help" -- "$cur") )
    return
  fi
  case "$command" in
${cases}
    help) words="${table.map((s) => s.name).join(' ')}" ;;
  esac
  case "$prev" in
    --node|--on) names=node; words="" ;;
    --to|--store) names=store; words="" ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=( $(compgen -W "$flags" -- "$cur") )
  elif [ "$COMP_CWORD" -eq 2 ] && [ -n "$words" ]; then
    # The first word is a subcommand or a name (node add | node store01 ...).
    local named=""
    [ -n "$names" ] && named=$("\${COMP_WORDS[0]}" completion --names "$names" 2>/dev/null)
    COMPREPLY=( $(compgen -W "$words $named" -- "$cur") )
  elif [ -n "$names" ]; then
    COMPREPLY=( $(compgen -W "$("\${COMP_WORDS[0]}" completion --names "$names" 2>/dev/null)" -- "$cur") )
  fi
}
complete -F _mailfleet mailfleet
`;
}

/** The zsh completion script (compdef; bash's rules, read by zsh's own completion system). */
export function zshCompletion(table: CommandSpec[]): string {
  const cases = table
    .map((spec) => {
      const flags = (spec.flags ?? []).map((f) => `--${f}`).join(' ');
      const names = spec.completes ?? '';
      return `    ${spec.name}) flags=(${flags}); subs=(${firstWords(spec)}); names=${names} ;;`;
    })
    .join('\n');
  return `#compdef mailfleet
# zsh completion for mailfleet (made by 'mailfleet completion zsh')
_mailfleet() {
  local -a flags subs
  local names=""
  if (( CURRENT == 2 )); then
    compadd -- ${table.map((s) => s.name).join(' ')} help
    return
  fi
  case "$words[2]" in
${cases}
    help) subs=(${table.map((s) => s.name).join(' ')}) ;;
  esac
  case "$words[CURRENT-1]" in
    --node|--on) names=node; subs=() ;;
    --to|--store) names=store; subs=() ;;
  esac
  if [[ "$PREFIX" == -* ]]; then
    compadd -- $flags
  elif (( CURRENT == 3 )) && (( \${#subs} > 0 )); then
    compadd -- $subs
    [[ -n "$names" ]] && compadd -- \${(f)"$($words[1] completion --names $names 2>/dev/null)"}
  elif [[ -n "$names" ]]; then
    compadd -- \${(f)"$($words[1] completion --names $names 2>/dev/null)"}
  fi
}
compdef _mailfleet mailfleet
`;
}

async function completionCommand(argv: string[], { out }: { out: (text: string) => void }): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { names: { type: 'string' }, fleet: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.names !== undefined) {
    if (values.names !== 'node' && values.names !== 'store')
      throw new UsageError('--names takes node or store');
    const profile = await loadFleetProfile(chooseProfilePath(values.fleet));
    const nodes = profile.nodes.filter((n) => values.names === 'node' || n.role === 'store');
    out(nodes.map((n) => n.name).join('\n'));
    return 0;
  }
  const [shell] = positionals;
  if (positionals.length !== 1 || (shell !== 'bash' && shell !== 'zsh'))
    throw new UsageError('name a shell: bash or zsh');
  out(shell === 'bash' ? bashCompletion(commandTable) : zshCompletion(commandTable));
  return 0;
}

/** `mailfleet completion`. */
export const completionSpec: CommandSpec = {
  name: 'completion',
  summary: 'shell completion for bash or zsh',
  usage: ['completion bash|zsh'],
  details: [
    'bash: add  source <(mailfleet completion bash)  to ~/.bashrc',
    'zsh:  add  source <(mailfleet completion zsh)  to ~/.zshrc (after compinit)',
    'Node and store names are completed from the fleet profile ($MAILFLEET_FLEET or the default lab).',
  ],
  subcommands: ['bash', 'zsh'],
  flags: ['help'],
  run: completionCommand,
};
