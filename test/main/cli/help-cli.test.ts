/**
 * `--help` and `mailfleet help CMD` on every command of the table, the overview, an unknown
 * command refused in words (English and Japanese), and the bash completion sourced in real bash.
 * None of these needs a fleet: they run the real binary with no lab (daily-cli.test.ts completes
 * node names from a lab's profile).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandTable } from '../../../main/cli/command-table.js';
import { bashCompletes as bashCompletesOn } from '../../support/bash-completion.js';
import { runMailfleetWith } from '../../support/lab-process.js';

let home: string;
/** The CLI with a profile path that does not exist: no command here may need one. */
const mailfleet = (...args: string[]) => runMailfleetWith(home, {}, ...args);

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'mailfleet-help-cli-'));
});

afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

const bashCompletes = (...typed: string[]) => bashCompletesOn(join(home, 'fleet.json'), ...typed);

describe('mailfleet --help', () => {
  it('prints the usage of every command with --help and with help CMD, and exits 0', async () => {
    expect(commandTable.map((c) => c.name)).toEqual(
      expect.arrayContaining(['status', 'node', 'audit', 'user', 'alias', 'queue', 'why', 'lab', 'console']),
    );
    for (const command of commandTable) {
      const first = command.subcommands?.[0];
      const viaFlag = await mailfleet(command.name, ...(first ? [first] : []), '--help');
      expect(viaFlag.code, command.name).toBe(0);
      expect(viaFlag.stdout).toMatch(new RegExp(`^usage:\\n  mailfleet ${command.name}\\b`));
      const viaHelp = await mailfleet('help', command.name);
      expect(viaHelp.stdout).toBe(viaFlag.stdout);
    }
    // The one the issue names: `lab up --help` was an error.
    const labUp = await mailfleet('lab', 'up', '--help');
    expect(labUp.code).toBe(0);
    expect(labUp.stdout).toMatch(/mailfleet lab up \[--home DIR\]/);
    // Where passwords come from is said in the help.
    expect((await mailfleet('user', '--help')).stdout).toMatch(/never taken from the command line/);
  }, 300_000);

  it('lists every command, and refuses an unknown one or a bad use in words', async () => {
    const overview = await mailfleet('help');
    expect(overview.code).toBe(0);
    for (const command of commandTable) expect(overview.stdout).toContain(`mailfleet ${command.name} `);
    const unknown = await mailfleet('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^unknown command "frobnicate"/);
    const japanese = await runMailfleetWith(
      home,
      { env: { LANG: 'ja_JP.UTF-8', LC_ALL: '', LC_MESSAGES: '' } },
      'frobnicate',
    );
    expect(japanese.stderr).toMatch(/^"frobnicate" というコマンドはありません/);
    const badFlag = await mailfleet('user', 'find', '--colour');
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toMatch(/Unknown option '--colour'[\s\S]*usage:\n {2}mailfleet user find/);
    const badUse = await mailfleet('queue', 'show');
    expect(badUse.code).toBe(2);
    expect(badUse.stderr).toMatch(/this is not how the command is used[\s\S]*mailfleet queue show ID/);
    const shell = await mailfleet('completion', 'fish');
    expect(shell.stderr).toMatch(/name a shell: bash or zsh/);
  }, 60_000);
});

describe('mailfleet lab without a lab', () => {
  it('refuses bad lab input in words before starting anything', async () => {
    const nolab = join(home, 'no-lab');
    const up = await mailfleet('lab', 'up', '--home', nolab, '--stores', 'many');
    expect(up.code).toBe(1);
    expect(up.stderr).toMatch(/--stores takes a whole number, not "many"/);
    expect((await mailfleet('lab', 'down', '--home', nolab)).stderr).toMatch(/there is no lab at /);
    expect((await mailfleet('lab', 'start', 'store01', '--home', nolab)).stderr).toMatch(
      /no lab is running with its control socket at .*start one with 'mailfleet lab up'/,
    );
    expect((await mailfleet('lab', 'traffic', '--home', nolab, '--duration', '0.5s')).stderr).toMatch(
      /--duration is at least 1s/,
    );
    expect((await mailfleet('lab', 'kill', '--home', nolab)).code).toBe(2);
  }, 120_000);
});

describe('mailfleet completion', () => {
  it('completes commands, subcommands and flags in real bash from the command table', async () => {
    expect(await bashCompletes('qu')).toEqual(['queue']);
    expect(await bashCompletes('queue', 'h')).toEqual(['hold']);
    expect(await bashCompletes('user', 'pa')).toEqual(['passwd']);
    expect(await bashCompletes('queue', 'list', '--old')).toEqual(['--older-than']);
    expect(await bashCompletes('lab', 'up', '--spar')).toEqual(['--spares']);
    expect(await bashCompletes('help', 'rep')).toEqual(['replicas']);
    // zsh: the script parses, and compinit in real zsh files it as the completion of mailfleet.
    const zsh = await mailfleet('completion', 'zsh');
    expect(zsh.stdout).toMatch(/^#compdef mailfleet/);
    expect(zsh.stdout).toContain('queue) flags=(');
    const script = join(home, 'mailfleet.zsh');
    await writeFile(script, zsh.stdout);
    const { stdout } = await promisify(execFile)('zsh', [
      '-fc',
      `autoload -U compinit; compinit -u -D; source ${script}; print -r -- $_comps[mailfleet]; whence -w _mailfleet`,
    ]);
    expect(stdout.trim().split('\n')).toEqual(['_mailfleet', '_mailfleet: function']);
  }, 60_000);
});
