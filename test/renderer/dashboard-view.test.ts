/**
 * The console end to end, as an administrator uses it: a real small lab (3 stores, a spare, a
 * director, a gateway, the directory; every agent its own process), `mailfleet console --web` on
 * it, and Debian's Chromium driving the page. The dashboard shows every node grouped by role; a
 * store agent killed with SIGKILL turns red within 5 s and green again after it is started; the
 * language switch changes the visible labels. Screenshots go to test-output/console/.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabLayout } from '../../main/lab/lab-layout.js';
import { runningNodePid } from '../../main/lab/node-process.js';
import { type ConsoleLab, startConsoleLab } from '../support/console-lab.js';
import { type ConsoleProcess, startConsoleProcess } from '../support/console-process.js';
import { mailfleetCli } from '../support/lab-process.js';

const run = promisify(execFile);
const screenshots = join(import.meta.dirname, '..', '..', 'test-output', 'console');

let home: string;
let consoleLab: ConsoleLab;
let consoleProcess: ConsoleProcess;
let browser: Browser;
let page: Page;
let nodeNames: string[];

async function labCommand(...args: string[]): Promise<void> {
  await run(process.execPath, [mailfleetCli, 'lab', ...args, '--home', home]);
}

const tile = (name: string) => page.locator(`li.tile[data-node="${name}"]`);

beforeAll(async () => {
  consoleLab = await startConsoleLab({
    name: 'console-e2e',
    labFlags: ['--stores', '3', '--users', '50', '--domains', '2'],
    viewport: { width: 1280, height: 900 },
  });
  ({ home, console: consoleProcess, browser, page } = consoleLab);
  const profile = JSON.parse(await readFile(join(home, 'fleet.json'), 'utf8')) as {
    nodes: Array<{ name: string }>;
  };
  nodeNames = profile.nodes.map((n) => n.name);
  (globalThis as { consoleErrors?: string[] }).consoleErrors = consoleLab.pageErrors;
}, 200_000);

afterAll(async () => {
  await consoleLab?.stop();
}, 120_000);

describe('dashboard in browser mode against a lab', () => {
  it('shows every node of the fleet, grouped by role, all running', async () => {
    for (const name of nodeNames) await expect.poll(() => tile(name).getAttribute('data-state')).toBe('up');
    expect(await page.locator('li.tile').count()).toBe(nodeNames.length);
    const storeTiles = await page.locator('section[data-role="store"] li.tile').count();
    expect(storeTiles).toBe(nodeNames.filter((n) => n.startsWith('store')).length);
    await expect
      .poll(() => page.locator('[data-testid="fleet-totals"]').textContent())
      .toContain(`${nodeNames.length} / ${nodeNames.length}`);
    await page.screenshot({ path: join(screenshots, 'dashboard-en.png'), fullPage: true });
    expect((globalThis as { consoleErrors?: string[] }).consoleErrors).toEqual([]);
  });

  it('turns a SIGKILLed store red within 5 s and green again after it is started', async () => {
    await labCommand('kill', 'store02');
    // The bound: a node that stops answering is red within 5 s.
    await expect
      .poll(() => tile('store02').getAttribute('data-state'), { timeout: 5000, interval: 100 })
      .not.toBe('up');
    await expect.poll(() => tile('store02').textContent()).toContain('Not answering');
    // The alarm list under the totals names it in words, with a link to its Node view.
    const alarmList = page.locator('[data-testid="alarm-list"]');
    await expect.poll(() => alarmList.textContent()).toContain('store02 is not answering (since ');
    expect(await alarmList.locator('a[href="#/nodes/store02"]').count()).toBe(1);
    await page.screenshot({ path: join(screenshots, 'dashboard-store-down-en.png'), fullPage: true });
    await labCommand('start', 'store02');
    await expect.poll(() => tile('store02').getAttribute('data-state'), { timeout: 30_000 }).toBe('up');
    await expect.poll(() => alarmList.locator('li[data-node="store02"]').count()).toBe(0);
  });

  it('turns a hung store (SIGSTOP) red within 5 s, saying how old its figures are, and green after SIGCONT', async () => {
    const pid = await runningNodePid(new LabLayout(home), 'store01');
    if (pid === undefined) throw new Error('store01 is not running');
    process.kill(pid, 'SIGSTOP');
    try {
      // The bound: a node that stops answering is red within 5 s.
      await expect
        .poll(() => tile('store01').getAttribute('data-state'), { timeout: 5000, interval: 100 })
        .not.toBe('up');
      await expect.poll(() => tile('store01').textContent()).toMatch(/last figures \d+ s ago/);
      await page.screenshot({ path: join(screenshots, 'dashboard-store-hung-en.png'), fullPage: true });
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await expect.poll(() => tile('store01').getAttribute('data-state'), { timeout: 30_000 }).toBe('up');
  });

  it('can be used from the keyboard: skip link, the navigation, then the language buttons', async () => {
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Dashboard');
    // Then every other view of the navigation, and the language buttons after them.
    const focused: string[] = [];
    for (let n = 0; n < 12 && focused.at(-1) !== 'English'; n++) {
      await page.keyboard.press('Tab');
      focused.push((await page.evaluate(() => document.activeElement?.textContent)) ?? '');
    }
    expect(focused.slice(0, 5)).toEqual(['Nodes', 'Queues', 'Spam', 'Audit', 'Directory']);
    expect(focused.at(-1)).toBe('English');
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('日本語');
    const firstTile = page.locator('li.tile').first();
    await firstTile.focus();
    expect(await firstTile.getAttribute('aria-label')).toMatch(/^gateway01, Running/);
  });

  it('speaks Japanese by default on a Japanese system', async () => {
    const japanese = await startConsoleProcess(join(home, 'fleet.json'), 30_000, {
      lang: 'ja_JP.UTF-8',
      settingsFile: join(home, 'console-ja.json'),
    });
    // The browser itself says English: the Japanese must come from the console's system language.
    const jaPage = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    try {
      await jaPage.goto(japanese.url);
      await expect.poll(() => jaPage.locator('h2#dashboard-title').textContent()).toBe('全体ダッシュボード');
      expect(await jaPage.locator('html').getAttribute('lang')).toBe('ja');
    } finally {
      await jaPage.close();
      await japanese.stop();
    }
  });

  it('switches the visible labels to Japanese and keeps the choice', async () => {
    await expect.poll(() => page.locator('h2#dashboard-title').textContent()).toBe('Fleet dashboard');
    await page.getByRole('button', { name: '日本語' }).click();
    await expect.poll(() => page.locator('h2#dashboard-title').textContent()).toBe('全体ダッシュボード');
    await expect
      .poll(() => page.locator('section[data-role="store"] h3').textContent())
      .toContain('メール格納サーバー');
    expect(await page.locator('html').getAttribute('lang')).toBe('ja');
    await labCommand('kill', 'store03');
    await expect
      .poll(() => tile('store03').textContent(), { timeout: 5000, interval: 100 })
      .toContain('応答なし');
    await page.screenshot({ path: join(screenshots, 'dashboard-ja.png'), fullPage: true });
    await page.reload();
    await expect.poll(() => page.locator('h2#dashboard-title').textContent()).toBe('全体ダッシュボード');
    await labCommand('start', 'store03');
  });
});

describe('dashboard when the console itself goes away', () => {
  it('says the connection is lost instead of showing a healthy fleet', async () => {
    await consoleProcess.stop();
    await expect
      .poll(() => page.getByRole('alert').first().textContent(), { timeout: 10_000 })
      .toContain('コンソールとの接続が切れました');
    expect(await page.locator('section.dashboard').getAttribute('class')).toContain('dashboard-frozen');
    await page.screenshot({ path: join(screenshots, 'dashboard-link-lost-ja.png'), fullPage: true });
  });
});
