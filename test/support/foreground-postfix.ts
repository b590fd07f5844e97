/**
 * Debian's Postfix in the foreground (`postfix start-fg`, TESTBED.md) with its own configuration,
 * queue and data directories in one directory, smtpd on loopback ports: the one launcher behind the
 * interop tests' Postfix (postfix.ts) and the director bench's peer (bench/director/postfix-peer.ts).
 * Each caller adds its own main.cf lines and lookup tables to the basics here: no chroot, no local
 * delivery, loopback only, log to a file (`maillog_file` with the `postlog` service).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Thrown when Postfix does not come up; carries its log. */
export class PostfixStartError extends Error {
  override readonly name = 'PostfixStartError';
}

/** One smtpd listener on 127.0.0.1. */
export interface PostfixListener {
  port: number;
  /** `-o name=value` overrides of this listener (master.cf). */
  overrides?: Record<string, string>;
}

/** What to start. */
export interface ForegroundPostfixOptions {
  /** An existing empty directory for configuration, queue, data and log; removed by `stop()`. */
  dir: string;
  /** myhostname. */
  hostName: string;
  listeners: PostfixListener[];
  /** main.cf settings added to the basics (a key of the basics replaces it). */
  mainCf: Record<string, string>;
  /** Files (lookup tables) written into `dir` before `postfix check`; mode 0644 unless given. */
  files?: Record<string, { text: string; mode?: number }>;
}

/** A running Postfix. */
export interface ForegroundPostfix {
  /** The configuration directory (`postfix -c`). */
  dir: string;
  /** The master process's pid. */
  pid: number;
  /** The mail log so far. */
  log(): Promise<string>;
  /** Stops Postfix by pid and removes `dir`. */
  stop(): Promise<void>;
}

// Every service Postfix needs, without chroot (column 5 `n`): the queue directory has no /etc copies.
const services = [
  'pickup    unix  n  -  n  60  1  pickup',
  'cleanup   unix  n  -  n  -   0  cleanup',
  'qmgr      unix  n  -  n  300 1  qmgr',
  'tlsmgr    unix  -  -  n  1000? 1 tlsmgr',
  'rewrite   unix  -  -  n  -   -  trivial-rewrite',
  'bounce    unix  -  -  n  -   0  bounce',
  'defer     unix  -  -  n  -   0  bounce',
  'trace     unix  -  -  n  -   0  bounce',
  'verify    unix  -  -  n  -   1  verify',
  'flush     unix  n  -  n  1000? 0 flush',
  'proxymap  unix  -  -  n  -   -  proxymap',
  'proxywrite unix -  -  n  -   1  proxymap',
  'smtp      unix  -  -  n  -   -  smtp',
  'relay     unix  -  -  n  -   -  smtp',
  'showq     unix  n  -  n  -   -  showq',
  'error     unix  -  -  n  -   -  error',
  'retry     unix  -  -  n  -   -  error',
  'discard   unix  -  -  n  -   -  discard',
  'local     unix  -  n  n  -   -  local',
  'virtual   unix  -  n  n  -   -  virtual',
  'lmtp      unix  -  -  n  -   -  lmtp',
  'anvil     unix  -  -  n  -   1  anvil',
  'scache    unix  -  -  n  -   1  scache',
  'postlog   unix-dgram n - n -  1  postlogd',
];

/** Writes the configuration, checks it, starts Postfix and waits for every listener's greeting. */
export async function startForegroundPostfix(options: ForegroundPostfixOptions): Promise<ForegroundPostfix> {
  const { dir } = options;
  const logFile = join(dir, 'maillog');
  // Postfix's daemons (user postfix) must reach their directories; the queue directory belongs to
  // root, the data directory to postfix (`postfix check` makes the rest).
  await chmod(dir, 0o755);
  await mkdir(join(dir, 'queue'), { mode: 0o755 });
  await mkdir(join(dir, 'data'), { mode: 0o700 });
  await run('chown', ['postfix', join(dir, 'data')]);
  for (const [name, file] of Object.entries(options.files ?? {})) {
    await writeFile(join(dir, name), file.text, { mode: file.mode ?? 0o644 });
  }
  const main: Record<string, string> = {
    compatibility_level: '3.6',
    queue_directory: join(dir, 'queue'),
    data_directory: join(dir, 'data'),
    mail_owner: 'postfix',
    setgid_group: 'postdrop',
    maillog_file: logFile,
    maillog_file_prefixes: dir,
    myhostname: options.hostName,
    mydestination: '',
    inet_interfaces: '127.0.0.1',
    inet_protocols: 'ipv4',
    mynetworks: '127.0.0.0/8',
    // No DNS on this machine: no client name lookups.
    smtpd_peername_lookup: 'no',
    smtputf8_enable: 'no',
    biff: 'no',
    alias_maps: '',
    alias_database: '',
    smtpd_relay_restrictions: 'permit_mynetworks, reject_unauth_destination',
    ...options.mainCf,
  };
  await writeFile(
    join(dir, 'main.cf'),
    Object.entries(main)
      .map(([key, value]) => `${key} = ${value}\n`)
      .join(''),
  );
  const listeners = options.listeners.flatMap((listener) => [
    `127.0.0.1:${listener.port} inet n - n - - smtpd`,
    ...Object.entries(listener.overrides ?? {}).map(([key, value]) => `  -o ${key}=${value}`),
  ]);
  await writeFile(join(dir, 'master.cf'), [...listeners, ...services, ''].join('\n'));
  const readLog = async () => readFile(logFile, 'utf8').catch(() => '');
  await run('postfix', ['-c', dir, 'check']).catch(async (error: { stdout?: string; stderr?: string }) => {
    const log = await readLog();
    await rm(dir, { recursive: true, force: true });
    throw new PostfixStartError(`postfix check failed: ${error.stderr ?? ''}${error.stdout ?? ''}\n${log}`);
  });
  // `script` gives Postfix a terminal, so a fatal start error is printed instead of lost in syslog.
  const child: ChildProcess = spawn('script', ['-qfc', `postfix -c ${dir} start-fg`, '/dev/null'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const stop = async () => {
    const pid = await masterPid(dir);
    if (pid) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
      await waitForExit(pid, 10_000);
    }
    if (child.exitCode === null && child.pid) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (const listener of options.listeners) await waitForGreeting(listener.port, child, 20_000);
  } catch (error) {
    const log = await readLog();
    await stop();
    throw new PostfixStartError(`${(error as Error).message}\n${output}\n${log}`);
  }
  return { dir, pid: (await masterPid(dir)) ?? child.pid ?? 0, log: readLog, stop };
}

async function masterPid(dir: string): Promise<number | undefined> {
  const text = await readFile(join(dir, 'queue', 'pid', 'master.pid'), 'utf8').catch(() => '');
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

async function waitForExit(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Gone meanwhile.
  }
}

async function waitForGreeting(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new PostfixStartError(`postfix exited with ${child.exitCode}`);
    const greeted = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      const done = (ok: boolean) => {
        socket.destroy();
        resolve(ok);
      };
      socket.setTimeout(2_000, () => done(false));
      socket.once('data', (chunk: Buffer) => done(chunk.toString().startsWith('220')));
      socket.once('error', () => done(false));
    });
    if (greeted) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new PostfixStartError(`postfix did not greet on port ${port} in ${timeoutMs} ms`);
}
