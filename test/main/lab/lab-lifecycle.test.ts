/**
 * A small lab's life: up, the CLI as a lower tier, the directory down, `lab down` from another
 * process, a second `lab up` on the same home reusing its data, and a third where a node's port is
 * taken as it starts.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LdapFleetDirectory } from '../../../agent/common/directory/ldap-fleet-directory.js';
import { loadFleetProfile } from '../../../main/core/fleet-profile.js';
import { type LabState, labStateSchema } from '../../../main/lab/lab-plan.js';
import { type LabProcess, mailfleetCli, startLabProcess } from '../../support/lab-process.js';

const run = promisify(execFile);
const cli = mailfleetCli;

let home: string;

async function mailfleet(profile: string, ...args: string[]) {
  return run(process.execPath, [cli, ...args], {
    env: { ...process.env, MAILFLEET_FLEET: join(home, profile) },
    timeout: 60_000,
  });
}

/** A two-store lab on `home`. */
function labUp(): Promise<LabProcess> {
  return startLabProcess(home, ['--stores', '2', '--users', '50'], 60_000);
}

describe('a small lab', () => {
  let lab: LabProcess;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'mailfleet-lab-small-'));
    lab = await labUp();
  }, 90_000);

  afterAll(async () => {
    await lab.stop();
    await rm(home, { recursive: true, force: true });
  }, 60_000);

  it('refuses a service restart to the helpdesk admin, in the agent, naming the tier', async () => {
    const attempt = mailfleet('fleet-labhelpdesk.json', 'node', 'store01', 'restart', 'metrics-http');
    await expect(attempt).rejects.toMatchObject({
      stderr: expect.stringMatching(/tier helpdesk may not call service\.restart/),
    });
    // The refusal is in the node's audit log, as seen by the system admin.
    const { stdout } = await mailfleet('fleet.json', 'audit', 'store01', '--json');
    const entries = JSON.parse(stdout) as { method: string; outcome: string; caller: { id: string } }[];
    expect(entries).toContainEqual(
      expect.objectContaining({
        method: 'service.restart',
        outcome: 'denied',
        caller: expect.objectContaining({ id: 'labhelpdesk' }),
      }),
    );
  });

  it('still lists every node from its last known list while the directory is down', async () => {
    await mailfleet('fleet.json', 'status'); // refreshes the known-nodes list
    await mailfleet('fleet.json', 'lab', 'kill', 'directory01', '--home', home);
    const { stdout, stderr } = await mailfleet('fleet.json', 'status', '--json');
    expect(stderr).toMatch(/the directory does not answer/);
    const rows = JSON.parse(stdout) as { name: string; state: string }[];
    expect(rows.find((r) => r.name === 'directory01')?.state).toBe('down');
    expect(rows.find((r) => r.name === 'store01')?.state).toBe('up');
    await mailfleet('fleet.json', 'lab', 'start', 'directory01', '--home', home);
  });

  it('is stopped by lab down from another process and comes back with the same data', {
    timeout: 120_000,
  }, async () => {
    const usersBefore = await readFile(join(home, 'lab-users.csv'), 'utf8');
    // A directory write before the restart must still be there after it.
    const profile = await loadFleetProfile(join(home, 'fleet.json'));
    const firstUser = usersBefore.split('\n')[1]!.split(',')[0]!;
    for (let i = 0; i < 100; i++) {
      const directory = new LdapFleetDirectory(profile.directory);
      try {
        await directory.modifyUser(firstUser, { displayName: 'Renamed Before Restart' });
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 200)); // the directory node is still starting
      } finally {
        await directory.close();
      }
    }
    const { stdout } = await mailfleet('fleet.json', 'lab', 'down', '--home', home);
    expect(stdout).toMatch(/stopped the lab/);
    if (lab.child.exitCode === null) await new Promise((r) => lab.child.once('exit', r));
    expect(lab.child.exitCode).toBe(0);

    lab = await labUp();
    expect(lab.output()).toMatch(/reusing the lab/);
    expect(await readFile(join(home, 'lab-users.csv'), 'utf8')).toBe(usersBefore);
    const directory = new LdapFleetDirectory(profile.directory);
    try {
      expect((await directory.findUserByAddress(firstUser))?.displayName).toBe('Renamed Before Restart');
    } finally {
      await directory.close();
    }
  });

  it('starts a node again on new ports when another program took one of them as it started', {
    timeout: 120_000,
  }, async () => {
    await mailfleet('fleet.json', 'lab', 'down', '--home', home);
    if (lab.child.exitCode === null) await new Promise((r) => lab.child.once('exit', r));
    // Both stores keep the same saved control port: each is free when `lab up` checks it, and the
    // store that binds it second finds it taken, as when another program takes it in between.
    const statePath = join(home, 'lab.json');
    const state = readState(await readFile(statePath, 'utf8'));
    const shared = state.nodes.find((n) => n.name === 'store01')!.controlPort;
    const nodes = state.nodes.map((n) => (n.name === 'store02' ? { ...n, controlPort: shared } : n));
    await writeFile(statePath, JSON.stringify({ ...state, nodes }));

    lab = await labUp();
    expect(lab.output()).toMatch(
      new RegExp(`store0[12] could not start: .*EADDRINUSE.*${shared}; starting it again on new ports`),
    );
    const after = readState(await readFile(statePath, 'utf8')).nodes;
    const ports = after.filter((n) => n.name.startsWith('store')).map((n) => n.controlPort);
    expect(new Set(ports).size).toBe(ports.length);
    const { stdout } = await mailfleet('fleet.json', 'status', '--json');
    const rows = JSON.parse(stdout) as { name: string; state: string }[];
    expect(rows.filter((r) => r.state !== 'up')).toEqual([]);
  });
});

function readState(text: string): LabState {
  return labStateSchema.parse(JSON.parse(text));
}
