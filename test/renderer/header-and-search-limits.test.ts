/**
 * Finding one's way as a clerk (issue 17, items 8 and 9), in Chromium against a real lab: the
 * header with the navigation and the language switch stays in view on a long page; a user page
 * has its own address, so back and forward move between users; a 10,000-character paste into the
 * search box is cut to what the directory answers, said in words, and the count and rows stay
 * true. Each in English and in Japanese; screenshots go to test-output/console/.
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

let consoleLab: ConsoleLab;
let page: Page;
let users: Array<{ address: string }>;

const headerTop = () => page.locator('header.app-header').evaluate((h) => h.getBoundingClientRect().top);
const title = () => page.locator('#dir-page-title .dir-page-address').textContent();

beforeAll(async () => {
  consoleLab = await startConsoleLab({
    name: 'header-limits-e2e',
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

describe('the header, user addresses and the search limit', () => {
  it('keeps the header in view on a long page, and gives each user page its address (English)', async () => {
    await expect.poll(() => page.locator('button.dir-row').count()).toBeGreaterThan(2);
    await page.locator(`button.dir-row[data-address="${users[1]!.address}"]`).click();
    await expect.poll(title).toBe(users[1]!.address);
    expect(await page.evaluate(() => window.location.hash)).toBe(
      `#/directory/${encodeURIComponent(users[1]!.address)}`,
    );
    await page.locator(`button.dir-row[data-address="${users[2]!.address}"]`).click();
    await expect.poll(title).toBe(users[2]!.address);
    await page.goBack();
    await expect.poll(title).toBe(users[1]!.address);
    await page.goForward();
    await expect.poll(title).toBe(users[2]!.address);
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(300);
    expect(await headerTop()).toBe(0);
    expect(await page.getByRole('button', { name: '日本語' }).isVisible()).toBe(true);
    await page.screenshot({ path: join(screenshots, 'header-in-view-en.png') });
  });

  it('cuts a 10,000-character search to the limit and says why; the count stays true (Japanese)', async () => {
    await page.getByRole('button', { name: '日本語' }).click();
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.locator('input[name="search"]').fill('あ'.repeat(10_000));
    expect((await page.locator('input[name="search"]').inputValue()).length).toBe(200);
    await expect
      .poll(() => page.getByTestId('dir-search-limit').textContent())
      .toContain('検索できるのは 200 文字まで');
    await expect.poll(() => page.getByTestId('dir-count').textContent()).toBe('該当する利用者はいません。');
    expect(await page.locator('.dir-search .dir-error').count()).toBe(0);
    await page.screenshot({ path: join(screenshots, 'directory-search-limit-ja.png') });
    await page.locator('input[name="search"]').fill('');
    await expect.poll(() => page.getByTestId('dir-count').textContent()).toBe('20 人中 20 人が該当');
    expect(await page.getByTestId('dir-search-limit').count()).toBe(0);
  });

  it('keeps the header in view in Japanese too, with the English switch at hand', async () => {
    await page.locator(`button.dir-row[data-address="${users[3]!.address}"]`).click();
    await expect.poll(title).toBe(users[3]!.address);
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(300);
    expect(await headerTop()).toBe(0);
    expect(await page.getByRole('button', { name: 'English' }).isVisible()).toBe(true);
    await page.goBack();
    await expect.poll(title).not.toBe(users[3]!.address);
    await page.screenshot({ path: join(screenshots, 'header-in-view-ja.png') });
  });

  it('says the search limit in English as well', async () => {
    await page.getByRole('button', { name: 'English' }).click();
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.locator('input[name="search"]').fill('x'.repeat(10_000));
    expect((await page.locator('input[name="search"]').inputValue()).length).toBe(200);
    await expect
      .poll(() => page.getByTestId('dir-search-limit').textContent())
      .toContain('A search is at most 200 characters');
    await expect.poll(() => page.getByTestId('dir-count').textContent()).toBe('No user matches.');
    await page.screenshot({ path: join(screenshots, 'directory-search-limit-en.png') });
    await page.locator('input[name="search"]').fill('');
    await expect.poll(() => page.getByTestId('dir-count').textContent()).toBe('20 of 20 users match');
    expect(consoleLab.pageErrors).toEqual([]);
  });
});
