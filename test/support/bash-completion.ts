/**
 * The CLI's bash completion as bash runs it: `source <(mailfleet completion bash)` in real bash,
 * COMP_WORDS set as if the words were typed, then the completion function; returns COMPREPLY.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mailfleetCli } from './lab-process.js';

/** What bash completes for the words typed so far (the last one may be partly typed). */
export async function bashCompletes(fleetProfile: string, ...typed: string[]): Promise<string[]> {
  const script = [
    `mailfleet() { ${JSON.stringify(process.execPath)} ${JSON.stringify(mailfleetCli)} "$@"; }`,
    'source <(mailfleet completion bash)',
    `COMP_WORDS=(mailfleet ${typed.map((w) => `'${w}'`).join(' ')})`,
    `COMP_CWORD=${typed.length}`,
    '_mailfleet',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a bash array expansion, not a template
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n');
  const { stdout } = await promisify(execFile)('bash', ['-c', script], {
    env: { ...process.env, MAILFLEET_FLEET: fleetProfile },
  });
  return stdout.split('\n').filter(Boolean);
}
