/**
 * Real OpenLDAP slapd for tests: seeded offline with slapadd from LDIF, then run in the
 * foreground on a free loopback port, stopped by pid. Debian's slapd, configured by
 * slapd-config.ts with our shipped schema and the fleet's access rules.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { DirectoryEntry } from '../../agent/common/directory/directory-entry.js';
import { writeLdifFile } from '../../agent/directory/ldif.js';
import { shippedSchemaDir } from '../../agent/directory/schema/shipped-schema.js';
import { passwordPolicyEntries } from '../../agent/directory/slapd/database-rules.js';
import { probeFreePort } from './free-port.js';
import { slapdConfig } from './slapd-config.js';
import type { TestDirectory, TestDirectoryOptions } from './test-directory.js';

const run = promisify(execFile);
const slapdProgram = '/usr/sbin/slapd';

/** Starts a slapd seeded with `entries`. */
export async function startSlapd(
  baseDn: string,
  entries: DirectoryEntry[],
  settings: TestDirectoryOptions = {},
): Promise<TestDirectory> {
  const workDir = await mkdtemp(join(tmpdir(), 'mailfleet-slapd-'));
  const dataDir = join(workDir, 'db');
  await mkdir(dataDir);
  const rootDn = `cn=root,${baseDn}`;
  const rootPassword = 'root-secret';
  const configFile = join(workDir, 'slapd.conf');
  await writeFile(
    configFile,
    slapdConfig({
      baseDn,
      rootDn,
      rootPassword,
      dataDir,
      pidFile: join(workDir, 'slapd.pid'),
      auditLogFile: join(workDir, 'audit.ldif'),
      schemaDir: shippedSchemaDir(),
      ...(settings.idleTimeoutSeconds === undefined
        ? {}
        : { idleTimeoutSeconds: settings.idleTimeoutSeconds }),
    }),
  );
  const seedFile = join(workDir, 'seed.ldif');
  // The default password policy slapo-ppolicy reads, after the suffix entry.
  const [suffix, ...rest] = entries;
  await writeLdifFile(seedFile, suffix ? [suffix, ...passwordPolicyEntries(baseDn), ...rest] : []);
  try {
    await run('/usr/sbin/slapadd', ['-f', configFile, '-q', '-l', seedFile]);
  } catch (error) {
    throw new Error(`slapadd failed: ${(error as { stderr?: string }).stderr ?? String(error)}`);
  }
  let { process: child, port } = await launchSlapd(configFile);
  let stopped = false;
  return {
    kind: 'slapd',
    auditLogFile: join(workDir, 'audit.ldif'),
    get url() {
      return `ldap://127.0.0.1:${port}`;
    },
    baseDn,
    rootDn,
    rootPassword,
    async restart() {
      await stopProcess(child);
      ({ process: child, port } = await launchSlapd(configFile, port));
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await stopProcess(child);
      await rm(workDir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts slapd on a free port (or on `fixedPort`), retrying when another process took the port
 * first. `onStderr` sees what slapd writes (its debug output with `debugLevel`).
 */
export async function launchSlapd(
  configFile: string,
  fixedPort?: number,
  options: { debugLevel?: string; onStderr?: (text: string) => void } = {},
): Promise<{ process: ChildProcess; port: number }> {
  let lastError = '';
  for (let attempt = 0; attempt < 8; attempt++) {
    const port = fixedPort ?? (await probeFreePort());
    const args = ['-f', configFile, '-h', `ldap://127.0.0.1:${port}/`, '-d', options.debugLevel ?? '0'];
    const child = spawn(slapdProgram, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      options.onStderr?.(text);
      // Only the end matters for a failed start; a debug run writes a lot.
      stderr = (stderr + text).slice(-4_000);
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const ready = await Promise.race([waitForPort(port).then(() => true), exited.then(() => false)]);
    if (ready) return { process: child, port };
    lastError = stderr.trim().split('\n').slice(-3).join(' | ');
    // A fixed port (restart) may still be in TIME_WAIT or briefly taken: wait and try the same one again.
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`slapd did not start: ${lastError}`);
}

/** Waits until something listens on the loopback port. */
export async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on port ${port}`);
}

/** Stops slapd with SIGTERM (SIGKILL after 5 s) and waits for it to exit. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
  const timer = setTimeout(() => {
    if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
  }, 5_000);
  await exited;
  clearTimeout(timer);
}
