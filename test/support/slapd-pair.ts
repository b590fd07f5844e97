/**
 * Two real slapd providers in multi-provider replication for tests, configured with the shipped
 * multi-provider lines (agent/directory/slapd/multi-provider.ts) beside the fleet's rules: both
 * seeded with the same entries (slapadd on the first, slapcat into the second, so entryUUIDs and
 * CSNs agree), run in the foreground on free loopback ports, killed and restarted by pid.
 */
import { type ChildProcess, execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'ldapts';
import type { DirectoryEntry } from '../../agent/common/directory/directory-entry.js';
import { hashPassword } from '../../agent/directory/embedded/password-hash.js';
import { writeLdifFile } from '../../agent/directory/ldif.js';
import { shippedSchemaDir } from '../../agent/directory/schema/shipped-schema.js';
import { passwordPolicyEntries } from '../../agent/directory/slapd/database-rules.js';
import { replicatorEntries } from '../../agent/directory/slapd/multi-provider.js';
import { probeFreePort } from './free-port.js';
import { launchSlapd } from './slapd.js';
import { slapdConfig } from './slapd-config.js';

const run = promisify(execFile);

/** One provider of the pair. */
export interface SlapdProvider {
  readonly url: string;
  readonly pid: number | undefined;
  /** kill -9, and wait until the process is gone. */
  kill(): Promise<void>;
  /** Starts it again on its port with its data (after {@link kill}); nothing if it runs. */
  start(): Promise<void>;
}

/** A running pair. */
export interface SlapdPair {
  baseDn: string;
  rootDn: string;
  rootPassword: string;
  /** The replication account's password (never logged: tests check slapd's output for it). */
  replicatorPassword: string;
  providers: [SlapdProvider, SlapdProvider];
  /** Both URLs, in order. */
  urls: [string, string];
  /** Everything both slapds wrote to stderr (with `debugLevel`). */
  output(): string;
  /** An entry's attributes read from one provider as its root DN (undefined: no such entry). */
  readAsRoot(url: string, dn: string): Promise<Record<string, unknown> | undefined>;
  stop(): Promise<void>;
}

/** Starts two providers holding `entries`. `debugLevel` is slapd's `-d` (default 0: quiet). */
export async function startSlapdPair(
  baseDn: string,
  entries: DirectoryEntry[],
  options: { debugLevel?: string } = {},
): Promise<SlapdPair> {
  const workDir = await mkdtemp(join(tmpdir(), 'mailfleet-slapd-pair-'));
  const rootDn = `cn=root,${baseDn}`;
  const rootPassword = 'root-secret';
  const replicatorPassword = `replication-${Math.random().toString(36).slice(2)}`;
  // serverID URLs name each provider exactly as it listens: the ports are chosen first.
  const ports = [await probeFreePort(), await probeFreePort()] as const;
  const urls = ports.map((port) => `ldap://127.0.0.1:${port}/`) as [string, string];
  const configs: string[] = [];
  for (const [i] of urls.entries()) {
    const dir = join(workDir, `provider${i + 1}`);
    await mkdir(join(dir, 'db'), { recursive: true });
    const file = join(dir, 'slapd.conf');
    await writeFile(
      file,
      slapdConfig({
        baseDn,
        rootDn,
        rootPassword,
        dataDir: join(dir, 'db'),
        pidFile: join(dir, 'slapd.pid'),
        schemaDir: shippedSchemaDir(),
        multiProvider: { baseDn, providers: urls, replicatorPassword, retrySeconds: 1 },
      }),
      { mode: 0o600 },
    );
    configs.push(file);
  }
  const [first, ...rest] = entries;
  const seed = first
    ? [
        first,
        ...passwordPolicyEntries(baseDn),
        ...replicatorEntries(baseDn, hashPassword(replicatorPassword)),
        ...rest,
      ]
    : [];
  const seedFile = join(workDir, 'seed.ldif');
  await writeLdifFile(seedFile, seed);
  const copyFile = join(workDir, 'copy.ldif');
  try {
    await run('/usr/sbin/slapadd', ['-f', configs[0] as string, '-q', '-w', '-S', '1', '-l', seedFile]);
    await run('/usr/sbin/slapcat', ['-f', configs[0] as string, '-l', copyFile]);
    await run('/usr/sbin/slapadd', ['-f', configs[1] as string, '-q', '-w', '-l', copyFile]);
  } catch (error) {
    throw new Error(`seeding the pair failed: ${(error as { stderr?: string }).stderr ?? String(error)}`);
  }
  let output = '';
  const onStderr = (text: string) => {
    output += text;
  };
  const launchOptions = { ...(options.debugLevel ? { debugLevel: options.debugLevel } : {}), onStderr };
  const providers = urls.map((url, i): SlapdProvider => {
    let child: ChildProcess | undefined;
    const provider: SlapdProvider = {
      url: url.replace(/\/$/, ''),
      get pid() {
        return child?.pid;
      },
      async kill() {
        const running = child;
        if (!running || running.exitCode !== null || running.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
        if (running.pid !== undefined) process.kill(running.pid, 'SIGKILL');
        await exited;
      },
      async start() {
        // Already running: a second slapd on the same port would fail and hide the first.
        if (child && child.exitCode === null && child.signalCode === null) return;
        ({ process: child } = await launchSlapd(configs[i] as string, ports[i], launchOptions));
      },
    };
    return provider;
  }) as [SlapdProvider, SlapdProvider];
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const provider of providers) await provider.kill().catch(() => undefined);
    await rm(workDir, { recursive: true, force: true });
  };
  try {
    for (const provider of providers) await provider.start();
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    baseDn,
    rootDn,
    rootPassword,
    replicatorPassword,
    providers,
    urls: [providers[0].url, providers[1].url],
    output: () => output,
    readAsRoot: (url, dn) => readAsRoot(url, dn, rootDn, rootPassword),
    stop,
  };
}

async function readAsRoot(
  url: string,
  dn: string,
  rootDn: string,
  rootPassword: string,
): Promise<Record<string, unknown> | undefined> {
  const client = new Client({ url, timeout: 10_000, connectTimeout: 5_000 });
  try {
    await client.bind(rootDn, rootPassword);
    const { searchEntries } = await client.search(dn, { scope: 'base', attributes: ['*'] });
    return searchEntries[0];
  } catch (error) {
    if ((error as { code?: number }).code === 32) return undefined;
    throw error;
  } finally {
    await client.unbind().catch(() => undefined);
  }
}
