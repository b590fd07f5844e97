/**
 * `mailfleet node add` and `node remove` against a running lab, through Debian's OpenSSH: sshd on
 * a loopback address of its own is the "host" (this machine), reached with the ssh client and an
 * ssh_config the admin would write (their key, a pinned known_hosts). The new store joins the
 * running lab, shows up in the console core's fleet snapshot within 5 s of answering, and receives
 * mail for a user created on its logical store, sent to the director and read through the proxy.
 * `node remove` refuses while the store holds a mailbox and, once it does not, removes it cleanly.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { generateEd25519KeyPair } from '../../../agent/common/rpc/ssh-key-generation.js';
import { loadFleetProfile } from '../../../main/core/fleet-profile.js';
import { type OpenFleet, openFleet } from '../../../main/core/open-fleet.js';
import { findFreePorts } from '../../../main/lab/free-ports.js';
import { parseLabUsers } from '../../../main/lab/lab-people.js';
import { buildAgentPackage } from '../../../main/packaging/agent-package.js';
import { launchChromium } from '../../support/chromium.js';
import { consoleScreenshots } from '../../support/console-lab.js';
import { startConsoleProcess } from '../../support/console-process.js';
import { labInboxSubjects } from '../../support/lab-imap-login.js';
import { type LabProcess, runMailfleet, startLabProcess } from '../../support/lab-process.js';
import { labSmtpTransport } from '../../support/lab-smtp.js';
import { type LoopbackSshd, startLoopbackSshd } from '../../support/loopback-sshd.js';
import { ensureSystemRequirements } from '../../support/system-packages.js';

const repository = join(import.meta.dirname, '../../..');
// A loopback address of the "host" alone: sshd listens there, as on a machine of its own.
const hostAddress = '127.0.0.36';
const sshHost = 'mailfleet-test-node';
let work: string;
let home: string;
let lab: LabProcess | undefined;
let sshd: LoopbackSshd | undefined;
let sshConfig: string;
let packageFile: string;
let prefix: string;
let fleet: OpenFleet | undefined;

/** `mailfleet node remove NAME` from the host through sshd, under the prefix it was installed in. */
function removeNode(name: string, nodePrefix: string, ...more: string[]) {
  return runMailfleet(
    home,
    'node',
    'remove',
    name,
    '--host',
    sshHost,
    '--prefix',
    nodePrefix,
    '--ssh-config',
    sshConfig,
    ...more,
  );
}

beforeAll(async () => {
  ensureSystemRequirements([
    { program: '/usr/sbin/sshd', debianPackage: 'openssh-server', why: 'node add goes through real OpenSSH' },
    { program: '/usr/bin/ssh', debianPackage: 'openssh-client', why: "node add runs the admin's ssh" },
    { program: '/usr/bin/dpkg-deb', debianPackage: 'dpkg', why: 'the agent package' },
  ]);
  work = await mkdtemp(join(tmpdir(), 'mailfleet-node-add-'));
  home = join(work, 'lab');
  prefix = join(work, 'node-root');
  const sshDir = join(work, 'ssh');
  await mkdir(sshDir, { mode: 0o700 });
  const adminKey = generateEd25519KeyPair('admin');
  await writeFile(join(sshDir, 'admin_ed25519'), adminKey.private, { mode: 0o600 });
  sshd = await startLoopbackSshd({
    dir: sshDir,
    address: hostAddress,
    alias: sshHost,
    adminPublicKey: adminKey.public,
  });
  sshConfig = sshd.sshConfig;
  packageFile = (await buildAgentPackage(repository, join(work, 'package'))).file;
  lab = await startLabProcess(
    home,
    ['--stores', '1', '--spares', '0', '--users', '20', '--domains', '1'],
    120_000,
  );
  fleet = await openFleet(await loadFleetProfile(join(home, 'fleet.json')), { subscribe: true });
}, 300_000);

afterAll(async () => {
  // If a step failed half-way, an agent under a prefix must not outlive the test.
  for (const root of [prefix, join(work ?? '/nonexistent', 'spare-root')]) {
    const pidFile = join(root ?? '/nonexistent', 'run/mailfleet-agent.pid');
    if (!existsSync(pidFile)) continue;
    try {
      process.kill(Number(await readFile(pidFile, 'utf8')), 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  await fleet?.close();
  await lab?.stop();
  await sshd?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

test('node add --help and bad input answer in words', async () => {
  const help = await runMailfleet(home, 'node', 'add', '--help');
  expect(help.code).toBe(0);
  expect(help.stdout).toMatch(/usage: mailfleet node add HOST --name NAME --role store\|spare/);
  const removeHelp = await runMailfleet(home, 'node', 'remove', '--help');
  expect(removeHelp.code).toBe(0);
  expect(removeHelp.stdout).toMatch(/Refused, saying what to move or fail over first/);

  const role = await runMailfleet(home, 'node', 'add', sshHost, '--name', 'store37', '--role', 'director');
  expect(role.code).toBe(1);
  expect(role.stderr).toMatch(/--role: node add makes store or spare nodes, not "director"/);
  const name = await runMailfleet(
    home,
    'node',
    'add',
    sshHost,
    '--name',
    'Store 37',
    '--role',
    'store',
    '--package',
    packageFile,
  );
  expect(name.code).toBe(1);
  expect(name.stderr).toMatch(/"Store 37" is not a node name/);
  const taken = await runMailfleet(
    home,
    'node',
    'add',
    sshHost,
    '--name',
    'store01',
    '--role',
    'store',
    '--package',
    packageFile,
  );
  expect(taken.code).toBe(1);
  expect(taken.stderr).toMatch(/a node named store01 is already in the directory/);
  // An unknown host key is refused by ssh itself: nothing is written to the directory.
  const unknownHost = await runMailfleet(
    home,
    'node',
    'add',
    `root@${hostAddress}`,
    '--name',
    'store37',
    '--role',
    'store',
    '--package',
    packageFile,
    '--ssh-config',
    '/dev/null',
    '--prefix',
    join(work, 'never'),
  );
  expect(unknownHost.code).toBe(1);
  expect(unknownHost.stderr).toMatch(
    /cannot log in to root@127\.0\.0\.36 \(ssh to root@127\.0\.0\.36 failed\)/,
  );
  expect(await fleet!.directory.getServer('store37')).toBeUndefined();
  const missing = await runMailfleet(home, 'node', 'remove', 'store99');
  expect(missing.code).toBe(1);
  expect(missing.stderr).toMatch(/no node named store99 in the directory/);
}, 120_000);

test('a new store joins the running lab through sshd, shows in the console within 5 s and gets mail', async () => {
  let upAt: number | undefined;
  const watch = setInterval(() => {
    const view = fleet!.fleet.snapshot().nodes.find((node) => node.name === 'store36');
    if (upAt === undefined && view?.observed === 'up') upAt = Date.now();
  }, 50);
  const [control, lmtp, imap, pop3] = (await findFreePorts(4)) as [number, number, number, number];
  const added = await runMailfleet(
    home,
    'node',
    'add',
    sshHost,
    '--name',
    'store36',
    '--role',
    'store',
    '--address',
    '127.0.0.1',
    '--listen',
    '127.0.0.1',
    '--control-port',
    String(control),
    '--mail-ports',
    `${lmtp},${imap},${pop3}`,
    '--package',
    packageFile,
    '--prefix',
    prefix,
    '--ssh-config',
    sshConfig,
    '--json',
  );
  expect(added.stderr).toMatch(/creating the server entry of store36 with its host key pinned/);
  expect(added.code, added.stderr).toBe(0);
  const result = JSON.parse(added.stdout) as {
    answeredAt: number;
    logicalStore: string;
    hostKeyFingerprint: string;
  };
  expect(result).toMatchObject({
    name: 'store36',
    role: 'store',
    controlPort: control,
    logicalStore: 'store36',
  });

  // The directory pins the key the agent presents; the logical store is served by the new node.
  const entry = await fleet!.directory.getServer('store36');
  expect(entry?.hostKeys).toHaveLength(1);
  expect((await fleet!.directory.getLogicalStore('store36'))?.servedBy).toBe('store36');
  const installed = await readdir(join(prefix, 'usr/lib/mailfleet/dist/agent'));
  expect(installed).toContain('cli.js');

  const deadline = Date.now() + 10_000;
  while (upAt === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  clearInterval(watch);
  expect(upAt).toBeDefined();
  expect(upAt! - result.answeredAt).toBeLessThanOrEqual(5000);

  // A user on the new logical store gets mail through the director, read through the proxy.
  const [someone] = parseLabUsers(await readFile(join(home, 'lab-users.csv'), 'utf8'));
  const domain = someone!.address.split('@')[1]!;
  const address = `newcomer@${domain}`;
  const password = 'Newcomer-store36-pass!';
  await fleet!.directory.addUser({ mail: address, displayName: 'Newcomer', mailHost: 'store36' }, password);
  const transport = await labSmtpTransport(home, 'director01', '127.0.0.1');
  try {
    await transport.sendMail({
      from: someone!.address,
      to: address,
      subject: 'welcome to store36',
      text: 'hello from the director',
    });
  } finally {
    transport.close();
  }
  let subjects: string[] = [];
  const mailDeadline = Date.now() + 30_000;
  while (!subjects.includes('welcome to store36') && Date.now() < mailDeadline) {
    subjects = await labInboxSubjects(home, address, password).catch(() => []);
    if (!subjects.includes('welcome to store36')) await new Promise((r) => setTimeout(r, 500));
  }
  expect(subjects).toContain('welcome to store36');
  const maildir = await readdir(join(prefix, 'var/lib/mailfleet/mail'), { recursive: true });
  expect(maildir.length).toBeGreaterThan(0);

  // While it holds a mailbox, node remove refuses and says what to do.
  const refused = await removeNode('store36', prefix);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(/store36 still serves mail, so it stays/);
  expect(refused.stderr).toMatch(
    /holds 1 mailbox: move them to other stores \(mailfleet drain store36\) or fail the store over \(mailfleet failover store36\) first/,
  );
  expect(await fleet!.directory.getServer('store36')).toBeDefined();

  // Once the mailbox is gone, it leaves: agent stopped, files removed, entries deleted.
  await fleet!.directory.deleteUser(address);
  const pid = Number(await readFile(join(prefix, 'run/mailfleet-agent.pid'), 'utf8'));
  const removed = await removeNode('store36', prefix, '--json');
  expect(removed.code, removed.stderr).toBe(0);
  expect(JSON.parse(removed.stdout)).toEqual({
    name: 'store36',
    uninstalledFrom: sshHost,
    logicalStoresRemoved: ['store36'],
  });
  expect(() => process.kill(pid, 0)).toThrow();
  expect(await readdir(prefix)).toEqual([]);
  expect(await fleet!.directory.getServer('store36')).toBeUndefined();
  expect(await fleet!.directory.getLogicalStore('store36')).toBeUndefined();
}, 240_000);

test("the console's Add node dialog (system admin, Japanese) adds a spare through sshd; it shows on the dashboard", async () => {
  ensureSystemRequirements([
    { program: '/usr/bin/chromium', debianPackage: 'chromium', why: 'the console in browser mode' },
  ]);
  const consoleProcess = await startConsoleProcess(join(home, 'fleet.json'), 60_000, {
    lang: 'ja_JP.UTF-8',
    settingsFile: join(work, 'console-settings.json'),
  });
  const browser = await launchChromium();
  const sparePrefix = join(work, 'spare-root');
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(consoleProcess.url);
    const button = page.getByRole('button', { name: 'ノードを追加' });
    await button.waitFor({ timeout: 30_000 });
    await button.click();
    const dialog = page.locator('dialog.add-node-dialog');
    await expect.poll(() => dialog.getAttribute('data-step')).toBe('form');
    const [control, lmtp, imap, pop3] = (await findFreePorts(4)) as [number, number, number, number];
    const fill = (name: string, value: string) => dialog.locator(`[name="${name}"]`).fill(value);
    await fill('host', sshHost);
    await fill('name', 'spare36');
    await dialog.locator('select[name="role"]').selectOption('spare');
    await fill('address', '127.0.0.1');
    await fill('listen', '127.0.0.1');
    await fill('controlPort', String(control));
    await fill('lmtpPort', String(lmtp));
    await fill('imapPort', String(imap));
    await fill('pop3Port', String(pop3));
    await fill('prefix', sparePrefix);
    await fill('sshConfigFile', sshConfig);
    await mkdir(consoleScreenshots, { recursive: true });
    await page.screenshot({ path: join(consoleScreenshots, 'add-node-form-ja.png') });
    await dialog.getByRole('button', { name: 'ノードを追加' }).click();
    await expect.poll(() => dialog.getAttribute('data-step'), { timeout: 120_000 }).toBe('added');
    await expect(dialog.locator('[data-added="spare36"]')).toBeDefined();
    const words = await dialog.textContent();
    expect(words).toMatch(/spare36 がフリートに加わり、127\.0\.0\.1:\d+ で応答しています/);
    await page.screenshot({ path: join(consoleScreenshots, 'add-node-added-ja.png') });
    await dialog.getByRole('button', { name: '閉じる' }).click();
    // The new node's tile is on the dashboard, up.
    const tile = page.locator('[data-node="spare36"]');
    await tile.waitFor({ timeout: 10_000 });
    expect(errors).toEqual([]);
  } finally {
    await browser.close();
    await consoleProcess.stop();
  }
  const removed = await removeNode('spare36', sparePrefix);
  expect(removed.code, removed.stderr).toBe(0);
  expect(await readdir(sparePrefix)).toEqual([]);
}, 300_000);
