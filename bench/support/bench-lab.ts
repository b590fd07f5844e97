/**
 * A lab started for a bench: `mailfleet lab up` in a child process, in a temp home, resolved once it
 * prints that every node answers; stopped with SIGTERM like an operator would.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type FleetProfile, loadFleetProfile } from '../../main/core/fleet-profile.js';
import { parseLabUsers } from '../../main/lab/lab-people.js';
import { startLabProcess } from '../../test/support/lab-process.js';

export interface BenchLab {
  home: string;
  profile: FleetProfile;
  /** address -> password, from lab-users.csv. */
  users: { address: string; password: string; store: string }[];
  stop(): Promise<void>;
}

/** Starts a lab with the given `lab up` size flags. */
export async function startBenchLab(home: string, flags: string[]): Promise<BenchLab> {
  const lab = await startLabProcess(home, flags, 180_000);
  const profile = await loadFleetProfile(join(home, 'fleet.json'));
  const users = parseLabUsers(await readFile(join(home, 'lab-users.csv'), 'utf8'));
  return {
    home,
    profile,
    users,
    stop: () => lab.stop(),
  };
}
