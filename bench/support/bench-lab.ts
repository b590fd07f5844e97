/**
 * A lab started for a bench: `mailfleet lab up` in a child process, in a temp home, resolved once it
 * prints that every node answers; stopped with SIGTERM like an operator would.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type FleetProfile, loadFleetProfile } from '../../main/core/fleet-profile.js';

export interface BenchLab {
  home: string;
  profile: FleetProfile;
  /** address -> password, from lab-users.csv. */
  users: { address: string; password: string; store: string }[];
  stop(): Promise<void>;
}

/** Starts a lab with the given `lab up` size flags. */
export async function startBenchLab(home: string, flags: string[]): Promise<BenchLab> {
  const cli = fileURLToPath(new URL('../../../bin/mailfleet.js', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, [cli, 'lab', 'up', '--home', home, ...flags], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/lab up: all \d+ nodes answering/.test(output)) resolve();
      if (/not every node answered/.test(output)) reject(new Error(output));
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', () => reject(new Error(`lab up exited: ${output}`)));
  });
  const profile = await loadFleetProfile(join(home, 'fleet.json'));
  const csv = (await readFile(join(home, 'lab-users.csv'), 'utf8')).trim().split('\n').slice(1);
  const users = csv.map((line) => {
    const [address = '', password = '', store = ''] = line.split(',');
    return { address, password, store };
  });
  return {
    home,
    profile,
    users,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}
