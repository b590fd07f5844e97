/**
 * A peer daemon a bench starts in the foreground (Postfix, postgrey, ...): spawned, waited for on
 * its loopback port, its output kept for the error when it does not come up, stopped with SIGTERM.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { waitForPort } from '../../main/lab/lab-supervisor.js';

/** A running foreground daemon. */
export interface ForegroundDaemon {
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Spawns `program args` and resolves once it listens on `port` (within `timeoutMs`). */
export async function startForegroundDaemon(
  program: string,
  args: string[],
  port: number,
  what: string,
  timeoutMs = 20_000,
): Promise<ForegroundDaemon> {
  const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  try {
    await waitForPort(port, timeoutMs, what);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}: ${output}`);
  }
  return {
    child,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
