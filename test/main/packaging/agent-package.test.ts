/**
 * The agent's Debian package end to end on this machine (root on Debian): built, checked by
 * lintian, installed with dpkg -i, the installed agent started as the unit starts it and answering
 * a real RPC over SSH, then purged with nothing left behind (files, directories, user, group).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { connectRpc } from '../../../agent/common/rpc/connect-rpc.js';
import { findFreePorts } from '../../../main/lab/free-ports.js';
import {
  agentPackageName,
  agentPackagePaths,
  type BuiltAgentPackage,
  buildAgentPackage,
} from '../../../main/packaging/agent-package.js';
import { AgentTestDirectory, newKeyPair } from '../../support/agent-test-directory.js';
import { readUnitStart, startUnitProcess, type UnitProcess } from '../../support/installed-unit.js';
import { ensureSystemRequirements } from '../../support/system-packages.js';

const repository = join(import.meta.dirname, '../../..');
const adminKey = newKeyPair('sys');
let outDir: string;
let built: BuiltAgentPackage;
let directory: AgentTestDirectory;
let agent: UnitProcess | undefined;

function installed(): boolean {
  const status = spawnSync('dpkg-query', ['-s', agentPackageName], { encoding: 'utf8' });
  return /^Status: install ok installed$/m.test(status.stdout);
}

function accountExists(database: 'passwd' | 'group'): boolean {
  return spawnSync('getent', [database, 'mailfleet']).status === 0;
}

beforeAll(async () => {
  if (process.getuid?.() !== 0) {
    throw new Error('the agent package test installs a Debian package: run npm test as root on Debian');
  }
  ensureSystemRequirements([
    { program: '/usr/bin/dpkg-deb', debianPackage: 'dpkg', why: 'building the agent package' },
    { program: '/usr/bin/lintian', debianPackage: 'lintian', why: 'checking the agent package' },
    { program: '/usr/sbin/adduser', debianPackage: 'adduser', why: "the agent package's postinst" },
    {
      program: '/usr/bin/setpriv',
      debianPackage: 'util-linux',
      why: "running the unit's ExecStart as its user",
    },
  ]);
  // A run that died half-way left the package installed: start from a clean machine.
  if (installed()) execFileSync('dpkg', ['--purge', agentPackageName], { stdio: 'pipe' });
  outDir = await mkdtemp(join(tmpdir(), 'mailfleet-agent-package-'));
  built = await buildAgentPackage(repository, outDir);
  directory = await AgentTestDirectory.start({
    servers: [{ name: 'store36', role: 'store' }],
    admins: [{ uid: 'sys', displayName: 'Sys', tier: 'system', sshPublicKeys: [adminKey.public] }],
  });
}, 300_000);

afterAll(async () => {
  if (agent && agent.child.exitCode === null) agent.child.kill('SIGKILL');
  if (installed()) execFileSync('dpkg', ['--purge', agentPackageName], { stdio: 'pipe' });
  await directory?.stop();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

test('the package holds the agent and the npm packages it imports, not the console or dev tools', () => {
  const names = built.npmPackages.map((path) => path.replace(/^.*node_modules\//, ''));
  for (const needed of ['ssh2', 'ldapts', 'smtp-server', 'nodemailer', 'mailparser', 'zod']) {
    expect(names).toContain(needed);
  }
  for (const console of ['react', 'recharts', 'zustand', 'vite', 'vitest', 'electron', 'typescript']) {
    expect(names).not.toContain(console);
  }
  const listing = execFileSync('dpkg-deb', ['-c', built.file], { encoding: 'utf8', maxBuffer: 64 << 20 });
  expect(listing).toContain('./usr/lib/mailfleet/dist/agent/cli.js');
  expect(listing).toContain('./usr/share/mailfleet/ldap/mailfleet.schema');
  expect(listing).toContain('./lib/systemd/system/mailfleet-agent.service');
  // No native binaries (Architecture: all), no source maps or TypeScript sources.
  expect(listing.split('\n').filter((line) => /\.(node|map|[mc]?ts)$/.test(line))).toEqual([]);
  const control = execFileSync('dpkg-deb', ['-f', built.file, 'Depends', 'Architecture'], {
    encoding: 'utf8',
  });
  expect(control).toMatch(/Depends: nodejs \(>= 20\.19\)/);
  expect(control).toMatch(/Architecture: all/);
  const conffiles = execFileSync('sh', ['-c', `dpkg-deb -I '${built.file}' conffiles`], { encoding: 'utf8' });
  expect(conffiles.trim()).toBe(agentPackagePaths.config);
});

test('lintian finds no error in the package', () => {
  // lintian exits non-zero on errors; E: lines are what we must not have (warnings are shown).
  const run = spawnSync('lintian', ['--tag-display-limit', '0', built.file], { encoding: 'utf8' });
  const errors = run.stdout.split('\n').filter((line) => line.startsWith('E:'));
  expect(errors).toEqual([]);
  expect(run.status).toBe(0);
}, 180_000);

test('dpkg -i, the agent answers over SSH as the mailfleet user, dpkg --purge leaves nothing', async () => {
  const packaged = execFileSync('dpkg-deb', ['-c', built.file], { encoding: 'utf8', maxBuffer: 64 << 20 })
    .split('\n')
    .map((line) => line.split(/\s+/)[5]?.replace(/^\./, ''))
    .filter((path): path is string => !!path && path !== '/');

  execFileSync('dpkg', ['-i', built.file], { stdio: 'pipe' });
  expect(installed()).toBe(true);
  expect(accountExists('passwd')).toBe(true);
  const passwd = execFileSync('getent', ['passwd', 'mailfleet'], { encoding: 'utf8' });
  expect(passwd).toMatch(/:\/var\/lib\/mailfleet:\/usr\/sbin\/nologin$/m);
  const state = await stat(agentPackagePaths.dataDir);
  expect(state.mode & 0o777).toBe(0o700);

  // What `mailfleet node add` writes: the node's configuration and its bind password.
  const [controlPort] = (await findFreePorts(1)) as [number];
  const config = await directory.agentConfig('store36', {
    dataDir: agentPackagePaths.dataDir,
    control: { host: '127.0.0.1', port: controlPort },
    log: { level: 'info' },
  });
  const passwordFile = join(agentPackagePaths.configDir, 'bind-password');
  await writeFile(passwordFile, await readFile(config.directory.bindPasswordFile as string, 'utf8'), {
    mode: 0o640,
  });
  execFileSync('chown', ['root:mailfleet', passwordFile]);
  const { metricsHttp: _metrics, ...withoutMetrics } = config;
  await writeFile(
    agentPackagePaths.config,
    JSON.stringify({ ...withoutMetrics, directory: { ...config.directory, bindPasswordFile: passwordFile } }),
  );

  agent = startUnitProcess(await readUnitStart(agentPackagePaths.unit));
  await agent.waitForLog('started');
  const uid = Number(execFileSync('id', ['-u', 'mailfleet'], { encoding: 'utf8' }));
  const status = await readFile(`/proc/${agent.child.pid}/status`, 'utf8').catch(() => '');
  // setpriv execs sh, which execs node: the pid is the agent's own.
  expect(status).toMatch(new RegExp(`^Uid:\\s+${uid}\\s`, 'm'));
  const hostKey = await stat(join(agentPackagePaths.dataDir, 'ssh_host_ed25519_key'));
  expect([hostKey.uid, hostKey.mode & 0o777]).toEqual([uid, 0o600]);

  const entry = await directory.reader('store36').getServer('store36');
  expect(entry?.controlPort).toBe(controlPort);
  const connection = await connectRpc({
    host: '127.0.0.1',
    port: controlPort,
    username: 'sys',
    privateKey: adminKey.private,
    pinnedHostKeys: entry?.hostKeys ?? [],
  });
  const info = await connection.client.call('node.info', {});
  expect(info).toMatchObject({
    name: 'store36',
    role: 'store',
    pid: agent.child.pid,
    version: built.version,
  });
  connection.close();

  agent.child.kill('SIGTERM');
  expect(await agent.exited).toBe(0);

  execFileSync('dpkg', ['--purge', agentPackageName], { stdio: 'pipe' });
  expect(installed()).toBe(false);
  const left = [
    ...packaged.filter((path) => path.startsWith('/usr/lib/mailfleet') || !path.endsWith('/')),
    agentPackagePaths.libDir,
    agentPackagePaths.schemaDir,
    '/usr/share/mailfleet',
    agentPackagePaths.docDir,
    agentPackagePaths.configDir,
    agentPackagePaths.dataDir,
  ].filter((path) => existsSync(path.replace(/\/$/, '')));
  expect(left).toEqual([]);
  expect(accountExists('passwd')).toBe(false);
  expect(accountExists('group')).toBe(false);
}, 120_000);
