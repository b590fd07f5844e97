/**
 * The console end to end, as an administrator uses it: a real small lab (3 stores, a spare, a
 * director, a gateway, the directory; every agent its own process) with `mailfleet lab traffic`
 * running, `mailfleet console --web` on it, and Debian's Chromium driving the page. The dashboard
 * shows every node grouped by role; its charts draw the traffic (the director's queue line, the
 * fleet's mail per minute, greylisted mail in the spam funnel); a store agent killed with SIGKILL
 * turns red within 5 s and green again after it is started; the language switch changes the
 * visible labels, the charts' included; a mailbox filled over 90 % of its limit is named on its
 * store's tile and in the alarm list. Screenshots go to test-output/console/.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import nodemailer from 'nodemailer';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryAdmin } from '../../main/core/directory-admin/directory-admin.js';
import { loadFleetProfile } from '../../main/core/fleet-profile.js';
import { openFleet } from '../../main/core/open-fleet.js';
import { LabLayout } from '../../main/lab/lab-layout.js';
import { parseLabUsers } from '../../main/lab/lab-people.js';
import { runningNodePid } from '../../main/lab/node-process.js';
import { hostPort } from '../../main/lab/traffic/traffic-targets.js';
import { type ConsoleLab, startConsoleLab } from '../support/console-lab.js';
import { type ConsoleProcess, startConsoleProcess } from '../support/console-process.js';
import { mailfleetCli } from '../support/lab-process.js';

const run = promisify(execFile);
const screenshots = join(import.meta.dirname, '..', '..', 'test-output', 'console');

let home: string;
let consoleLab: ConsoleLab;
let traffic: ChildProcess | undefined;
let consoleProcess: ConsoleProcess;
let browser: Browser;
let page: Page;
let nodeNames: string[];

async function labCommand(...args: string[]): Promise<void> {
  await run(process.execPath, [mailfleetCli, 'lab', ...args, '--home', home]);
}

const tile = (name: string) => page.locator(`li.tile[data-node="${name}"]`);

beforeAll(async () => {
  // A short greylist delay, so greylisted mail is seen to come through (accepted) while the test runs.
  consoleLab = await startConsoleLab({
    name: 'console-e2e',
    labFlags: ['--stores', '3', '--users', '50', '--domains', '2', '--greylist-delay', '3s'],
    viewport: { width: 1280, height: 900 },
  });
  ({ home, console: consoleProcess, browser, page } = consoleLab);
  const profile = JSON.parse(await readFile(join(home, 'fleet.json'), 'utf8')) as {
    nodes: Array<{ name: string }>;
  };
  nodeNames = profile.nodes.map((n) => n.name);
  (globalThis as { consoleErrors?: string[] }).consoleErrors = consoleLab.pageErrors;
  // Real mail all along, so the charts have something to draw; stopped in afterAll by its pid.
  traffic = spawn(
    process.execPath,
    [mailfleetCli, 'lab', 'traffic', '--home', home, '--rate', '2', '--duration', '15m', '--seed', '7'],
    { stdio: 'ignore' },
  );
}, 200_000);

afterAll(async () => {
  if (traffic?.pid !== undefined && traffic.exitCode === null) {
    const exited = new Promise((r) => traffic?.once('exit', r));
    process.kill(traffic.pid, 'SIGINT');
    await exited;
  }
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

  it('draws the charts with the traffic: mail per minute, a queue line for the director, the spam funnel', async () => {
    const rate = page.locator('[data-chart="chart-message-rate"]');
    const queues = page.locator('[data-chart="chart-queue-depth"]');
    const funnel = page.locator('[data-chart="chart-spam-funnel"]');
    // The director publishes its rates: the four lines are drawn, named in the legend.
    await expect.poll(() => rate.locator('path.recharts-line-curve').count(), { timeout: 30_000 }).toBe(4);
    expect(await rate.locator('.recharts-legend-item-text').allTextContents()).toEqual([
      'Received',
      'Delivered',
      'Deferred',
      'Bounced',
    ]);
    // Mail went through the director: the received line is not flat at zero (its points differ in height).
    const heights = async () => {
      const d = (await rate.locator('path.recharts-line-curve').first().getAttribute('d')) ?? '';
      return new Set([...d.matchAll(/[ML]-?[\d.]+,(-?[\d.]+)/g)].map((m) => m[1])).size;
    };
    await expect.poll(heights, { timeout: 60_000 }).toBeGreaterThan(1);
    // One line per node that holds a queue: the director (the lab's gateway keeps none), no store.
    await expect
      .poll(() => queues.locator('.recharts-legend-item-text').allTextContents(), { timeout: 30_000 })
      .toEqual(['director01']);
    expect(await queues.locator('path.recharts-line-curve').count()).toBe(1);
    // Outside mail reaches the gateway from new networks: its first attempts are greylisted.
    const greylisted = funnel.locator('tr[data-stage="greylisted"] td');
    await expect
      .poll(async () => Number((await greylisted.textContent())?.replace(/,/g, '') ?? 0), {
        timeout: 60_000,
      })
      .toBeGreaterThan(0);
    const seen = Number((await funnel.locator('tr[data-stage="seen"] td').textContent())?.replace(/,/g, ''));
    expect(seen).toBeGreaterThanOrEqual(Number((await greylisted.textContent())?.replace(/,/g, '')));
    expect(await funnel.locator('.recharts-bar-rectangle').count()).toBeGreaterThan(0);
    // Retried after the greylist delay, the same mail is accepted: the funnel's last step fills too.
    await expect
      .poll(
        async () =>
          Number((await funnel.locator('tr[data-stage="clean"] td').textContent())?.replace(/,/g, '')),
        {
          timeout: 60_000,
        },
      )
      .toBeGreaterThan(0);
    // Half a minute of points before the picture, so it shows lines rather than a start.
    await expect
      .poll(
        async () =>
          ((await rate.locator('path.recharts-line-curve').first().getAttribute('d')) ?? '').split('L')
            .length,
        {
          timeout: 60_000,
        },
      )
      .toBeGreaterThan(30);
    expect(await funnel.textContent()).toContain('from 1 gateway');
    await page.locator('.fleet-charts').screenshot({ path: join(screenshots, 'dashboard-charts-en.png') });
    await page.screenshot({ path: join(screenshots, 'dashboard-en.png'), fullPage: true });
    // The Node view's history charts are the same shared time chart: the director's queue over time.
    await page.locator('li.tile[data-node="director01"] a.tile-name').click();
    const nodeQueue = page.locator('[data-chart="node-chart-queue"]');
    await expect
      .poll(() => nodeQueue.locator('path.recharts-line-curve').count(), { timeout: 30_000 })
      .toBe(1);
    expect(await nodeQueue.locator('.recharts-legend-item-text').allTextContents()).toEqual([
      'Queued messages',
    ]);
    await page.screenshot({ path: join(screenshots, 'dashboard-node-director-en.png'), fullPage: true });
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await tile('director01').waitFor();
    // The keyboard test below starts from the top of a fresh page, not from where this one left focus.
    await page.reload();
    await tile('director01').waitFor();
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
    expect(focused.slice(0, 5)).toEqual(['Nodes', 'Queues', 'Mail trace', 'Spam', 'Audit']);
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
    // The charts speak Japanese too: titles, legends and the funnel's steps.
    const charts = page.locator('.fleet-charts');
    await expect.poll(() => charts.textContent()).toContain('ノード別の配送待ちメール数');
    expect(
      await page.locator('[data-chart="chart-message-rate"] .recharts-legend-item-text').allTextContents(),
    ).toEqual(['受付', '配送済み', '再送待ち', 'エラー返送']);
    expect(await charts.textContent()).toContain('一時拒否(グレイリスト)');
    expect(await charts.textContent()).toContain('ゲートウェイ 1 台分');
    await page.locator('.fleet-charts').screenshot({ path: join(screenshots, 'dashboard-charts-ja.png') });
    await page.screenshot({ path: join(screenshots, 'dashboard-ja.png'), fullPage: true });
    await page.reload();
    await expect.poll(() => page.locator('h2#dashboard-title').textContent()).toBe('全体ダッシュボード');
    await labCommand('start', 'store03');
  });
});

describe('quota on the dashboard', () => {
  it('names a store with a mailbox over 90 % of its limit on its tile and in the alarm list', async () => {
    // A new user with the smallest limit an admin may set (1 MiB), through the console core's
    // directory admin as the lab's system admin, then a 0.92 MiB message through the director.
    const profile = await loadFleetProfile(join(home, 'fleet.json'));
    const fleet = await openFleet(profile, { subscribe: false });
    const address = `quota-e2e@${parseLabUsers(await readFile(join(home, 'lab-users.csv'), 'utf8'))[0]?.address.split('@')[1]}`;
    try {
      const admin = new DirectoryAdmin({ directory: fleet.directory });
      const added = await admin.addUser({
        address,
        displayName: '容量 試験',
        logicalStore: 'store01',
        password: 'quota-e2e-password-1',
        quotaBytes: 1_048_576,
      });
      expect(added.ok).toBe(true);
      const director = profile.nodes.find((n) => n.name === 'director01');
      if (!director?.services.smtp) throw new Error('no director SMTP');
      const transport = nodemailer.createTransport({
        ...hostPort(director.services.smtp),
        secure: false,
        ignoreTLS: true,
        // The one address the lab's director trusts as its gateway.
        localAddress: '127.0.0.1',
      });
      try {
        const line = `${'x'.repeat(76)}\r\n`;
        await transport.sendMail({
          from: 'dashboard-e2e@example.com',
          to: address,
          subject: 'quota',
          // About 0.9 MiB with headers: over 90 % of the limit, under it, so the store takes it.
          text: line.repeat(Math.floor(960_000 / line.length)),
        });
      } finally {
        transport.close();
      }
    } finally {
      await fleet.close();
    }
    // The store rescans its mailboxes every 30 s; the page is in Japanese since the test above.
    const alarm = page.locator('[data-testid="alarm-list"] li[data-node="store01"]');
    await expect
      .poll(() => alarm.textContent(), { timeout: 60_000 })
      .toContain('容量の 90% を超えたメールボックスが 1 件あります');
    expect(await alarm.textContent()).toContain(`最も多いのは ${address}、9`);
    expect(await tile('store01').textContent()).toContain('容量の90%超1 件');
    await page.screenshot({ path: join(screenshots, 'dashboard-quota-ja.png'), fullPage: true });
  });
});

describe('dashboard when the console itself goes away', () => {
  it('says the connection is lost instead of showing a healthy fleet', async () => {
    await consoleProcess.stop();
    await expect
      .poll(() => page.getByRole('alert').first().textContent(), { timeout: 10_000 })
      .toContain('コンソールとの接続が切れました');
    expect(await page.locator('section.dashboard').getAttribute('class')).toContain('dashboard-frozen');
    // And never unfrozen for a moment while the page tries to reconnect (every 2 s): each try used
    // to flip it back for as long as the try took.
    const classesSeen = await page.evaluate(
      () =>
        new Promise<string[]>((resolve) => {
          const section = document.querySelector('section.dashboard');
          const seen: string[] = [];
          const observer = new MutationObserver(() => seen.push(section?.className ?? 'gone'));
          if (section) observer.observe(section, { attributes: true, attributeFilter: ['class'] });
          setTimeout(() => {
            observer.disconnect();
            resolve(seen);
          }, 4500);
        }),
    );
    expect(classesSeen.filter((c) => !c.includes('dashboard-frozen'))).toEqual([]);
    expect(await page.getByRole('alert').first().textContent()).toContain('コンソールとの接続が切れました');
    // A chart whose next read failed says so in Japanese, not "a node does not answer" with the
    // page's English detail: no node was asked.
    const chartError = page.locator('[data-chart="chart-spam-funnel"] .chart-error').first();
    await expect
      .poll(() => chartError.textContent(), { timeout: 20_000 })
      .toContain('コンソールとの接続が切れています');
    expect(await chartError.textContent()).not.toMatch(/not connected|ノードが現在応答していません/);
    await page.screenshot({ path: join(screenshots, 'dashboard-link-lost-ja.png'), fullPage: true });
  });
});
