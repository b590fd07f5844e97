/**
 * "Why is this mail waiting?" and the Mail Trace, as a clerk uses them (issue 17, item 2), in
 * Chromium against a real lab with one store killed: a message sent from outside through the
 * gateway (greylisted once, then retried as a real server does) to a user of the dead store. The
 * Queues view says in words that the store does not answer and when the next try is; the Mail
 * Trace says received by the gateway, relayed to the director, waiting because the store does not
 * answer; once the store is started again and the director's retry delivers it, the trace says
 * delivered to that store — in English and in Japanese, by address and by Message-ID.
 * Screenshots go to test-output/console/.
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
let recipient: string;
const sender = 'professor@partner-univ.example';
const messageId = 'trace-e2e-1@partner-univ.example';

async function labCommand(...args: string[]): Promise<void> {
  const { code, stderr } = await runMailfleet(consoleLab.home, 'lab', ...args, '--home', consoleLab.home);
  if (code !== 0) throw new Error(`lab ${args.join(' ')}: ${stderr}`);
}

/** Sends one message to the gateway from an outside address; resolves with the SMTP reply or error text. */
async function sendFromOutside(): Promise<string> {
  // An outside server's address: never 127.0.0.1, which the lab's director trusts.
  const transport = await labSmtpTransport(consoleLab.home, 'gateway01', '127.1.3.9');
  try {
    const info = await transport.sendMail({
      from: sender,
      to: recipient,
      subject: '共同研究の打ち合わせ',
      text: 'よろしくお願いします。',
      messageId: `<${messageId}>`,
    });
    return info.response;
  } catch (error) {
    return (error as Error).message;
  } finally {
    transport.close();
  }
}

async function trace(text: string): Promise<void> {
  await page.locator('input[name="trace"]').fill(text);
  await page.locator('form.trace-form button[type="submit"]').click();
}

const steps = () => page.locator(`article.trace-pair[data-recipient="${recipient}"] li`);
const kinds = async () => steps().evaluateAll((items) => items.map((li) => li.getAttribute('data-kind')));

beforeAll(async () => {
  consoleLab = await startConsoleLab({
    name: 'mail-trace-e2e',
    labFlags: ['--stores', '2', '--users', '20', '--domains', '1', '--greylist-delay', '3s'],
    viewport: { width: 1280, height: 1000 },
  });
  page = consoleLab.page;
  const users = parseLabUsers(await readFile(join(consoleLab.home, 'lab-users.csv'), 'utf8'));
  recipient = users.find((u) => u.store === 'store01')!.address;
  await labCommand('kill', 'store01');
  // Greylisted first (451 4.7.1), accepted when retried after the lab's 3 s.
  expect(await sendFromOutside()).toMatch(/4\.7\.1/);
  await new Promise((resolve) => setTimeout(resolve, 4_000));
  expect(await sendFromOutside()).toMatch(/^250/);
}, 240_000);

afterAll(async () => {
  await consoleLab?.stop();
}, 120_000);

describe('why mail waits, and the Mail Trace, with a store down then back', () => {
  it('says in the Queues view that the store does not answer and when the next try is (English)', async () => {
    await page.locator('nav.app-nav a[data-view="queues"]').click();
    const story = page.locator(`li[data-state="deferred"] .mail-story`).first();
    await expect
      .poll(() => story.textContent(), { timeout: 30_000 })
      .toContain('mail store store01 does not answer.');
    const text = (await story.textContent()) ?? '';
    expect(text).toMatch(/The next try is at \d{1,2}:\d{2}/);
    expect(text).toContain('returned to the sender');
    // The raw reply is there, folded.
    expect(await page.locator('details.raw-reply').first().getAttribute('open')).toBeNull();
    await page.screenshot({ path: join(screenshots, 'queue-why-waiting-en.png'), fullPage: true });
  });

  it('says the same in Japanese', async () => {
    await page.getByRole('button', { name: '日本語' }).click();
    const story = page.locator(`li[data-state="deferred"] .mail-story`).first();
    await expect.poll(() => story.textContent()).toContain('メール格納先 store01 が応答していません。');
    expect(await story.textContent()).toMatch(/次は \d{1,2}:\d{2}(:\d{2})? に配送を試みます/);
    await page.screenshot({ path: join(screenshots, 'queue-why-waiting-ja.png'), fullPage: true });
    await page.getByRole('button', { name: 'English' }).click();
  });

  it('traces the mail by address: gateway, director, waiting for the dead store (English)', async () => {
    await page.locator('nav.app-nav a[data-view="trace"]').click();
    await trace(recipient);
    await expect.poll(kinds).toEqual(['greylisted', 'relayed', 'received', 'deferred']);
    const words = await steps().locator('.trace-words').allTextContents();
    expect(words[0]).toContain('gateway01 (the gateway) asked the sending server to try again');
    expect(words[1]).toContain('gateway01 (the gateway) received it from 127.1.3.9');
    // The lab starts Debian's rspamd beside the gateway (docs/edge.md): the mail was scanned.
    expect(words[1]).toContain('checked it for spam and passed it to the director');
    expect(words[2]).toBe('director01 (the director) took it into its queue for delivery.');
    expect(words[3]).toMatch(/^mail store store01 does not answer\. The next try is at /);
    await page.screenshot({ path: join(screenshots, 'mail-trace-waiting-en.png'), fullPage: true });
  });

  it('shows it delivered once the store is back, by Message-ID, in Japanese', {
    timeout: 240_000,
  }, async () => {
    await labCommand('start', 'store01');
    // The director's next try (a minute after the first) delivers it.
    await expect
      .poll(
        async () => {
          await page.locator('form.trace-form button', { hasText: 'Look again' }).click();
          return kinds();
        },
        { timeout: 150_000, interval: 5_000 },
      )
      .toContain('delivered');
    expect((await steps().locator('.trace-words').allTextContents()).at(-1)).toBe(
      'Delivered to mail store store01.',
    );
    await page.getByRole('button', { name: '日本語' }).click();
    await trace(`<${messageId}>`);
    // By Message-ID the director's steps are found, and the gateway's by a second look.
    await expect.poll(kinds).toEqual(['greylisted', 'relayed', 'received', 'deferred', 'delivered']);
    const words = await steps().locator('.trace-words').allTextContents();
    expect(words[1]).toContain('gateway01（ゲートウェイ）が 127.1.3.9 から受け取り');
    expect(words[3]).toContain('メール格納先 store01 が応答していません。');
    expect(words[4]).toBe('メール格納先 store01 に配達しました。');
    expect(await page.locator('h2#trace-title').textContent()).toBe('メール追跡: このメールはどこにある？');
    await page.screenshot({ path: join(screenshots, 'mail-trace-delivered-ja.png'), fullPage: true });
    await page.getByRole('button', { name: 'English' }).click();
    await page.screenshot({ path: join(screenshots, 'mail-trace-delivered-en.png'), fullPage: true });
    expect(consoleLab.pageErrors).toEqual([]);
  });
});
