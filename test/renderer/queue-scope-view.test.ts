/**
 * The Queues view as a clerk reads it (issue 17, items 6 and 7), in Chromium against a real lab
 * with store01 killed so mail waits: the whole queue is counted under any filter, the filter in
 * force is said in words with a way to clear it, a filter does not survive leaving the view; the
 * message list has a Subject column with Japanese subjects decoded (not =?UTF-8?B?…?=) and its
 * numbers right-aligned under right-aligned headers. English and Japanese; screenshots go to
 * test-output/console/.
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
import { runMailfleet } from '../support/lab-process.js';
import { labSmtpTransport } from '../support/lab-smtp.js';

let consoleLab: ConsoleLab;
let page: Page;
const subject = '教授会の日程について';

const whole = () => page.getByTestId('queue-whole');
const inForce = () => page.getByTestId('queue-filter-in-force');
const rows = () => page.locator('[data-testid="queue-messages"] tbody tr');

/** The computed text-align of the first element a selector finds. */
const alignOf = (selector: string) =>
  page
    .locator(selector)
    .first()
    .evaluate((element) => getComputedStyle(element).textAlign);

beforeAll(async () => {
  consoleLab = await startConsoleLab({
    name: 'queue-scope-e2e',
    labFlags: ['--stores', '2', '--users', '20', '--domains', '1'],
    viewport: { width: 1280, height: 1000 },
  });
  page = consoleLab.page;
  const home = consoleLab.home;
  const killed = await runMailfleet(home, 'lab', 'kill', 'store01', '--home', home);
  if (killed.code !== 0) throw new Error(`lab kill store01: ${killed.stderr}`);
  const users = parseLabUsers(await readFile(join(home, 'lab-users.csv'), 'utf8')).filter(
    (u) => u.store === 'store01',
  );
  // From the one address the lab's director trusts as its gateway.
  const transport = await labSmtpTransport(home, 'director01', '127.0.0.1');
  try {
    for (let i = 0; i < 5; i++) {
      await transport.sendMail({
        from: i < 3 ? 'kyomu@partner-univ.example' : 'someone@example.org',
        to: users[i % users.length]!.address,
        subject: i < 3 ? subject : 'Hello',
        text: 'x',
      });
    }
  } finally {
    transport.close();
  }
  await page.locator('nav.app-nav a[data-view="queues"]').click();
}, 200_000);

afterAll(async () => {
  await consoleLab?.stop();
}, 120_000);

describe('the Queues view under a filter', () => {
  it('lists subjects decoded, with numbers right-aligned under right-aligned headers (English)', async () => {
    await expect.poll(() => rows().count(), { timeout: 30_000 }).toBe(5);
    const subjects = await page.locator('td.queue-subject').allTextContents();
    expect(subjects.filter((s) => s === subject)).toHaveLength(3);
    expect(subjects.join(' ')).not.toContain('=?');
    expect(await page.locator('[data-testid="queue-messages"] thead th').allTextContents()).toContain(
      'Subject',
    );
    expect(await alignOf('[data-testid="queue-messages"] thead th.number')).toBe('right');
    expect(await alignOf('[data-testid="queue-messages"] tbody td.number')).toBe('right');
    // The fleet table too: every header over numbers is right-aligned like its numbers.
    expect(await alignOf('.queues-view table thead th.number')).toBe('right');
  });

  it('counts the whole queue and says the filter in force; the filter is gone after leaving the view', async () => {
    await expect.poll(() => whole().textContent()).toMatch(/^The whole queue of director01: 5 messages \(/);
    await page.locator('input[name="sender"]').fill('kyomu');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect
      .poll(() => inForce().textContent())
      .toContain(
        'Filter in force: sender contains "kyomu". The table and the list below show only the 3 matching messages.',
      );
    await expect.poll(() => rows().count()).toBe(3);
    // The whole queue is still counted whole.
    expect(await whole().textContent()).toMatch(/: 5 messages \(/);
    await page.screenshot({ path: join(screenshots, 'queue-filter-in-force-en.png'), fullPage: true });
    await page.locator('nav.app-nav a[data-view="dashboard"]').click();
    await page.locator('nav.app-nav a[data-view="queues"]').click();
    await expect.poll(() => rows().count()).toBe(5);
    expect(await page.locator('input[name="sender"]').inputValue()).toBe('');
    expect(await inForce().count()).toBe(0);
  });

  it('says the same in Japanese', async () => {
    await page.getByRole('button', { name: '日本語' }).click();
    await expect.poll(() => whole().textContent()).toMatch(/^director01 のキュー全体: 5 通（/);
    await page.locator('input[name="sender"]').fill('kyomu');
    await page.getByRole('button', { name: '検索' }).click();
    await expect.poll(() => inForce().textContent()).toContain('絞り込み中: 差出人に「kyomu」を含む。');
    expect(await inForce().textContent()).toContain('条件に合う 3 通だけ');
    expect(await page.locator('[data-testid="queue-messages"] thead th').allTextContents()).toContain('件名');
    await page.screenshot({ path: join(screenshots, 'queue-filter-in-force-ja.png'), fullPage: true });
    await page.getByRole('button', { name: 'キュー全体を表示' }).click();
    await expect.poll(() => rows().count()).toBe(5);
    expect(consoleLab.pageErrors).toEqual([]);
  });
});
