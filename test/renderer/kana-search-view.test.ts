/**
 * Kana search as a clerk uses it (issue 17, item 3), in Chromium against a real lab whose users
 * carry readings (msDS-PhoneticDisplayName, seeded by `lab up`): さとう, サトウ and "Hiroshi Sato"
 * all find 佐藤 浩; the list sorts by reading; a reading typed in the edit form is saved in the
 * directory and found at once — in English and in Japanese. Screenshots go to test-output/console/.
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
let sato: string;

const search = (text: string) => page.locator('input[name="search"]').fill(text);
const shownAddresses = () =>
  page.locator('button.dir-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-address')));

beforeAll(async () => {
  consoleLab = await startConsoleLab({
    name: 'kana-search-e2e',
    labFlags: ['--stores', '2', '--users', '20', '--domains', '1'],
    viewport: { width: 1280, height: 1000 },
  });
  page = consoleLab.page;
  const users = parseLabUsers(await readFile(join(consoleLab.home, 'lab-users.csv'), 'utf8'));
  // The lab's first user is 佐藤 浩 (hiroshi.sato@...).
  sato = users[0]!.address;
  expect(sato).toMatch(/^hiroshi\.sato@/);
  await page.locator('nav.app-nav a[data-view="directory"]').click();
}, 200_000);

afterAll(async () => {
  await consoleLab?.stop();
}, 120_000);

describe('kana search in the directory view', () => {
  it('finds 佐藤 浩 by さとう, サトウ and "Hiroshi Sato", and shows the reading (English)', async () => {
    await expect.poll(() => page.getByTestId('dir-count').textContent()).toBe('20 of 20 users match');
    for (const text of ['さとう', 'サトウ', 'Hiroshi Sato', 'sato hiroshi']) {
      await search(text);
      await expect.poll(shownAddresses, { message: text }).toEqual([sato]);
    }
    const row = page.locator(`button.dir-row[data-address="${sato}"]`);
    expect(await row.locator('.dir-row-name').textContent()).toBe('佐藤 浩');
    expect(await row.locator('.dir-row-reading').textContent()).toBe('さとう ひろし');
    await page.screenshot({ path: join(screenshots, 'directory-kana-search-en.png'), fullPage: true });
  });

  it('sorts by reading', async () => {
    await search('');
    await page.locator('select[name="sort"]').selectOption('reading');
    await expect
      .poll(async () => (await page.locator('button.dir-row .dir-row-reading').allTextContents()).slice(0, 3))
      .toEqual(['いとう ひろし', 'いのうえ ひろし', 'かとう ひろし']);
    const readings = await page.locator('button.dir-row .dir-row-reading').allTextContents();
    expect(readings).toEqual([...readings].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  it('saves a reading typed in the form and finds the user by it, in Japanese', async () => {
    await page.getByRole('button', { name: '日本語' }).click();
    await search(sato);
    await page.locator(`button.dir-row[data-address="${sato}"]`).click();
    await expect.poll(() => page.locator('[data-fact="reading"] dd').textContent()).toBe('さとう ひろし');
    await page.locator('input[name="reading"]').fill('サトウ ヒロシ');
    await page.getByRole('button', { name: '変更を保存' }).click();
    await expect.poll(() => page.locator('[data-fact="reading"] dd').textContent()).toBe('サトウ ヒロシ');
    // Typed in hiragana or half-width katakana, the saved katakana reading is found.
    await search('ｻﾄｳ ﾋﾛｼ');
    await expect.poll(shownAddresses).toEqual([sato]);
    await search('さとうひろし');
    await expect.poll(shownAddresses).toEqual([sato]);
    expect(await page.locator('#dir-search-hint').textContent()).toContain('ひらがな・カタカナ・ローマ字');
    await page.screenshot({ path: join(screenshots, 'directory-kana-search-ja.png'), fullPage: true });
    expect(consoleLab.pageErrors).toEqual([]);
  });
});
