/**
 * Runs an installed systemd unit's `ExecStart` the way systemd would on a machine where systemd is
 * not PID 1 (the test machines): as the unit's `User=`/`Group=` with its `UMask=`, in the
 * foreground, with the JSON log lines of the agent parsed as they come. Tests stop it by pid.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';

/** What the unit file says about how to start the service. */
export interface UnitStart {
  execStart: string[];
  user: string;
  group: string;
  umask: string;
}

/** Reads `ExecStart=`, `User=`, `Group=`, `UMask=` of a unit file (one ExecStart, no quoting). */
export async function readUnitStart(unitFile: string): Promise<UnitStart> {
  const text = await readFile(unitFile, 'utf8');
  const value = (key: string): string | undefined =>
    text
      .split('\n')
      .find((line) => line.startsWith(`${key}=`))
      ?.slice(key.length + 1)
      .trim();
  const execStart = value('ExecStart');
  if (!execStart) throw new Error(`${unitFile} has no ExecStart=`);
  return {
    execStart: execStart.split(/\s+/),
    user: value('User') ?? 'root',
    group: value('Group') ?? value('User') ?? 'root',
    umask: value('UMask') ?? '0022',
  };
}

/** A service started from its unit. */
export interface UnitProcess {
  child: ChildProcess;
  logs: Array<Record<string, unknown>>;
  stderr: string[];
  /** The first log line with this `msg`; rejects if the process exits first. */
  waitForLog(msg: string): Promise<Record<string, unknown>>;
  exited: Promise<number | null>;
}

/** Starts the unit's command as its user with its umask (setpriv, as root). */
export function startUnitProcess(start: UnitStart): UnitProcess {
  const child = spawn(
    'setpriv',
    [
      `--reuid=${start.user}`,
      `--regid=${start.group}`,
      '--init-groups',
      '--',
      'sh',
      '-c',
      `umask ${start.umask} && exec "$@"`,
      'sh',
      ...start.execStart,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' } },
  );
  const logs: Array<Record<string, unknown>> = [];
  const stderr: string[] = [];
  const waiters: Array<{ msg: string; resolve: (line: Record<string, unknown>) => void }> = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      logs.push(parsed);
      for (const waiter of waiters.filter((w) => w.msg === parsed.msg)) waiter.resolve(parsed);
    } catch {
      stderr.push(`stdout: ${line}`);
    }
  });
  createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    logs,
    stderr,
    exited,
    waitForLog: (msg) =>
      new Promise((resolve, reject) => {
        const seen = logs.find((line) => line.msg === msg);
        if (seen) return resolve(seen);
        waiters.push({ msg, resolve });
        void exited.then((code) =>
          reject(new Error(`exited ${code} before logging "${msg}": ${stderr.join('\n')}`)),
        );
      }),
  };
}
