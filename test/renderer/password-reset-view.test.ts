/**
 * Resetting a password as a clerk does it, in Chromium against a real lab, in English and
 * Japanese (issue 17, item 1): on a window too short to show the whole user page, the result of
 * 「このパスワードに変更」 is said where the person is looking (in the viewport, under the button);
 * a password of spaces only is refused by the directory in words and does not become the user's
 * IMAP password; "Make one up for me" fills both fields with a password shown in clear, and that
 * password works for an IMAP login through the director at once; the show/hide box switches the
 * fields between hidden and clear. Screenshots of the window (not the whole page) go to
 * test-output/console/.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
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

/** Whether the element's box lies wholly inside the window. */
function inViewport(locator: Locator): Promise<boolean> {
  return locator.evaluate((element) => {
    const box = element.getBoundingClientRect();
    return box.height > 0 && box.top >= 0 && box.bottom <= window.innerHeight;
  });
}

/** Opens a user's page from the search. */
async function openUser(address: string): Promise<void> {
  await page.locator('input[name="search"]').fill(address);
  await page.locator(`button.dir-row[data-address="${address}"]`).click();
  await expect.poll(() => page.locator('#dir-page-title').textContent()).toContain(address);
}

/** Types `password` twice in the reset form and presses its button (named `submit`). */
async function setPassword(password: string, submit: string): Promise<void> {
  await page.locator('input[name="newPassword"]').fill(password);
  await page.locator('input[name="newPasswordAgain"]').fill(password);
  await page.getByRole('button', { name: submit }).click();
}

beforeAll(async () => {
  // 700 px high: the password form is below the first screen of the user page.
  consoleLab = await startConsoleLab({
    name: 'password-reset-e2e',
    labFlags: ['--stores', '2', '--users', '20', '--domains', '1'],
    viewport: { width: 1280, height: 700 },
  });
  page = consoleLab.page;
  users = parseLabUsers(await readFile(join(consoleLab.home, 'lab-users.csv'), 'utf8'));
  await page.locator('nav.app-nav a[data-view="directory"]').click();
}, 200_000);

afterAll(async () => {
  await consoleLab?.stop();
}, 120_000);

describe('password reset as a clerk uses it', () => {
  it('refuses spaces only in words, in view; a made-up password works for IMAP and is said in view (English)', async () => {
    const user = users[2]!;
    await openUser(user.address);
    await setPassword(' '.repeat(8), 'Set this password');
    const alert = page.locator('.dir-password-form .dir-error');
    await expect.poll(() => alert.getAttribute('data-error-code')).toBe('password-policy');
    expect(await alert.textContent()).toContain('The password is only spaces');
    await expect.poll(() => inViewport(alert)).toBe(true);
    expect(await labImapLogin(consoleLab.home, user.address, ' '.repeat(8))).toBe(false);
    expect(await labImapLogin(consoleLab.home, user.address, user.password)).toBe(true);

    // The address as password: refused in words too.
    await setPassword(user.address, 'Set this password');
    await expect.poll(() => alert.textContent()).toContain("user's mail address or login name");

    await page.getByRole('button', { name: 'Make one up for me' }).click();
    const field = page.locator('input[name="newPassword"]');
    expect(await field.getAttribute('type')).toBe('text');
    expect(await page.locator('input[name="showPassword"]').isChecked()).toBe(true);
    const made = await field.inputValue();
    expect(made).toMatch(/^[a-zA-Z2-9]{4}-[a-zA-Z2-9]{4}-[a-zA-Z2-9]{4}-[a-zA-Z2-9]{2}$/);
    expect(await page.locator('input[name="newPasswordAgain"]').inputValue()).toBe(made);
    await page.getByRole('button', { name: 'Set this password' }).click();
    const done = page.locator('.dir-password-form .dir-notice');
    await expect
      .poll(() => done.textContent())
      .toBe(`The password of ${user.address} is changed. The old password no longer works.`);
    await expect.poll(() => inViewport(done)).toBe(true);
    expect(await field.inputValue()).toBe('');
    expect(await field.getAttribute('type')).toBe('password');
    await page.screenshot({ path: join(screenshots, 'password-reset-done-en.png') });
    expect(await labImapLogin(consoleLab.home, user.address, made)).toBe(true);
    expect(await labImapLogin(consoleLab.home, user.address, user.password)).toBe(false);
  });

  it('shows and hides the typed password', async () => {
    const field = page.locator('input[name="newPassword"]');
    await field.fill('Typed-Secret-11');
    const show = page.locator('input[name="showPassword"]');
    await show.check();
    expect(await field.getAttribute('type')).toBe('text');
    await show.uncheck();
    expect(await field.getAttribute('type')).toBe('password');
    await field.fill('');
  });

  it('says the same in Japanese: spaces refused, done in view', async () => {
    await page.getByRole('button', { name: '日本語' }).click();
    const user = users[5]!;
    await openUser(user.address);
    await setPassword('　'.repeat(10), 'このパスワードに変更');
    const alert = page.locator('.dir-password-form .dir-error');
    await expect.poll(() => alert.textContent()).toContain('パスワードが空白だけです');
    await expect.poll(() => inViewport(alert)).toBe(true);
    await page.screenshot({ path: join(screenshots, 'password-reset-refused-ja.png') });
    expect(await labImapLogin(consoleLab.home, user.address, '　'.repeat(10))).toBe(false);
    await page.getByRole('button', { name: '自動で作る' }).click();
    const made = await page.locator('input[name="newPassword"]').inputValue();
    await page.getByRole('button', { name: 'このパスワードに変更' }).click();
    const done = page.locator('.dir-password-form .dir-notice');
    await expect
      .poll(() => done.textContent())
      .toBe(`${user.address} のパスワードを変更しました。古いパスワードは使えなくなりました。`);
    await expect.poll(() => inViewport(done)).toBe(true);
    await page.screenshot({ path: join(screenshots, 'password-reset-done-ja.png') });
    expect(await labImapLogin(consoleLab.home, user.address, made)).toBe(true);
    expect(consoleLab.pageErrors).toEqual([]);
  });
});
