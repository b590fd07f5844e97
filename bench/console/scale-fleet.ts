/**
 * Starts the console bench's scale fleet (N agents and their directory) in a child process
 * (scale-fleet-child.ts) and hands back what a console needs to reach it, plus the child's CPU use.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import type { InProcessFleetAccess } from '../control/in-process-fleet.js';

/** The agents' process as the bench sees it. */
export interface ScaleFleet {
  access: InProcessFleetAccess;
  /** CPU time the agents' process has used so far, in ms. */
  cpuMs(): Promise<number>;
  stop(): Promise<void>;
}

const accessLine = z.object({
  access: z.object({
    directoryUrl: z.string(),
    baseDn: z.string(),
    adminBindDn: z.string(),
    adminPassword: z.string(),
    adminPrivateKey: z.string(),
  }),
});
const cpuLine = z.object({ cpuMs: z.number() });

/** Starts `count` agents under `root` in a child process; resolves once they all started. */
export async function startScaleFleet(root: string, count: number): Promise<ScaleFleet> {
  const script = join(import.meta.dirname, 'scale-fleet-child.js');
  const child: ChildProcess = spawn(process.execPath, [script, JSON.stringify({ root, count })], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`the agents' process ended (exit ${code}) before it was ready`);
  });
  const [first] = (await Promise.race([once(lines, 'line'), exited])) as [string];
  // Once ready, its later exit (at stop) is no error.
  exited.catch(() => {});
  const { access } = accessLine.parse(JSON.parse(first));
  return {
    access,
    cpuMs: async () => {
      const answer = once(lines, 'line');
      child.kill('SIGUSR2');
      const [line] = (await answer) as [string];
      return cpuLine.parse(JSON.parse(line)).cpuMs;
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      const ended = once(child, 'exit');
      child.kill('SIGTERM');
      await ended;
    },
  };
}
