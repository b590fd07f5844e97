/**
 * `mailfleet lab up` as a user runs it, in a child process: resolves once it prints its one line
 * saying every node answers; `stop()` sends SIGTERM and waits for the lab to stop all its nodes.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

/** The CLI entry point (bin/mailfleet.js of the package), from the sources or from their build in dist/. */
export const mailfleetCli = join(packageRoot(import.meta.dirname), 'bin', 'mailfleet.js');

/**
 * Runs the CLI on the lab whose home is `home` (its fleet.json); never throws for a non-zero exit
 * (the test looks at it).
 */
export async function runMailfleet(
  home: string,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  return runMailfleetWith(home, {}, ...args);
}

/**
 * As {@link runMailfleet}, with `input` written to its standard input (then closed) and `env` set
 * over the test's environment (e.g. `LANG: 'ja_JP.UTF-8'`).
 */
export async function runMailfleetWith(
  home: string,
  options: { input?: string; env?: Record<string, string> },
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  const run = promisify(execFile)(process.execPath, [mailfleetCli, ...args], {
    env: { ...process.env, MAILFLEET_FLEET: join(home, 'fleet.json'), ...options.env },
    timeout: 120_000,
  });
  run.child.stdin?.end(options.input ?? '');
  try {
    const { stdout, stderr } = await run;
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

function packageRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the mailfleet package root');
    dir = up;
  }
  return dir;
}

export interface LabProcess {
  child: ChildProcess;
  /** Everything the lab printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts `lab up --home HOME ...flags` and waits for it to say every node answers. */
export async function startLabProcess(home: string, flags: string[], timeoutMs: number): Promise<LabProcess> {
  const child = spawn(process.execPath, [mailfleetCli, 'lab', 'up', '--home', home, ...flags], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const lab: LabProcess = {
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
  const began = Date.now();
  while (!/lab up: all \d+ nodes answering/.test(output)) {
    if (child.exitCode !== null) throw new Error(`lab up exited: ${output}`);
    // `lab up` has said which node did not come up and why: no use waiting out the rest.
    if (Date.now() - began > timeoutMs || /stopped while starting|not every node answered/.test(output)) {
      await lab.stop();
      throw new Error(`lab never came up: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return lab;
}
