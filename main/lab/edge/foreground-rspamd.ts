/**
 * Debian's rspamd in the foreground on free loopback ports, with its own configuration, database,
 * run and log directories under one directory, for the lab and the tests. There is no internet
 * here, so the modules that ask DNS lists, fetch maps or need Redis are off, and DNS goes to the
 * server given (the simulated internet's) or to a closed loopback port (refused at once). With
 * `senderChecks`, rspamd's own SPF, DKIM, DMARC and ARC modules run against that DNS.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stopChild } from './stop-child.js';

/** Where Debian installs rspamd. */
export const rspamdProgram = '/usr/bin/rspamd';

/** rspamd's sender authentication modules: they need DNS. */
const senderCheckModules = ['spf', 'dkim', 'dmarc', 'arc'];

// Modules that reach the internet (DNS lists, URL lists, fuzzy storage, remote maps) or need Redis.
const networkModules = [
  'rbl',
  'surbl',
  'emails',
  'fuzzy_check',
  'phishing',
  'asn',
  ...senderCheckModules,
  'mx_check',
  'url_redirector',
  'rspamd_update',
  'whitelist',
  'reputation',
  'neural',
  'ratelimit',
  'greylist',
  'replies',
  'history_redis',
  'bimi',
];

/** A running rspamd. */
export interface ForegroundRspamd {
  /** `http://127.0.0.1:PORT` of the normal worker (the scan protocol). */
  url: string;
  pid: number;
  /** The end of its output and log, for failure messages. */
  log(): string;
  /** Stops it by pid (SIGTERM, SIGKILL after 10 s). */
  stop(): Promise<void>;
}

/** Where and how to run it. */
export interface ForegroundRspamdOptions {
  /** Its home: conf/, db/, run/, log/ are made below. */
  dir: string;
  /** Free loopback ports for the normal, controller and proxy workers. */
  ports: { normal: number; controller: number; proxy: number };
  /** `host:port` of the DNS server to ask; absent: a closed port (`closedDnsPort`). */
  dnsServer?: string;
  /** A loopback port nothing listens on, for DNS when `dnsServer` is absent. */
  closedDnsPort?: number;
  /** Run rspamd's SPF, DKIM, DMARC and ARC modules (needs `dnsServer`). */
  senderChecks?: boolean;
  /** How long to wait for the first answer (default 100 s: a cold start on a busy machine is slow). */
  readyTimeoutMs?: number;
}

/** Thrown when rspamd exits during its start (a port taken meanwhile): the caller may try new ports. */
export class RspamdExited extends Error {}

/** Starts rspamd and waits until its normal worker answers `/ping`. */
export async function startForegroundRspamd(options: ForegroundRspamdOptions): Promise<ForegroundRspamd> {
  const dirs = {
    LOCAL_CONFDIR: join(options.dir, 'conf'),
    DBDIR: join(options.dir, 'db'),
    RUNDIR: join(options.dir, 'run'),
    LOGDIR: join(options.dir, 'log'),
  };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  mkdirSync(join(dirs.LOCAL_CONFDIR, 'override.d'), { recursive: true });
  mkdirSync(join(dirs.LOCAL_CONFDIR, 'local.d'), { recursive: true });
  const override = (name: string, text: string): void =>
    writeFileSync(join(dirs.LOCAL_CONFDIR, 'override.d', name), text);
  const { normal, controller, proxy } = options.ports;
  override('worker-normal.inc', `bind_socket = "127.0.0.1:${normal}";\ncount = 1;\n`);
  override('worker-controller.inc', `bind_socket = "127.0.0.1:${controller}";\ncount = 1;\n`);
  override('worker-proxy.inc', `bind_socket = "127.0.0.1:${proxy}";\ncount = 1;\n`);
  override(
    'options.inc',
    (options.dnsServer
      ? `dns {\n  nameserver = ["${options.dnsServer}"];\n  timeout = 0.5s;\n  retransmits = 2;\n}\n`
      : `dns {\n  nameserver = ["127.0.0.1:${options.closedDnsPort ?? 9}"];\n  timeout = 0.2s;\n  retransmits = 1;\n}\n`) +
      'map_watch_interval = 1d;\n',
  );
  const senderChecks = options.senderChecks === true && options.dnsServer !== undefined;
  for (const module of networkModules) {
    if (senderChecks && senderCheckModules.includes(module)) continue;
    override(`${module}.conf`, 'enabled = false;\n');
  }
  override('logging.inc', 'level = "info";\n');
  // As root, rspamd runs its workers as _rspamd (the Debian package's user), which must own its dirs.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) execFileSync('chown', ['-R', '_rspamd:_rspamd', options.dir]);
  const args = ['-f', ...(asRoot ? ['-u', '_rspamd', '-g', '_rspamd'] : []), '-c', '/etc/rspamd/rspamd.conf'];
  for (const [name, value] of Object.entries(dirs)) args.push(`--var=${name}=${value}`);
  const child: ChildProcess = spawn(rspamdProgram, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const log = (): string => {
    let file = '';
    try {
      file = readFileSync(join(dirs.LOGDIR, 'rspamd.log'), 'utf8').slice(-8000);
    } catch {
      // no log file yet
    }
    return `${output}\n${file}`.slice(-8000);
  };
  const url = `http://127.0.0.1:${normal}`;
  const stop = () => stopChild(child);
  const deadline = Date.now() + (options.readyTimeoutMs ?? 100_000);
  for (;;) {
    if (child.exitCode !== null) throw new RspamdExited(`rspamd exited with ${child.exitCode}:\n${log()}`);
    try {
      const response = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(1000) });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`rspamd did not answer within its start time:\n${log()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, pid: child.pid ?? 0, log, stop };
}
