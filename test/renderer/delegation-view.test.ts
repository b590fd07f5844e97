/**
 * Delegated administration in Chromium against a real lab (issue 15, docs/delegation.md): the
 * console started with `--sign-in` opens on the sign-in page. A department administrator (no key,
 * only a directory password) signs in, sees only its domain's users (the lab has 20 domains of
 * about 2,000), adds a user within its domain's quota budget, is refused over the budget in words
 * with nothing added, and sees nothing of another department by any view or address. A wrong
 * password is refused in words (throttled alike); the session ends after the idle time and the page
 * says why. The helpdesk signs in, resets a user's password, and the new password works through the
 * director's IMAP proxy (imapflow). Screenshots in English and Japanese:
 * test-output/console/delegation-*.png.
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Attribute, Change } from 'ldapts';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetTree } from '../../agent/common/directory/fleet-entries.js';
import { LdapFleetDirectory } from '../../agent/common/directory/ldap-fleet-directory.js';
import { parseLabUsers } from '../../main/lab/lab-people.js';
import { launchChromium } from '../support/chromium.js';
import { consoleScreenshots as screenshots } from '../support/console-lab.js';
import { type ConsoleProcess, startConsoleProcess } from '../support/console-process.js';
import { addDepartmentAdmin, type LabDirectory, labDirectory } from '../support/department-admin.js';
import { labImapLogin } from '../support/lab-imap-login.js';
import { type LabProcess, startLabProcess } from '../support/lab-process.js';

const clerkPassword = 'Dept-Clerk-Passw0rd-15';
const gib = 1024 ** 3;

let home: string;
let lab: LabProcess;
let consoleProcess: ConsoleProcess;
let browser: Browser;
let page: Page;
let users: Array<{ address: string; password: string; store: string }>;
let ours: string;
let theirs: string;
let directoryUrl: string;
let baseDn: string;
let systemPassword: string;
let directory: LabDirectory;
const pageErrors: string[] = [];

const domainOf = (address: string) => address.slice(address.indexOf('@') + 1);

/** Writes as the lab's system admin, as one would with ldapmodify. */
function asSystem(change: Parameters<LabDirectory['asSystem']>[0]): Promise<void> {
  return directory.asSystem(change);
}

/**
 * The quotas the domain's users hold now (own, or the domain default), in bytes, read as the
 * system admin with the same directory client and rule the console core's budget check uses.
 */
async function quotaInUse(domain: string): Promise<number> {
  const directory = LdapFleetDirectory.withPassword({
    url: directoryUrl,
    baseDn,
    bindDn: new FleetTree(baseDn).admin('labadmin'),
    bindPassword: systemPassword,
  });
  try {
    const entry = (await directory.listDomains()).find((d) => d.name === domain);
    const fallback = entry?.defaultQuotaBytes ?? 0;
    const users = await directory.searchUsers({ domain });
    return users.reduce((sum, u) => sum + (u.quotaBytes && u.quotaBytes > 0 ? u.quotaBytes : fallback), 0);
  } finally {
    await directory.close();
  }
}

async function signIn(uid: string, password: string): Promise<void> {
  await page.locator('input[name="uid"]').fill(uid);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('.sign-in-form button[type="submit"]').click();
}

async function signOut(): Promise<void> {
  await page.locator('.session-badge button').click();
  await page.locator('.sign-in-form').waitFor();
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'mailfleet-delegation-e2e-'));
  await mkdir(screenshots, { recursive: true });
  lab = await startLabProcess(home, ['--stores', '2', '--users', '40000', '--domains', '20'], 900_000);
  directory = await labDirectory(home);
  ({ directoryUrl, baseDn, systemPassword } = directory);
  users = parseLabUsers(await readFile(join(home, 'lab-users.csv'), 'utf8'));
  ours = domainOf(users[0]!.address);
  theirs = domainOf(users.find((u) => domainOf(u.address) !== ours)!.address);
  // A department administrator without a key, and its domain's budget: what is given now + 3 GiB.
  const tree = new FleetTree(baseDn);
  await addDepartmentAdmin(directory, {
    uid: 'clerk15',
    displayName: 'Department clerk / 部局担当',
    domains: [ours],
    password: clerkPassword,
  });
  const budget = (await quotaInUse(ours)) + 3 * gib;
  await asSystem((client) =>
    client.modify(
      tree.domain(ours),
      new Change({
        operation: 'replace',
        modification: new Attribute({ type: 'mailfleetDomainQuota', values: [String(budget)] }),
      }),
    ),
  );
  consoleProcess = await startConsoleProcess(join(home, 'fleet.json'), 60_000, { args: ['--sign-in'] });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(consoleProcess.url);
}, 1_000_000);

afterAll(async () => {
  await browser?.close();
  await consoleProcess?.stop();
  await lab?.stop();
  if (home) await rm(home, { recursive: true, force: true });
}, 180_000);

describe('delegated administration in the console', () => {
  it('opens on the sign-in page and refuses a wrong password in words, throttled alike', async () => {
    await page.locator('.sign-in-form').waitFor();
    expect(await page.locator('nav.app-nav').count()).toBe(0);
    await page.screenshot({ path: join(screenshots, 'delegation-sign-in-en.png') });
    for (let i = 0; i < 4; i++) {
      await signIn('clerk15', `wrong-${i}-password`);
      await expect
        .poll(() => page.locator('.sign-in-refusal').textContent(), { timeout: 30_000 })
        .toMatch(/user name or password is wrong/);
    }
    // Nothing of the console was shown; the password field is empty again.
    expect(await page.locator('input[name="password"]').inputValue()).toBe('');
    await page.screenshot({ path: join(screenshots, 'delegation-refused-en.png') });
    // The directory's throttle lapses after a few seconds for three or four failures.
    await new Promise((r) => setTimeout(r, 8_000));
  }, 120_000);

  it("shows a department admin only its domain's users, and nothing of another department", async () => {
    await signIn('clerk15', clerkPassword);
    await page.locator('.session-badge').waitFor({ timeout: 60_000 });
    expect(await page.locator('.session-badge').textContent()).toContain(ours);
    // Its Directory, Mail trace, and its domains' Queues and Spam (department-views.test.ts): no
    // dashboard, nodes, audit...
    const views = await page
      .locator('nav.app-nav a')
      .evaluateAll((links) => links.map((link) => link.getAttribute('data-view')));
    expect(views).toEqual(['queues', 'trace', 'spam', 'directory']);
    await expect.poll(() => page.evaluate(() => window.location.hash)).toBe('#/directory');
    const expected = users.filter((u) => domainOf(u.address) === ours).length;
    expect(Math.abs(expected - 2000)).toBeLessThan(5);
    await expect
      .poll(() => page.locator('[data-testid="dir-count"]').textContent(), { timeout: 120_000 })
      .toContain(expected.toLocaleString('en-US'));
    // Searching another department's user finds nothing; its user page by address shows nothing.
    const other = users.find((u) => domainOf(u.address) === theirs)!;
    await page.locator('input[name="search"]').fill(other.address);
    await expect.poll(() => page.locator('[data-testid="dir-count"]').textContent()).toBe('No user matches.');
    await page.screenshot({ path: join(screenshots, 'delegation-department-en.png') });
    // The dashboard is the page's first place: a tier without it is taken to its first view.
    await page.evaluate(() => {
      window.location.hash = '#/dashboard';
    });
    await expect.poll(() => page.evaluate(() => window.location.hash)).toBe('#/directory');
    expect(await page.locator('.dashboard, [data-view="dashboard"] .tile').count()).toBe(0);
    for (const hash of ['#/nodes/store01', '#/audit', '#/lockouts', '#/moves']) {
      await page.evaluate((h) => {
        window.location.hash = h;
      }, hash);
      await page.locator('.view-hidden').waitFor();
      expect(await page.locator('main#main').textContent()).toBe(
        'This page is not part of your role in the console.',
      );
    }
    // Another department's user by address: the same "not found" as an address no one has (the
    // directory's rules hide the entry from this admin's bind), and nothing of the user's page.
    const notFoundFor = async (address: string) => {
      await page.evaluate(
        (h) => {
          window.location.hash = h;
        },
        `#/directory/${encodeURIComponent(address)}`,
      );
      const alert = page.locator(`.dir-error[data-error-code="not-found"]:has-text("${address}")`);
      await alert.waitFor({ timeout: 30_000 });
      expect(await page.locator('article.dir-page').count()).toBe(0);
      return (await page.locator('.dir-error-words').textContent()) ?? '';
    };
    const forOther = await notFoundFor(other.address);
    const forNoOne = await notFoundFor(`no.such.person.anywhere@${theirs}`);
    expect(forOther).toBe(forNoOne);
  }, 300_000);

  it('adds a user within the budget, and refuses one over it in words with nothing added', async () => {
    await page.evaluate(() => {
      window.location.hash = '#/directory';
    });
    const added = `new.clerk.user@${ours}`;
    await page.getByRole('button', { name: 'Add a user' }).click();
    await page.locator('input[name="address"]').fill(added);
    await page.locator('input[name="displayName"]').fill('New Clerk User');
    await page.locator('input[name="password"]').fill('First-Passw0rd-15a');
    await page.locator('input[name="quota"]').fill('1000');
    await page.getByRole('button', { name: 'Add the user' }).click();
    await expect
      .poll(() => page.locator('#dir-page-title').textContent(), { timeout: 60_000 })
      .toContain(added);

    // The department's card says what its quotas total against the budget (within it).
    const budgetLine = page.locator('.dir-domain', { hasText: ours }).getByTestId('domain-budget');
    await expect
      .poll(() => budgetLine.textContent(), { timeout: 30_000 })
      .toMatch(/^Quotas [\d.]+ [KMGT]?B of [\d.]+ [KMGT]?B$/);
    expect(await budgetLine.getAttribute('class')).not.toContain('dir-domain-over-budget');

    const over = `over.budget.user@${ours}`;
    await page.getByRole('button', { name: 'Add a user' }).click();
    await page.locator('input[name="address"]').fill(over);
    await page.locator('input[name="displayName"]').fill('Over Budget');
    await page.locator('input[name="password"]').fill('First-Passw0rd-15b');
    await page.locator('input[name="quota"]').fill('4000');
    await page.getByRole('button', { name: 'Add the user' }).click();
    const alert = page.locator('.dir-error');
    await expect
      .poll(() => alert.getAttribute('data-error-code'), { timeout: 60_000 })
      .toBe('quota-over-budget');
    expect(await alert.textContent()).toMatch(/budget/i);
    await alert.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshots, 'delegation-over-budget-en.png') });
    // Nothing added: the address is not in the directory.
    let found = 0;
    await asSystem(async (client) => {
      const { searchEntries } = await client.search(new FleetTree(baseDn).domain(ours), {
        scope: 'one',
        filter: `(mail=${over})`,
      });
      found = searchEntries.length;
    });
    expect(found).toBe(0);
  }, 180_000);

  it('says the same in Japanese', async () => {
    await page.getByRole('button', { name: '日本語' }).click();
    await expect.poll(() => page.locator('.dir-error').textContent()).toMatch(/部局の容量枠を超える/);
    await page.locator('.dir-error').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshots, 'delegation-over-budget-ja.png') });
    await page.evaluate(() => {
      window.location.hash = '#/audit';
    });
    await expect
      .poll(() => page.locator('main#main').textContent())
      .toBe('このページはコンソールでのあなたの役割に含まれていません。');
    await page.screenshot({ path: join(screenshots, 'delegation-hidden-ja.png') });
    await signOut();
    await page.screenshot({ path: join(screenshots, 'delegation-sign-in-ja.png') });
  }, 120_000);

  it("lets the helpdesk reset a user's password, and the new password works through the proxy", async () => {
    await page.getByRole('button', { name: 'English' }).click();
    const helpdeskPassword = (
      await readFile(join(home, 'admin', 'labhelpdesk.directory-password'), 'utf8')
    ).trim();
    await signIn('labhelpdesk', helpdeskPassword);
    await page.locator('.session-badge').waitFor({ timeout: 60_000 });
    const views = await page
      .locator('nav.app-nav a')
      .evaluateAll((links) => links.map((link) => link.getAttribute('data-view')));
    expect(views).toEqual(['queues', 'trace', 'directory', 'moves', 'lockouts']);
    await page.locator('nav.app-nav a[data-view="directory"]').click();
    const user = users.find((u) => domainOf(u.address) === theirs)!;
    await page.locator('input[name="search"]').fill(user.address);
    await page.locator(`button.dir-row[data-address="${user.address}"]`).click();
    await expect.poll(() => page.locator('#dir-page-title').textContent()).toContain(user.address);
    const fresh = 'Helpdesk-Reset-Pw-15';
    await page.locator('input[name="newPassword"]').fill(fresh);
    await page.locator('input[name="newPasswordAgain"]').fill(fresh);
    await page.getByRole('button', { name: 'Set this password' }).click();
    await expect
      .poll(() => page.locator('.dir-password-form .dir-notice').textContent(), { timeout: 60_000 })
      .toContain('is changed');
    await page.screenshot({ path: join(screenshots, 'delegation-helpdesk-en.png') });
    expect(await labImapLogin(home, user.address, fresh)).toBe(true);
    expect(await labImapLogin(home, user.address, user.password)).toBe(false);
    // The page never held a password it was not typed: none in its storage or its address.
    expect(await page.evaluate(() => JSON.stringify(localStorage) + window.location.href)).not.toContain(
      helpdeskPassword,
    );
    expect(pageErrors).toEqual([]);
  }, 180_000);
  it('ends a session left idle, and says why (a console with a 9 s idle time)', async () => {
    const short = await startConsoleProcess(join(home, 'fleet.json'), 60_000, {
      args: ['--sign-in', '--idle-minutes', '0.15'],
      lang: 'ja_JP.UTF-8',
      settingsFile: join(home, 'idle-console.json'),
    });
    const idlePage = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'ja-JP' });
    try {
      await idlePage.goto(short.url);
      await idlePage.locator('input[name="uid"]').fill('clerk15');
      await idlePage.locator('input[name="password"]').fill(clerkPassword);
      await idlePage.locator('.sign-in-form button[type="submit"]').click();
      await idlePage.locator('.session-badge').waitFor({ timeout: 60_000 });
      // 9 s without a key or a click, and the page's next look (every 5 s): the sign-in page, saying why.
      await idlePage.locator('.sign-in-reason[data-reason="idle"]').waitFor({ timeout: 60_000 });
      expect(await idlePage.locator('.sign-in-reason').textContent()).toBe(
        'コンソールが 9秒 使われなかったため、サインアウトしました。',
      );
      expect(await idlePage.locator('nav.app-nav').count()).toBe(0);
      await idlePage.screenshot({ path: join(screenshots, 'delegation-idle-ja.png') });
    } finally {
      await idlePage.close();
      await short.stop();
    }
  }, 180_000);
});
