/**
 * Issue 17, item 10, as a clerk sees it, in Chromium against a real lab, in English and Japanese:
 * a password reset made in the Directory view appears in the Audit view, with the nodes' entries,
 * naming the person who made it (the lab's admin) and the user whose password it was, and saying
 * the password itself is not recorded. The record is made by the lab's directory node, not by the
 * console. Screenshots of the window go to test-output/console/audit-*.png.
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

let consoleLab: ConsoleLab;
let page: Page;
let users: Array<{ address: string; password: string; store: string }>;

/** Resets `address`'s password with a made-up one from its user page; `make` and `submit` are the buttons' names. */
async function resetPassword(address: string, make: string, submit: string): Promise<void> {
  await page.locator('nav.app-nav a[data-view="directory"]').click();
  await page.locator('input[name="search"]').fill(address);
  await page.locator(`button.dir-row[data-address="${address}"]`).click();
  await expect.poll(() => page.locator('#dir-page-title').textContent()).toContain(address);
  await page.getByRole('button', { name: make }).click();
  await page.getByRole('button', { name: submit }).click();
  await expect.poll(() => page.locator('.dir-password-form .dir-notice').count()).toBe(1);
}

/** The Audit view's row that names `address` as its target (polls: the view refreshes every 5 s). */
async function auditRowOf(address: string): Promise<Locator> {
  await page.locator('nav.app-nav a[data-view="audit"]').click();
  const row = page
    .locator('[data-testid="audit-entries"] tbody tr')
    .filter({ has: page.locator('[data-testid="audit-target"]', { hasText: address }) });
  await expect.poll(() => row.count(), { timeout: 20_000 }).toBeGreaterThan(0);
  return row.first();
}

beforeAll(async () => {
  consoleLab = await startConsoleLab({
    name: 'audit-e2e',
    labFlags: ['--stores', '1', '--users', '10', '--domains', '1'],
    viewport: { width: 1400, height: 900 },
  });
  page = consoleLab.page;
  users = parseLabUsers(await readFile(join(consoleLab.home, 'lab-users.csv'), 'utf8'));
}, 200_000);

afterAll(async () => {
  await consoleLab?.stop();
}, 120_000);

describe('directory changes in the Audit view', () => {
  it('shows a password reset with the person and the user, in English', async () => {
    const user = users[1]!;
    await resetPassword(user.address, 'Make one up for me', 'Set this password');
    const row = await auditRowOf(user.address);
    const cells = row.locator('td');
    expect(await cells.nth(2).textContent()).toBe('labadmin (system admin)');
    expect(await cells.nth(3).textContent()).toBe('Reset a password');
    expect(await cells.nth(4).textContent()).toBe(`user ${user.address}; changed: password (not recorded)`);
    expect(await cells.nth(5).textContent()).toBe('Done');
    // With the nodes' own entries: the directory node records it, the other nodes' rows stay.
    expect(await cells.nth(1).textContent()).toMatch(/^directory/);
    await page.screenshot({ path: join(screenshots, 'audit-password-reset-en.png') });
  });

  it('says the same in Japanese', async () => {
    await page.getByRole('button', { name: '日本語' }).click();
    const user = users[2]!;
    await resetPassword(user.address, '自動で作る', 'このパスワードに変更');
    const row = await auditRowOf(user.address);
    const cells = row.locator('td');
    expect(await cells.nth(2).textContent()).toBe('labadmin (システム管理者)');
    expect(await cells.nth(3).textContent()).toBe('パスワードの再設定');
    expect(await cells.nth(4).textContent()).toBe(
      `利用者 ${user.address}; 変更した項目: パスワード(値は記録しません)`,
    );
    expect(await cells.nth(5).textContent()).toBe('完了');
    await page.screenshot({ path: join(screenshots, 'audit-password-reset-ja.png') });
    expect(consoleLab.pageErrors).toEqual([]);
  });
});
