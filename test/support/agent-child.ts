/**
 * The real `mailfleet-agent` binary as a child process (compiled by compiled-agent.ts): its JSON
 * log lines parsed as they come, stderr kept, and its exit awaited. Tests stop it by pid.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** A running agent process. */
export interface AgentChild {
  child: ChildProcess;
  /** Every stdout line, parsed. */
  logs: Array<Record<string, unknown>>;
  /** Lines that were not JSON. */
  otherLines: string[];
  stderr: string[];
  /** The first log line with this `msg` (already logged or to come); rejects if the agent exits first. */
  waitForLog(msg: string): Promise<Record<string, unknown>>;
  /** Exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** SIGKILL if still running. */
  kill(): void;
}

/** Options of {@link spawnAgentChild}. */
export interface AgentChildOptions {
  /** The compiled `bin/mailfleet-agent.js`. */
  bin: string;
  /** Written as JSON to `configDir/<file>` and passed with --config. */
  config: unknown;
  configDir: string;
  configFile: string;
  env?: NodeJS.ProcessEnv;
  /** Arguments for node before the script (e.g. `--import`). */
  nodeArgs?: string[];
}

/** Starts `node [nodeArgs] bin --config FILE`. */
export async function spawnAgentChild(options: AgentChildOptions): Promise<AgentChild> {
  const file = join(options.configDir, options.configFile);
  await writeFile(file, JSON.stringify(options.config));
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.bin, '--config', file], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  const otherLines: string[] = [];
  const stderr: string[] = [];
  const waiters: Array<{ msg: string; resolve: (line: Record<string, unknown>) => void }> = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(line) as Record<string, unknown>;
    } catch {
      otherLines.push(line);
      return;
    }
    logs.push(parsed);
    for (const waiter of waiters.filter((w) => w.msg === parsed.msg)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(parsed);
    }
  });
  createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    logs,
    otherLines,
    stderr,
    exited,
    waitForLog: (msg) => {
      const seen = logs.find((line) => line.msg === msg);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ msg, resolve });
        void exited.then((code) =>
          reject(new Error(`agent exited (${code}) before logging "${msg}": ${stderr.join('\n')}`)),
        );
      });
    },
    kill: () => {
      if (child.exitCode === null && child.signalCode === null && child.pid)
        process.kill(child.pid, 'SIGKILL');
    },
  };
}
