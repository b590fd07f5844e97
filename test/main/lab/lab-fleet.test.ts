/**
 * The reference lab, as a user runs it: `mailfleet lab up` in the background (35 stores, a spare, a
 * director, a gateway, the directory; 40,000 users), then the CLI against its fleet.json. Everything
 * here is real: separate OS processes, SSH with pinned host keys, the embedded LDAP directory.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LabProcess, mailfleetCli, startLabProcess } from '../../support/lab-process.js';

const run = promisify(execFile);
const cli = mailfleetCli;

interface StatusRow {
  name: string;
  role: string;
  state: 'up' | 'down';
  problem?: string;
}

let home: string;
let lab: LabProcess | undefined;

async function mailfleet(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [cli, ...args], {
    env: { ...process.env, MAILFLEET_FLEET: join(home, 'fleet.json') },
    timeout: 60_000,
  });
  return stdout;
}

async function status(): Promise<StatusRow[]> {
  return JSON.parse(await mailfleet('status', '--json')) as StatusRow[];
}

/** Polls `mailfleet status --json` until `check` holds; returns the rows and how long it took. */
async function statusUntil(check: (rows: StatusRow[]) => boolean, timeoutMs: number) {
  const began = Date.now();
  let rows: StatusRow[] = [];
  while (Date.now() - began < timeoutMs) {
    rows = await status();
    if (check(rows)) return { rows, ms: Date.now() - began };
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(
    `status never matched within ${timeoutMs} ms: ${JSON.stringify(rows.filter((r) => r.state !== 'up'))}`,
  );
}

const node = (rows: StatusRow[], name: string) => rows.find((r) => r.name === name);

describe('the reference lab fleet', () => {
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'mailfleet-lab-'));
    // lab up prints one line when every node answers over SSH.
    lab = await startLabProcess(home, [], 150_000);
  }, 180_000);

  afterAll(async () => {
    await lab?.stop();
    await rm(home, { recursive: true, force: true });
  }, 60_000);

  it('lists every node of the reference site, all up', async () => {
    const rows = await status();
    const count = (role: string) => rows.filter((r) => r.role === role).length;
    expect(count('store')).toBe(35);
    expect(count('spare')).toBe(1);
    expect(count('director')).toBe(1);
    expect(count('gateway')).toBe(1);
    expect(count('directory')).toBe(1);
    expect(rows.filter((r) => r.state !== 'up')).toEqual([]);
  });

  it('writes a users CSV with 40,000 users and a fleet profile', async () => {
    const csv = (await readFile(join(home, 'lab-users.csv'), 'utf8')).trim().split('\n');
    expect(csv).toHaveLength(40_001);
    const profile = JSON.parse(await readFile(join(home, 'fleet.json'), 'utf8')) as { nodes: unknown[] };
    expect(profile.nodes).toHaveLength(39);
  });

  it('shows a killed store down and, after lab start, up again', async () => {
    expect(await mailfleet('lab', 'kill', 'store05', '--home', home)).toMatch(/killed store05/);
    const down = await statusUntil((rows) => node(rows, 'store05')?.state === 'down', 15_000);
    expect(node(down.rows, 'store05')?.problem).toBeTruthy();
    // Only the killed node is down.
    expect(down.rows.filter((r) => r.state === 'down').map((r) => r.name)).toEqual(['store05']);
    expect(await mailfleet('lab', 'start', 'store05', '--home', home)).toMatch(/started store05/);
    await statusUntil((rows) => node(rows, 'store05')?.state === 'up', 30_000);
  });

  it('shows a store killed with a plain SIGKILL down', async () => {
    const pid = Number(readFileSync(join(home, 'nodes', 'store07', 'agent.pid'), 'utf8'));
    process.kill(pid, 'SIGKILL');
    await statusUntil((rows) => node(rows, 'store07')?.state === 'down', 15_000);
    await mailfleet('lab', 'start', 'store07', '--home', home);
    await statusUntil((rows) => node(rows, 'store07')?.state === 'up', 30_000);
  });

  it('restarts a service as the system admin and audits it', async () => {
    expect(await mailfleet('node', 'store03', 'restart', 'metrics-http')).toMatch(/metrics-http is running/);
    const audit = JSON.parse(await mailfleet('audit', 'store03', '--json')) as {
      method: string;
      outcome: string;
    }[];
    expect(audit.some((e) => e.method === 'service.restart' && e.outcome === 'ok')).toBe(true);
  });
});
