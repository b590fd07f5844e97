/**
 * `mailfleet alias list|add|set|remove`: a domain's aliases (an address forwarding to others), as
 * the directory view edits them, through DirectoryAdmin bound as the profile's admin (the
 * directory decides who may).
 */
import { parseArgs } from 'node:util';
import { DirectoryAdmin } from '../../core/directory-admin/directory-admin.js';
import { cliWords } from '../cli-words.js';
import { type CommandIo, type CommandSpec, UsageError } from '../command-spec.js';
import { formatTable } from '../output.js';
import { withDirectory } from './fleet-options.js';
import { resultValue } from './user.js';

async function aliasCommand(argv: string[], { out }: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { fleet: { type: 'string' }, json: { type: 'boolean', default: false } },
    allowPositionals: true,
    strict: true,
  });
  const [action, subject, ...targets] = positionals;
  const words = cliWords();
  const wantsTargets = action === 'add' || action === 'set';
  if (
    !action ||
    !aliasSpec.subcommands?.includes(action) ||
    !subject ||
    (wantsTargets ? targets.length === 0 : targets.length > 0)
  )
    throw new UsageError(words.say('error.usage'));
  return withDirectory(values.fleet, async (directory) => {
    const admin = new DirectoryAdmin({ directory });
    if (action === 'list') {
      const aliases = resultValue(await admin.aliases({ domain: subject }), words);
      if (values.json) out(JSON.stringify(aliases, null, 2));
      else if (aliases.length === 0) out(words.say('alias.none', { domain: subject }));
      else
        out(
          formatTable(
            ['ALIAS', 'FORWARDS TO'],
            aliases.map((a) => [a.address, a.forwardTo.join(', ')]),
          ),
        );
      return 0;
    }
    if (action === 'remove') {
      const removed = resultValue(await admin.deleteAlias({ address: subject }), words);
      out(values.json ? JSON.stringify(removed) : words.say('alias.removed', { address: subject }));
      return 0;
    }
    const write = { address: subject, forwardTo: targets };
    const alias = resultValue(
      action === 'add' ? await admin.addAlias(write) : await admin.setAliasTargets(write),
      words,
    );
    out(
      values.json
        ? JSON.stringify(alias, null, 2)
        : words.say('alias.added', { address: alias.address, targets: alias.forwardTo.join(', ') }),
    );
    return 0;
  });
}

/** `mailfleet alias`. */
export const aliasSpec: CommandSpec = {
  name: 'alias',
  summary: "a domain's aliases: list, add, change the targets, remove",
  usage: [
    'alias list DOMAIN [--json]',
    'alias add ADDRESS TARGET... [--json]',
    'alias set ADDRESS TARGET... [--json]     (replaces the targets)',
    'alias remove ADDRESS',
  ],
  details: [
    'An alias is an address that forwards to other addresses; it cannot be an address a user has.',
    '--fleet FILE  fleet profile (default: $MAILFLEET_FLEET, else the default lab)',
  ],
  subcommands: ['list', 'add', 'set', 'remove'],
  flags: ['fleet', 'json', 'help'],
  run: aliasCommand,
};
