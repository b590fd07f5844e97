/**
 * One lab for a CLI test file: `mailfleet lab up` in a new temporary home before the file's tests,
 * stopped and removed after them (starting a lab is the expensive part, so a file shares one), and
 * the CLI on it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { type LabProcess, runMailfleet, runMailfleetWith, startLabProcess } from './lab-process.js';

/** Three stores and a spare, 30 users in 2 domains: a lab where replicas and failover have room. */
export const storesAndSpareLab = ['--stores', '3', '--spares', '1', '--users', '30', '--domains', '2'];

/** The lab of a CLI test file and the CLI on it. */
export interface CliLab {
  /** The lab's home (fleet.json, lab-users.csv); set once the lab is up. */
  home(): string;
  /** The lab process (its output), once up. */
  lab(): LabProcess;
  mailfleet(...args: string[]): ReturnType<typeof runMailfleet>;
  /** The CLI with standard input and environment variables given. */
  mailfleetWith(
    options: { input?: string; env?: Record<string, string> },
    ...args: string[]
  ): ReturnType<typeof runMailfleet>;
}

/** Starts `lab up ...flags` before the file's tests (in `beforeAll`) and stops it after them. */
export function cliLabForFile(name: string, flags: string[], timeoutMs = 90_000): CliLab {
  let home: string | undefined;
  let lab: LabProcess | undefined;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), `mailfleet-${name}-`));
    lab = await startLabProcess(home, flags, timeoutMs);
  }, timeoutMs + 30_000);
  afterAll(async () => {
    await lab?.stop();
    if (home) await rm(home, { recursive: true, force: true });
  });
  const mustHome = () => {
    if (!home) throw new Error('the lab is not up');
    return home;
  };
  return {
    home: mustHome,
    lab: () => {
      if (!lab) throw new Error('the lab is not up');
      return lab;
    },
    mailfleet: (...args) => runMailfleet(mustHome(), ...args),
    mailfleetWith: (options, ...args) => runMailfleetWith(mustHome(), options, ...args),
  };
}
