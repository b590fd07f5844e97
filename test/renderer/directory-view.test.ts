/**
 * The directory view end to end, as a clerk uses it: a real small lab (2 stores, a spare, the
 * director with its IMAP proxy, the gateway, the directory; each agent its own process),
 * `mailfleet console --web` on it, and Debian's Chromium. Searching finds a user by part of the
 * Japanese display name; the user's page shows the store's figures; a password reset from the page
 * lets the user log in over IMAP through the director's proxy (imapflow) with the new password and
 * the old one is refused; switching to Japanese changes the labels; a wrong deletion confirmation
 * cannot be sent and a refused write is said in words. Screenshots go to test-output/console/.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLabUsers } from '../../main/lab/lab-people.js';
import {
  type ConsoleLab,
  consoleScreenshots as screenshots,
  startConsoleLab,
} from '../support/console-lab.js';
import { labImapLogin } from '../support/lab-imap-login.js';

let consoleLab: ConsoleLab;
let page: Page;
let users: Array<{ address: string; password: string; store: string }>;
let pageErrors: string[];

const imapLogin = (address: string, password: string) => labImapLogin(consoleLab.home, address, password);

const row = (address: string) => page.locator(`button.dir-row[data-address="${address}"]`);
const search = (text: string) => page.locator('input[name="search"]').fill(text);

beforeAll(async () => {
  consoleLab = await startConsoleLab({
    name: 'directory-e2e',
    labFlags: ['--stores', '2', '--users', '50', '--domains', '2'],
    viewport: { width: 1280, height: 1000 },
  });
  ({ page, pageErrors } = consoleLab);
  const { home } = consoleLab;
  users = parseLabUsers(await readFile(join(home, 'lab-users.csv'), 'utf8'));
  await page.locator('nav.app-nav a[data-view="directory"]').click();
}, 200_000);

afterAll(async () => {
  await consoleLab?.stop();
}, 120_000);

describe('directory view in browser mode against a lab', () => {
  it('lists the domains and every user of the lab, and opens a user page with the store figures', async () => {
    await expect.poll(() => page.getByTestId('dir-count').textContent()).toBe('50 of 50 users match');
    // The domains come from their own call: they may be drawn a moment after the user count.
    await expect.poll(() => page.locator('.dir-domain').count()).toBe(2);
    const user = users[0]!;
    await search(user.address.split('@')[0]!);
    await row(user.address).click();
    const facts = page.locator('.dir-facts');
    await expect.poll(() => facts.locator('[data-fact="address"] dd').textContent()).toBe(user.address);
    // The store agent answered: its node named, a mailbox use figure, a last login line.
    await expect
      .poll(() => facts.locator('[data-fact="store"] dd').textContent())
      .toMatch(new RegExp(`^${user.store} \\(on server \\w+\\)$`));
    await expect.poll(() => facts.locator('[data-fact="quota-use"] dd').textContent()).not.toBe('Loading…');
    await expect.poll(() => facts.locator('[data-fact="last-login"] dd').textContent()).not.toBe('—');
    await page.screenshot({ path: join(screenshots, 'directory-user-en.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });

  it('finds a user by part of the Japanese display name', async () => {
    const user = users[7]!;
    await search(user.address);
    await expect.poll(() => row(user.address).count()).toBe(1);
    const name = (await row(user.address).locator('.dir-row-name').textContent()) ?? '';
    expect(name).toMatch(/[\u4e00-\u9fff]/);
    // The given name alone, without the family name: a part of the display name.
    const given = name.split(' ').at(-1)!;
    await search(given);
    await expect.poll(() => row(user.address).count()).toBe(1);
    const names = await page.locator('button.dir-row .dir-row-name').allTextContents();
    expect(names.length).toBeGreaterThan(0);
    for (const shown of names) expect(shown).toContain(given);
  });

  it('resets a password so that the user logs in over IMAP through the director with the new one, not the old', async () => {
    const user = users[3]!;
    const newPassword = 'Reset-by-clerk-2026';
    await search(user.address);
    await row(user.address).click();
    await expect.poll(() => page.locator('#dir-page-title').textContent()).toContain(user.address);
    // Too short: said in words, nothing sent.
    await page.locator('input[name="newPassword"]').fill('short');
    await page.locator('input[name="newPasswordAgain"]').fill('short');
    await page.getByRole('button', { name: 'Set this password' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('at least 8 characters');
    await page.locator('input[name="newPassword"]').fill(newPassword);
    await page.locator('input[name="newPasswordAgain"]').fill(newPassword);
    await page.getByRole('button', { name: 'Set this password' }).click();
    await expect
      .poll(() => page.locator('.dir-notice').textContent())
      .toBe(`The password of ${user.address} is changed. The old password no longer works.`);
    // Never echoed: the fields are empty and the page does not contain it.
    expect(await page.locator('input[name="newPassword"]').inputValue()).toBe('');
    expect(await page.content()).not.toContain(newPassword);
    await page.screenshot({ path: join(screenshots, 'directory-password-reset-en.png'), fullPage: true });
    expect(await imapLogin(user.address, newPassword)).toBe(true);
    expect(await imapLogin(user.address, user.password)).toBe(false);
  });

  it('asks for the address typed again before deleting, and says a refused write in words', async () => {
    const user = users[5]!;
    await search(user.address);
    await row(user.address).click();
    const deleteButton = page.getByRole('button', { name: 'Delete the user' });
    await page.locator('input[name="confirm"]').fill('someone.else@example.org');
    expect(await deleteButton.isDisabled()).toBe(true);
    // A further address already used by another user: the directory core refuses it, in words.
    await page.locator('textarea[name="aliases"]').fill(users[6]!.address);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect
      .poll(() => page.locator('.dir-error').first().getAttribute('data-error-code'))
      .toBe('already-exists');
    expect(await page.locator('.dir-error').first().textContent()).toContain('already in use');
    await page.screenshot({ path: join(screenshots, 'directory-refused-en.png'), fullPage: true });
    await page.locator('input[name="confirm"]').fill(user.address);
    await deleteButton.click();
    await expect.poll(() => page.locator('.dir-notice').textContent()).toBe(`Deleted ${user.address}.`);
    // The search still names the deleted address: nobody has it any more.
    await expect.poll(() => page.getByTestId('dir-count').textContent()).toBe('No user matches.');
  });

  it('switches the visible labels to Japanese', async () => {
    await page.getByRole('button', { name: '日本語' }).click();
    await expect
      .poll(() => page.locator('h2#directory-title').textContent())
      .toBe('利用者管理（利用者・別名・グループ）');
    await search('');
    await expect.poll(() => page.getByTestId('dir-count').textContent()).toBe('49 人中 49 人が該当');
    const user = users[3]!;
    await search(user.address);
    await row(user.address).click();
    await expect.poll(() => page.locator('.dir-facts dt').first().textContent()).toBe('メールアドレス');
    await expect
      .poll(() => page.locator('[data-fact="store"] dd').textContent())
      .toMatch(/^store\d+（サーバー \w+）$/);
    expect(await page.getByRole('button', { name: 'このパスワードに変更' }).count()).toBe(1);
    await page.screenshot({ path: join(screenshots, 'directory-user-ja.png'), fullPage: true });
    await page.getByRole('tab', { name: '別名とグループ' }).click();
    await page.locator('select[name="listDomain"]').selectOption({ index: 1 });
    await expect.poll(() => page.locator('#dir-aliases-title').textContent()).toContain('別名');
    await page.screenshot({ path: join(screenshots, 'directory-lists-ja.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});
