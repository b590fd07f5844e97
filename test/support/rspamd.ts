/**
 * A real rspamd (Debian's package) for tests, in the foreground on free loopback ports, with its
 * configuration, database, run and log directories in a temporary directory owned by `_rspamd`.
 * There is no internet here, so modules that ask DNS lists or fetch maps are turned off and DNS goes
 * to a closed loopback port (refused at once instead of waiting for time-outs). With `dnsServer`
 * (the simulated internet's responder) DNS goes there instead and rspamd's own SPF, DKIM, DMARC and
 * ARC checks run: a verifier no one here wrote.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeFreePort } from './free-port.js';

/** A running rspamd. */
export interface TestRspamd {
  /** `http://127.0.0.1:PORT` of the normal worker (the scan protocol). */
  url: string;
  pid: number;
  /** The log, for failure messages. */
  log(): string;
  /** Stops it by pid and removes its directories. */
  stop(): Promise<void>;
}

/** rspamd's sender authentication modules: they need DNS, so they run only with `dnsServer`. */
const authenticationModules = ['spf', 'dkim', 'dmarc', 'arc'];

/** What a test rspamd checks beyond content. */
export interface TestRspamdOptions {
  /** `host:port` of a DNS server to ask (the simulated internet's); SPF/DKIM/DMARC/ARC then run. */
  dnsServer?: string;
}

// Modules that reach the internet (DNS lists, URL lists, fuzzy storage, remote maps) or need Redis.
const networkModules = [
  'rbl',
  'surbl',
  'emails',
  'fuzzy_check',
  'phishing',
  'asn',
  ...authenticationModules,
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

async function waitForHttp(
  url: string,
  child: ChildProcess,
  deadlineMs: number,
  log: () => string,
): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new RspamdExited(`rspamd exited with ${child.exitCode}:\n${log()}`);
    try {
      const response = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`rspamd did not answer within ${deadlineMs} ms:\n${log()}`);
}

/**
 * Starts rspamd and waits until its normal worker answers `/ping`. A probed port can be taken by
 * someone else before rspamd binds it; then rspamd exits at once and is started again on new ports.
 */
export async function startTestRspamd(options: TestRspamdOptions = {}): Promise<TestRspamd> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startOnce(options);
    } catch (error) {
      if (attempt >= 3 || !(error instanceof RspamdExited)) throw error;
    }
  }
}

class RspamdExited extends Error {}

async function startOnce(options: TestRspamdOptions): Promise<TestRspamd> {
  const root = mkdtempSync(join(tmpdir(), 'mailfleet-rspamd-'));
  const dirs = {
    LOCAL_CONFDIR: join(root, 'conf'),
    DBDIR: join(root, 'db'),
    RUNDIR: join(root, 'run'),
    LOGDIR: join(root, 'log'),
  };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  mkdirSync(join(dirs.LOCAL_CONFDIR, 'override.d'));
  mkdirSync(join(dirs.LOCAL_CONFDIR, 'local.d'));
  const [normal, controller, proxy, dns] = [
    await probeFreePort(),
    await probeFreePort(),
    await probeFreePort(),
    await probeFreePort(),
  ];
  const override = (name: string, text: string): void =>
    writeFileSync(join(dirs.LOCAL_CONFDIR, 'override.d', name), text);
  override('worker-normal.inc', `bind_socket = "127.0.0.1:${normal}";\ncount = 1;\n`);
  override('worker-controller.inc', `bind_socket = "127.0.0.1:${controller}";\ncount = 1;\n`);
  override('worker-proxy.inc', `bind_socket = "127.0.0.1:${proxy}";\ncount = 1;\n`);
  override(
    'options.inc',
    (options.dnsServer
      ? `dns {\n  nameserver = ["${options.dnsServer}"];\n  timeout = 0.5s;\n  retransmits = 2;\n}\n`
      : `dns {\n  nameserver = ["127.0.0.1:${dns}"];\n  timeout = 0.2s;\n  retransmits = 1;\n}\n`) +
      'map_watch_interval = 1d;\n',
  );
  for (const module of networkModules) {
    if (options.dnsServer && authenticationModules.includes(module)) continue;
    override(`${module}.conf`, 'enabled = false;\n');
  }
  override('logging.inc', 'level = "info";\n');
  execFileSync('chown', ['-R', '_rspamd:_rspamd', root]);

  const args = ['-f', '-u', '_rspamd', '-g', '_rspamd', '-c', '/etc/rspamd/rspamd.conf'];
  for (const [name, value] of Object.entries(dirs)) args.push(`--var=${name}=${value}`);
  const child = spawn('/usr/bin/rspamd', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const log = (): string => {
    let file = '';
    try {
      file = readFileSync(join(dirs.LOGDIR, 'rspamd.log'), 'utf8');
    } catch {
      // no log file yet
    }
    return `${output}\n${file}`.slice(-8000);
  };
  const url = `http://127.0.0.1:${normal}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.pid) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(child.pid, 'SIGTERM');
      const timer = setTimeout(
        () => child.pid && child.exitCode === null && process.kill(child.pid, 'SIGKILL'),
        10_000,
      );
      await exited;
      clearTimeout(timer);
    }
    rmSync(root, { recursive: true, force: true });
  };
  try {
    // A cold start compiles its regular expressions and TLD list: ~6 s on an idle machine, but over a
    // minute was seen while package installs and other suites shared the two cores.
    await waitForHttp(url, child, 100_000, log);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, pid: child.pid ?? 0, log, stop };
}
