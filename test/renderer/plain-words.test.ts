/**
 * Issue 17, "Also", as a clerk sees it, in Chromium against a real lab, in English and Japanese:
 * node, directory and greylist are explained on hover or in words; with store02's agent killed, the
 * mailbox total says it counts only the stores that answer; the spam funnel does not claim content
 * scanning is off while the lab's gateway scans with Rspamd (the note for a gateway without it is
 * tested on the funnel store: spam-funnel-store.test.ts). Screenshots: test-output/console/plain-words-*.png.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConsoleLab,
  consoleScreenshots as screenshots,
  startConsoleLab,
} from '../support/console-lab.js';
import { runMailfleet } from '../support/lab-process.js';

let consoleLab: ConsoleLab;
let page: Page;

beforeAll(async () => {
  consoleLab = await startConsoleLab({
    name: 'plain-words-e2e',
    labFlags: ['--stores', '2', '--users', '20', '--domains', '1'],
    viewport: { width: 1280, height: 1000 },
  });
  page = consoleLab.page;
}, 200_000);

afterAll(async () => {
  await consoleLab?.stop();
}, 120_000);

describe('plain words on the dashboard', () => {
  it('explains the jargon and says nothing false about scanning (English)', async () => {
    await page.locator('nav.app-nav a[data-view="dashboard"]').click();
    const funnel = page.locator('[data-chart="chart-spam-funnel"]');
    await expect.poll(() => funnel.textContent(), { timeout: 20_000 }).toContain('from 1 gateway');
    expect(await page.getByTestId('funnel-scanning-off').count()).toBe(0);
    expect(await page.locator('nav.app-nav a[data-view="nodes"]').getAttribute('title')).toMatch(
      /^A node is one of the servers/,
    );
    expect(await page.locator('nav.app-nav a[data-view="directory"]').getAttribute('title')).toMatch(
      /^The directory is the list of users/,
    );
    // Everything answers: no note beside the mailbox total.
    expect(await page.getByTestId('totals-users-partial').count()).toBe(0);
  });

  it('says the mailbox total is of the stores that answer when one is down (English, then Japanese)', async () => {
    const killed = await runMailfleet(consoleLab.home, 'lab', 'kill', 'store02', '--home', consoleLab.home);
    if (killed.code !== 0) throw new Error(`lab kill store02: ${killed.stderr}`);
    const partial = page.getByTestId('totals-users-partial');
    await expect
      .poll(async () => ((await partial.count()) > 0 ? partial.textContent() : ''), { timeout: 90_000 })
      .toBe('of the stores that answer (1 store does not)');
    await page.screenshot({ path: join(screenshots, 'plain-words-dashboard-en.png') });

    await page.getByRole('button', { name: '日本語' }).click();
    await expect
      .poll(() => partial.textContent())
      .toBe('応答しているメール格納サーバーの分のみ(1 台が応答していません)');
    expect(await page.locator('nav.app-nav a[data-view="nodes"]').getAttribute('title')).toMatch(
      /^ノードとは/,
    );
    await page.screenshot({ path: join(screenshots, 'plain-words-dashboard-ja.png') });
    expect(consoleLab.pageErrors).toEqual([]);
  }, 150_000);
});
