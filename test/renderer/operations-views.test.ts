/**
 * The Node, Queues, Spam and Audit views end to end, as an administrator uses them: a real small lab
 * (2 stores, a spare, the director, the gateway, the directory; every agent its own process) with
 * `mailfleet lab traffic` running, `mailfleet console --web` on it as the system admin and as the
 * helpdesk admin, and Debian's Chromium driving the pages.
 *
 * - A hold and release from the Queues view changes the director's queue: held there over the real
 *   RPC, then delivered (read back over IMAP through the director's proxy) after the release.
 * - A bulk delete shows the agent's dry-run count before it acts, and the count is what it deletes.
 * - The helpdesk admin's delete and restart are refused by the agent, and the page says so.
 * - Switching to Japanese changes the visible labels of every view. Screenshots: test-output/console/.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFleetProfile } from '../../main/core/fleet-profile.js';
import { type OpenFleet, openFleet } from '../../main/core/open-fleet.js';
import { parseLabUsers } from '../../main/lab/lab-people.js';
import { hostPort } from '../../main/lab/traffic/traffic-targets.js';
import {
  type ConsoleLab,
  consoleScreenshots as screenshots,
  startConsoleLab,
} from '../support/console-lab.js';
import { type ConsoleProcess, startConsoleProcess } from '../support/console-process.js';
import { mailfleetCli } from '../support/lab-process.js';

const director = 'director01';

let home: string;
let consoleLab: ConsoleLab;
let traffic: ChildProcess | undefined;
let admin: OpenFleet;
let helpdeskConsole: ConsoleProcess;
let browser: Browser;
let page: Page;
let users: Array<{ address: string; password: string }>;
let directorSmtp: { host: string; port: number };
let directorImap: { host: string; port: number };
let labCa: string;

/** Sends one message straight to the director's SMTP from 127.0.0.1 (the address it trusts). */
async function sendToDirector(from: string, to: string, subject: string): Promise<void> {
  const transport = nodemailer.createTransport({
    ...directorSmtp,
    secure: false,
    ignoreTLS: true,
    localAddress: '127.0.0.1',
  });
  try {
    await transport.sendMail({ from, to, subject, text: 'mailfleet console e2e\r\n' });
  } finally {
    transport.close();
  }
}

/** The director's queue over the real RPC, as the system admin. */
const directorQueue = () => admin.fleet.call(director, 'queue.summary', {});
const queuedFrom = async (sender: string) =>
  (await admin.fleet.call(director, 'queue.list', { sender, limit: 10 })).total;

/** Whether a user's INBOX (read through the director's IMAP proxy) holds a message with `subject`. */
async function inboxHasSubject(
  user: { address: string; password: string },
  subject: string,
): Promise<boolean> {
  const client = new ImapFlow({
    ...directorImap,
    secure: false,
    auth: { user: user.address, pass: user.password },
    tls: { ca: labCa, servername: 'localhost' },
    logger: false,
  });
  await client.connect();
  try {
    const mailbox = await client.mailboxOpen('INBOX', { readOnly: true });
    if (mailbox.exists === 0) return false;
    for await (const message of client.fetch('1:*', { envelope: true })) {
      if (message.envelope?.subject === subject) return true;
    }
    return false;
  } finally {
    await client.logout();
  }
}

const dialog = () => page.locator('dialog.confirm-dialog[open]');
const actionMessage = () => page.locator('[data-testid="queue-action-message"]');
const directorRow = () => page.locator(`[data-testid="fleet-queues"] tr[data-node="${director}"]`);

async function openView(target: Page, hash: string): Promise<void> {
  await target.evaluate((h) => {
    window.location.hash = h;
  }, hash);
}

beforeAll(async () => {
  // The system admin's console and page; the helpdesk admin's console is started below.
  consoleLab = await startConsoleLab({
    name: 'console-views',
    labFlags: ['--stores', '2', '--users', '40', '--domains', '2', '--greylist-delay', '3s'],
    viewport: { width: 1280, height: 900 },
  });
  ({ home, browser, page } = consoleLab);
  const profile = await loadFleetProfile(join(home, 'fleet.json'));
  const directorEntry = profile.nodes.find((n) => n.name === director);
  if (!directorEntry?.services.smtp || !directorEntry.services.imap) throw new Error('no director SMTP/IMAP');
  directorSmtp = hostPort(directorEntry.services.smtp);
  directorImap = hostPort(directorEntry.services.imap);
  labCa = await readFile(profile.endpoints.tlsCaFile ?? '', 'utf8');
  users = parseLabUsers(await readFile(join(home, 'lab-users.csv'), 'utf8'));
  admin = await openFleet(profile, { subscribe: false });
  // Real traffic all along, so every view shows live figures; stopped in afterAll by its pid.
  traffic = spawn(
    process.execPath,
    [mailfleetCli, 'lab', 'traffic', '--home', home, '--rate', '2', '--duration', '15m', '--seed', '5'],
    { stdio: 'ignore' },
  );
  helpdeskConsole = await startConsoleProcess(join(home, 'fleet-labhelpdesk.json'), 30_000, {
    settingsFile: join(home, 'console-helpdesk.json'),
  });
  await page.locator('li.tile').first().waitFor({ timeout: 30_000 });
}, 240_000);

afterAll(async () => {
  if (traffic?.pid !== undefined && traffic.exitCode === null) {
    const exited = new Promise((r) => traffic?.once('exit', r));
    process.kill(traffic.pid, 'SIGINT');
    await exited;
  }
  await helpdeskConsole?.stop();
  await admin?.close();
  await consoleLab?.stop();
}, 120_000);

describe('operations views in browser mode against a lab with traffic', () => {
  it('navigates between the views from the keyboard, marking the current one, and a tile opens its node', async () => {
    const nav = page.locator('nav.app-nav');
    expect(await nav.locator('a').allTextContents()).toEqual([
      'Dashboard',
      'Nodes',
      'Queues',
      'Mail trace',
      'Spam',
      'Audit',
      'Directory',
      'Moves',
      'Lockouts',
    ]);
    expect(await nav.locator('a[aria-current="page"]').textContent()).toBe('Dashboard');
    await nav.locator('a[data-view="queues"]').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('h2#queues-title').textContent()).toBe('Mail queues');
    expect(await nav.locator('a[aria-current="page"]').textContent()).toBe('Queues');
    await nav.locator('a[data-view="dashboard"]').click();
    const tile = page.locator(`li.tile[data-node="${director}"]`);
    await tile.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('h2#node-title').textContent()).toBe(`${director} (director)`);
    expect(await nav.locator('a[aria-current="page"]').textContent()).toBe('Nodes');
  });

  it('holds a user from the queues view, the director holds their mail, and the release delivers it', async () => {
    const user = users[3];
    if (!user) throw new Error('no lab user');
    const subject = `held-${randomBytes(4).toString('hex')}`;
    await openView(page, '#/queues');
    await expect.poll(() => directorRow().count(), { timeout: 20_000 }).toBe(1);

    await page.locator('input[name="hold-user"]').fill(user.address);
    await page.locator('form.inline-form button[type="submit"]').click();
    await expect
      .poll(() => actionMessage().textContent())
      .toMatch(/^\d+ messages? will be held on director01/);
    await dialog().getByRole('button', { name: 'Hold', exact: true }).click();
    await expect
      .poll(() => actionMessage().textContent())
      .toContain(`Held on ${director}: mail for ${user.address}`);
    await dialog().getByRole('button', { name: 'Close' }).click();

    // The director's own answer, over the real RPC: the hold is there, and new mail for the user waits.
    expect((await directorQueue()).holds).toContainEqual({ user: user.address });
    await sendToDirector('views-e2e@example.com', user.address, subject);
    await expect
      .poll(
        async () =>
          (await admin.fleet.call(director, 'queue.list', { recipient: user.address, held: true })).total,
        {
          timeout: 20_000,
        },
      )
      .toBeGreaterThanOrEqual(1);
    await expect
      .poll(() => directorRow().locator('[data-testid="held-count"]').textContent(), { timeout: 20_000 })
      .not.toBe('0');
    expect(await inboxHasSubject(user, subject)).toBe(false);
    await page.screenshot({ path: join(screenshots, 'queues-held-en.png'), fullPage: true });

    await page.locator('[data-testid="holds"] button', { hasText: user.address }).click();
    await expect
      .poll(() => actionMessage().textContent())
      .toMatch(/^[1-9]\d* messages? will be released on director01 \(mail for .*\) and delivered now\.$/);
    await dialog().getByRole('button', { name: 'Release', exact: true }).click();
    await expect.poll(() => actionMessage().textContent()).toContain('Released on director01');
    await dialog().getByRole('button', { name: 'Close' }).click();

    expect((await directorQueue()).holds).not.toContainEqual({ user: user.address });
    await expect.poll(() => inboxHasSubject(user, subject), { timeout: 30_000, interval: 500 }).toBe(true);
    await expect
      .poll(async () => (await admin.fleet.call(director, 'queue.list', { recipient: user.address })).total, {
        timeout: 20_000,
      })
      .toBe(0);
  });

  it("shows the agent's dry-run count before a bulk delete, and deletes exactly that", async () => {
    const sender = `views-bulk-${randomBytes(3).toString('hex')}@example.com`;
    // busy-univ.example defers every recipient (450), so these wait in the director's queue.
    for (let n = 0; n < 3; n++) await sendToDirector(sender, `someone${n}@busy-univ.example`, `bulk ${n}`);
    await expect.poll(() => queuedFrom(sender), { timeout: 20_000 }).toBe(3);

    await openView(page, '#/queues');
    await page.locator('input[name="sender"]').fill(sender);
    await page.locator('form.filters button[type="submit"]').click();
    await expect
      .poll(() => page.locator('[data-testid="queue-messages-count"]').textContent())
      .toBe('3 shown of 3 queued');
    await page.screenshot({ path: join(screenshots, 'queues-filtered-en.png'), fullPage: true });
    // The headers of one of them, as the director spooled them (queue.show).
    await page
      .locator('[data-testid="queue-messages"] tbody tr')
      .first()
      .getByRole('button', { name: 'Headers' })
      .click();
    await expect
      .poll(() => page.locator('[data-testid="queue-headers"]').textContent())
      .toMatch(/Subject: bulk \d/);
    expect(await page.locator('[data-testid="queue-headers"]').textContent()).toContain(sender);
    await page.screenshot({ path: join(screenshots, 'queues-headers-en.png') });
    await dialog().getByRole('button', { name: 'Close' }).click();

    await page.locator('button[data-action="delete"]').click();
    await expect
      .poll(() => actionMessage().textContent())
      .toBe(
        `3 messages will be deleted from the queue of director01 (sender contains "${sender}"). Nobody is told; this cannot be undone.`,
      );
    await page.screenshot({ path: join(screenshots, 'queues-delete-confirm-en.png') });
    // Asking counted only: nothing is gone yet.
    expect(await queuedFrom(sender)).toBe(3);
    await dialog().getByRole('button', { name: 'Delete', exact: true }).click();
    await expect
      .poll(() => actionMessage().textContent())
      .toBe('3 messages were deleted from the queue of director01.');
    await dialog().getByRole('button', { name: 'Close' }).click();
    expect(await queuedFrom(sender)).toBe(0);
    await page.locator('input[name="sender"]').fill('');
    await page.locator('form.filters button[type="submit"]').click();
  });

  it("shows the helpdesk admin the agent's refusal in words, for a delete and a restart", async () => {
    const helpdesk = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    try {
      await helpdesk.goto(`${helpdeskConsole.url}#/queues`);
      await expect
        .poll(() => helpdesk.locator(`[data-testid="fleet-queues"] tr[data-node="${director}"]`).count(), {
          timeout: 20_000,
        })
        .toBe(1);
      await helpdesk.locator('input[name="recipient"]').fill('@');
      await helpdesk.locator('form.filters button[type="submit"]').click();
      await helpdesk.locator('button[data-action="delete"]').click();
      const message = helpdesk.locator('[data-testid="queue-action-message"]');
      await expect.poll(() => message.textContent()).toMatch(/^Not allowed for your administrator account: /);
      await helpdesk.screenshot({ path: join(screenshots, 'queues-helpdesk-refused-en.png') });
      await helpdesk.locator('dialog[open]').getByRole('button', { name: 'Close' }).click();

      await openView(helpdesk, '#/nodes/store01');
      const restart = helpdesk.locator('[data-testid="node-services"] button').first();
      await expect.poll(() => restart.isEnabled(), { timeout: 20_000 }).toBe(true);
      await restart.click();
      await helpdesk.locator('dialog[open]').getByRole('button', { name: 'Restart', exact: true }).click();
      await expect
        .poll(() => helpdesk.locator('[data-testid="restart-message"]').textContent())
        .toMatch(/^Not allowed for your administrator account: /);
      await helpdesk.locator('dialog[open]').getByRole('button', { name: 'Close' }).click();
    } finally {
      await helpdesk.close();
    }
  });

  it('shows who did what in the audit view, newest first, filtered by outcome', async () => {
    await openView(page, '#/audit');
    const rows = page.locator('[data-testid="audit-entries"] tbody tr');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBeGreaterThan(2);
    const text = await page.locator('[data-testid="audit-entries"]').textContent();
    expect(text).toContain('Hold mail');
    expect(text).toContain('Release held mail');
    expect(text).toContain('Delete queued mail');
    await page.locator('select[name="outcome"]').selectOption('denied');
    await expect
      .poll(() => page.locator('[data-testid="audit-entries"] tbody tr[data-outcome="ok"]').count())
      .toBe(0);
    expect(await page.locator('[data-testid="audit-entries"]').textContent()).toContain(
      'labhelpdesk (helpdesk)',
    );
    await page.screenshot({ path: join(screenshots, 'audit-denied-en.png'), fullPage: true });
    await page.locator('select[name="outcome"]').selectOption('any');
  });

  it('shows each view in English and, after the switch, in Japanese (screenshots of each)', async () => {
    const views: Array<{ hash: string; heading: string; en: string; ja: string; ready: string }> = [
      {
        hash: '#/dashboard',
        heading: 'h2#dashboard-title',
        en: 'Fleet dashboard',
        ja: '全体ダッシュボード',
        ready: 'li.tile',
      },
      {
        hash: '#/nodes/store01',
        heading: 'h2#node-title',
        en: 'store01 (store)',
        ja: 'store01(メール格納サーバー)',
        ready: '[data-chart="node-chart-machine"] svg',
      },
      {
        hash: `#/nodes/${director}`,
        heading: 'h2#node-title',
        en: `${director} (director)`,
        ja: `${director}(振り分けサーバー)`,
        ready: '[data-testid="node-queue"]',
      },
      {
        hash: '#/queues',
        heading: 'h2#queues-title',
        en: 'Mail queues',
        ja: '配送待ちキュー',
        ready: '[data-testid="fleet-queues"]',
      },
      {
        hash: '#/spam',
        heading: 'h2#spam-title',
        en: 'Spam and greylisting',
        ja: '迷惑メールとグレイリスト',
        ready: '[data-testid="spam-totals"]',
      },
      {
        hash: '#/audit',
        heading: 'h2#audit-title',
        en: 'Audit log',
        ja: '操作記録',
        ready: '[data-testid="audit-entries"]',
      },
    ];
    const shoot = async (hash: string, locale: string) => {
      const name = hash.replace(/^#\//, '').replace(/\//g, '-');
      await page.screenshot({ path: join(screenshots, `view-${name}-${locale}.png`), fullPage: true });
    };
    for (const view of views) {
      await openView(page, view.hash);
      await expect.poll(() => page.locator(view.heading).textContent()).toBe(view.en);
      await expect.poll(() => page.locator(view.ready).count(), { timeout: 30_000 }).toBeGreaterThan(0);
      await shoot(view.hash, 'en');
    }
    await page.getByRole('button', { name: '日本語' }).click();
    expect(await page.locator('nav.app-nav a').allTextContents()).toEqual([
      'ダッシュボード',
      'ノード',
      '配送待ちキュー',
      'メール追跡',
      '迷惑メール',
      '操作記録',
      '利用者管理',
      '移動',
      'ログイン制限',
    ]);
    for (const view of views) {
      await openView(page, view.hash);
      await expect.poll(() => page.locator(view.heading).textContent()).toBe(view.ja);
      await expect.poll(() => page.locator(view.ready).count(), { timeout: 30_000 }).toBeGreaterThan(0);
      await shoot(view.hash, 'ja');
    }
    expect(await page.locator('[data-testid="audit-entries"]').textContent()).toContain('メールの保留');
    await page.getByRole('button', { name: 'English' }).click();
  });
});
