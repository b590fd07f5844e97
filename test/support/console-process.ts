/**
 * `mailfleet console --web` as a user runs it, in a child process: resolves with the URL it prints
 * (token included); `stop()` sends SIGTERM and waits for it to exit.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mailfleetCli } from './lab-process.js';

export interface ConsoleProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  stop(): Promise<void>;
}

/** Starts browser mode on a fleet profile and waits for its URL. */
export async function startConsoleProcess(
  profile: string,
  timeoutMs: number,
  options: {
    lang?: string;
    settingsFile?: string;
    /** `start`: `mailfleet start --web` on the profile, which serves the same console. */
    command?: 'console' | 'start';
    /** More `mailfleet console` flags (`--sign-in`). */
    args?: string[];
  } = {},
): Promise<ConsoleProcess> {
  const args =
    options.command === 'start'
      ? ['start', '--web', '--fleet', profile]
      : ['console', '--web', '--fleet', profile, '--port', '0', ...(options.args ?? [])];
  const child = spawn(process.execPath, [mailfleetCli, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      // The console's language follows the first of these that is set: only LANG decides here.
      LC_ALL: '',
      LC_MESSAGES: '',
      LANGUAGE: '',
      LANG: options.lang ?? 'en_US.UTF-8',
      MAILFLEET_CONSOLE_SETTINGS: options.settingsFile ?? `${profile}.console-test.json`,
    },
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  const began = Date.now();
  for (;;) {
    const match = /console: open (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(output);
    if (match?.[1]) return { child, url: match[1], output: () => output, stop };
    if (child.exitCode !== null) throw new Error(`mailfleet console exited: ${output}`);
    if (Date.now() - began > timeoutMs) {
      await stop();
      throw new Error(`mailfleet console printed no URL: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
