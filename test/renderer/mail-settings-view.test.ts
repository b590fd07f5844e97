/**
 * A department admin sets a user's vacation reply from the console, in Chromium against a real lab
 * (issue 15): a department admin of the lab's first domain (its entry and key added to the lab's
 * directory by the lab's system admin, as a site would) opens `mailfleet console --web` on its own
 * profile; on a user's page, "Mail settings" shows the user's settings; a vacation ending before it
 * starts is refused by the directory in words and nothing changes; a vacation with forwarding is
 * saved and the directory then holds it as the director reads it. English and Japanese; screenshots
 * test-output/console/mail-settings-{en,ja}.png.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'ldapts';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetTree } from '../../agent/common/directory/fleet-entries.js';
import { LdapFleetDirectory } from '../../agent/common/directory/ldap-fleet-directory.js';
import { adminEntry } from '../../agent/common/directory/seed-entries.js';
import { fleetProfileSchema } from '../../main/core/fleet-profile.js';
import { generatePassword, generateSshKey, writeSecret, writeSshKey } from '../../main/lab/lab-keys.js';
import { parseLabUsers } from '../../main/lab/lab-people.js';
import { launchChromium } from '../support/chromium.js';
import { consoleScreenshots as screenshots } from '../support/console-lab.js';
import { type ConsoleProcess, startConsoleProcess } from '../support/console-process.js';
import { type LabProcess, startLabProcess } from '../support/lab-process.js';

let home: string;
let lab: LabProcess | undefined;
let consoleProcess: ConsoleProcess | undefined;
let browser: Browser | undefined;
let page: Page;
const pageErrors: string[] = [];
let system: ReturnType<typeof fleetProfileSchema.parse>;
let domain: string;
let own: Array<{ address: string; password: string; store: string }>;
let others: Array<{ address: string; password: string; store: string }>;

/** The user's settings as the director reads them, through the lab system admin's bind. */
async function directoryHolds(address: string) {
  const directory = LdapFleetDirectory.withPassword({
    url: system.directory.url,
    baseDn: system.directory.baseDn,
    bindDn: system.directory.bindDn,
    bindPassword: (await readFile(String(system.directory.bindPasswordFile), 'utf8')).trim(),
  });
  try {
    return (await directory.findUserByAddress(address))?.selfService;
  } finally {
    await directory.close();
  }
}

/** Adds `dept-admin`, the department admin of `domain`, and writes its fleet profile. */
async function addDepartmentAdmin(): Promise<string> {
  const tree = new FleetTree(system.directory.baseDn);
  const key = generateSshKey('dept-admin@mailfleet-lab');
  const password = generatePassword();
  const keyFile = join(home, 'dept-admin_ed25519');
  const passwordFile = join(home, 'dept-admin.directory-password');
  await writeSshKey(keyFile, key);
  await writeSecret(passwordFile, password);
  const entry = adminEntry(tree, {
    uid: 'dept-admin',
    displayName: 'Department admin / 部局管理者',
    tier: 'domain',
    domains: [domain],
    sshPublicKeys: [key.publicKey],
    password,
  });
  const client = new Client({ url: system.directory.url, timeout: 10_000 });
  try {
    const systemPassword = (await readFile(String(system.directory.bindPasswordFile), 'utf8')).trim();
    await client.bind(system.directory.bindDn, systemPassword);
    await client.add(entry.dn, entry.attributes);
  } finally {
    await client.unbind();
  }
  const { path: _path, ...rest } = system;
  const profile = {
    ...rest,
    name: `lab at ${home} as dept-admin`,
    directory: { ...system.directory, bindDn: tree.admin('dept-admin'), bindPasswordFile: passwordFile },
    admin: { uid: 'dept-admin', privateKeyFile: keyFile },
  };
  const profileFile = join(home, 'dept-admin.fleet.json');
  await writeFile(profileFile, `${JSON.stringify(profile, null, 2)}\n`, { mode: 0o600 });
  return profileFile;
}

/** Opens a user's page from the search. */
async function openUser(address: string): Promise<void> {
  await page.locator('input[name="search"]').fill(address);
  await page.locator(`button.dir-row[data-address="${address}"]`).click();
  await expect.poll(() => page.locator('#dir-page-title').textContent()).toContain(address);
}

const section = () => page.locator('form.dir-mail-settings');

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'mailfleet-mail-settings-e2e-'));
  await mkdir(screenshots, { recursive: true });
  lab = await startLabProcess(home, ['--stores', '2', '--users', '20', '--domains', '2'], 150_000);
  system = fleetProfileSchema.parse(JSON.parse(await readFile(join(home, 'fleet.json'), 'utf8')));
  const users = parseLabUsers(await readFile(join(home, 'lab-users.csv'), 'utf8'));
  domain = users[0]!.address.split('@')[1]!;
  own = users.filter((u) => u.address.endsWith(`@${domain}`));
  others = users.filter((u) => !u.address.endsWith(`@${domain}`));
  consoleProcess = await startConsoleProcess(await addDepartmentAdmin(), 30_000);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 1400 }, locale: 'en-US' });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(consoleProcess.url);
  await page.locator('nav.app-nav a[data-view="directory"]').click();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await consoleProcess?.stop();
  await lab?.stop();
  await rm(home, { recursive: true, force: true });
}, 120_000);

describe("a department admin sets a user's mail settings", () => {
  it('refuses a vacation ending before it starts in words, then saves a vacation the directory holds (English)', async () => {
    expect(others.length).toBeGreaterThan(0);
    const user = own[1]!;
    await openUser(user.address);
    await expect.poll(() => section().locator('input[name="vacationStart"]').count()).toBe(1);
    expect(await section().locator('textarea[name="forwardTo"]').inputValue()).toBe('');

    await section().locator('input[name="vacationActive"]').check();
    await section().locator('input[name="vacationStart"]').fill('2026-12-24');
    await section().locator('input[name="vacationEnd"]').fill('2026-12-20');
    await section().locator('input[name="vacationSubject"]').fill('Away until January');
    await section().locator('textarea[name="vacationBody"]').fill('I am away and read mail from 6 January.');
    await page.getByRole('button', { name: 'Save mail settings' }).click();
    const alert = section().locator('.dir-error');
    await expect.poll(() => alert.textContent()).toContain('The vacation must end after it starts');
    expect(await directoryHolds(user.address)).toBeUndefined();

    await section().locator('input[name="vacationEnd"]').fill('2027-01-06');
    await section().locator('textarea[name="forwardTo"]').fill('backup@example.net');
    await section().locator('input[name="keepCopy"]').check();
    await section().locator('select[name="spam"]').selectOption('junk');
    await page.getByRole('button', { name: 'Save mail settings' }).click();
    await expect
      .poll(() => section().locator('.dir-notice').textContent())
      .toBe(`The mail settings of ${user.address} are saved.`);
    expect(await directoryHolds(user.address)).toEqual({
      forwardTo: ['backup@example.net'],
      keepCopy: true,
      vacation: {
        active: true,
        subject: 'Away until January',
        body: 'I am away and read mail from 6 January.',
        startsAt: Date.UTC(2026, 11, 24),
        endsAt: Date.UTC(2027, 0, 6),
      },
      spam: { mode: 'junk' },
    });
    await section().scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshots, 'mail-settings-en.png') });
    expect(pageErrors).toEqual([]);
  });

  it("says the same in Japanese, and reads back what was saved; another department's user is not found", async () => {
    await page.getByRole('button', { name: '日本語' }).click();
    const user = own[2]!;
    await openUser(user.address);
    await expect.poll(() => section().locator('h4').textContent()).toBe('メールの設定');
    await section().locator('input[name="vacationActive"]').check();
    await section().locator('input[name="vacationStart"]').fill('2026-12-28');
    await section().locator('input[name="vacationEnd"]').fill('2027-01-05');
    await section().locator('input[name="vacationSubject"]').fill('年末年始の不在のお知らせ');
    await section().locator('textarea[name="vacationBody"]').fill('1月5日から出勤します。');
    await section().locator('textarea[name="forwardTo"]').fill(user.address);
    await page.getByRole('button', { name: 'メールの設定を保存' }).click();
    await expect.poll(() => section().locator('.dir-error').textContent()).toContain('ループ');
    expect(await directoryHolds(user.address)).toBeUndefined();

    await section().locator('textarea[name="forwardTo"]').fill('');
    await page.getByRole('button', { name: 'メールの設定を保存' }).click();
    await expect
      .poll(() => section().locator('.dir-notice').textContent())
      .toBe(`${user.address} のメールの設定を保存しました。`);
    expect((await directoryHolds(user.address))?.vacation).toMatchObject({
      active: true,
      subject: '年末年始の不在のお知らせ',
      startsAt: Date.UTC(2026, 11, 28),
    });
    await section().scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshots, 'mail-settings-ja.png') });

    // Opened again, the section shows what the directory holds.
    await openUser(own[1]!.address);
    await expect
      .poll(() => section().locator('textarea[name="forwardTo"]').inputValue())
      .toBe('backup@example.net');
    expect(await section().locator('input[name="vacationEnd"]').inputValue()).toBe('2027-01-06');

    // Another department's users are not in this admin's list at all.
    await page.locator('input[name="search"]').fill(others[0]!.address);
    await expect
      .poll(() => page.locator(`button.dir-row[data-address="${others[0]!.address}"]`).count())
      .toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
