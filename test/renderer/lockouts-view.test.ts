/**
 * Lockouts for the helpdesk, end to end (issue 10, the shared throttle): a real small lab (every
 * agent its own process), `mailfleet console --web` as the system admin and as the helpdesk admin,
 * and Debian's Chromium. Wrong passwords are sent to the director's IMAP proxy from raw sockets on
 * two 127.x addresses: one user gets 10 spaced as the throttle asks (a lock), another 9 (a wait).
 *
 * - The dashboard raises "director01 has locked 1 login" while the lock lasts.
 * - The helpdesk's Lockouts view lists both users on director01 with until when, locked first, in
 *   English and Japanese; Unlock lifts the lock on the agent (audited there, as the helpdesk) and
 *   the user logs in at once with the right password.
 *
 * Screenshots: test-output/console/lockouts-*.png, dashboard-logins-locked.png.
 */

import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
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

const director = 'director01';
let consoleLab: ConsoleLab;
let helpdeskConsole: ConsoleProcess;
let helpdesk: Page;
let admin: OpenFleet;
let directorImap: { host: string; port: number };
let waiting: { address: string; password: string };
let locked: { address: string; password: string };

/** One IMAP LOGIN through the director's proxy from `localAddress`; the tagged reply's text. */
function imapLogin(user: string, password: string, localAddress: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ ...directorImap, localAddress });
    let text = '';
    let sent = false;
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      if (!sent && text.includes('\r\n')) {
        sent = true;
        socket.write(`a1 LOGIN "${user}" "${password}"\r\n`);
      }
      const reply = /\r\na1 ([^\r]*)\r\n/.exec(text);
      if (reply) {
        socket.destroy();
        resolve(reply[1] ?? '');
      }
    });
    socket.on('error', reject);
  });
}

/** Fails `user`'s login `count` times from `localAddress`, waiting when the throttle says so. */
async function failLogins(user: string, count: number, localAddress: string): Promise<void> {
  for (let failed = 0; failed < count; ) {
    const reply = await imapLogin(user, 'not-the-password', localAddress);
    const wait = /try again in (\d+) s/.exec(reply);
    if (wait) {
      await new Promise((resolve) => setTimeout(resolve, Number(wait[1]) * 1000 + 200));
      continue;
    }
    expect(reply).toMatch(/^NO \[AUTHENTICATIONFAILED\]/);
    failed++;
  }
}

const row = (name: string) => helpdesk.locator(`[data-testid="lockouts"] tr[data-name="${name}"]`);

beforeAll(async () => {
  consoleLab = await startConsoleLab({
    name: 'console-lockouts',
    labFlags: ['--stores', '2', '--users', '20', '--domains', '2'],
    viewport: { width: 1280, height: 900 },
  });
  const { home } = consoleLab;
  const profile = await loadFleetProfile(join(home, 'fleet.json'));
  const directorEntry = profile.nodes.find((n) => n.name === director);
  if (!directorEntry?.services.imap) throw new Error('no director IMAP');
  directorImap = hostPort(directorEntry.services.imap);
  const users = parseLabUsers(await readFile(join(home, 'lab-users.csv'), 'utf8'));
  [waiting, locked] = [users[0]!, users[1]!];
  admin = await openFleet(profile, { subscribe: false });
  helpdeskConsole = await startConsoleProcess(join(home, 'fleet-labhelpdesk.json'), 30_000, {
    settingsFile: join(home, 'console-helpdesk.json'),
  });
  helpdesk = await consoleLab.browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  await helpdesk.goto(`${helpdeskConsole.url}#/lockouts`);
  await consoleLab.page.locator('li.tile').first().waitFor({ timeout: 30_000 });
}, 240_000);

afterAll(async () => {
  await helpdesk?.close();
  await helpdeskConsole?.stop();
  await admin?.close();
  await consoleLab?.stop();
}, 120_000);

describe('lockouts in the console', () => {
  it('raises a dashboard alarm and lists the lockouts for the helpdesk, who unlocks one', async () => {
    // A lock for one user (10 wrong passwords, spaced as the throttle asks: about 80 s), and for
    // another 9 ending about when the lock comes, so they still wait 32 s for their next try.
    await Promise.all([
      failLogins(locked.address, 10, '127.0.50.2'),
      new Promise((resolve) => setTimeout(resolve, 30_000)).then(() =>
        failLogins(waiting.address, 9, '127.0.50.1'),
      ),
    ]);

    const page = consoleLab.page;
    const alarm = page.locator(`[data-testid="alarm-list"] li[data-node="${director}"]`);
    await expect
      .poll(async () => (await alarm.allTextContents()).join('\n'), { timeout: 15_000 })
      .toContain(`${director} has locked 1 login after too many wrong passwords (see Lockouts)`);
    await page
      .locator('[data-testid="alarm-list"]')
      .screenshot({ path: join(screenshots, 'dashboard-logins-locked.png') });

    // The view reads every 5 s: wait for the read after the lock.
    await expect
      .poll(() => row(locked.address).locator('td').nth(5).textContent(), { timeout: 15_000 })
      .toBe('Locked');
    expect(await row(waiting.address).count()).toBe(1);
    const lockedCells = await row(locked.address).locator('td').allTextContents();
    expect(lockedCells.slice(0, 4)).toEqual([director, 'User', locked.address, '10']);
    expect(lockedCells[4]).toMatch(/^\d{2}:\d{2}:\d{2}$/);
    expect(lockedCells[5]).toBe('Locked');
    const waitingCells = await row(waiting.address).locator('td').allTextContents();
    expect(waitingCells.slice(0, 4)).toEqual([director, 'User', waiting.address, '9']);
    expect(waitingCells[5]).toBe('Waiting');
    // Locked first.
    const order = await helpdesk
      .locator('[data-testid="lockouts"] tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name')));
    expect(order.indexOf(locked.address)).toBeLessThan(order.indexOf(waiting.address));
    await helpdesk.screenshot({ path: join(screenshots, 'lockouts-en.png'), fullPage: true });

    await helpdesk.getByRole('button', { name: '日本語' }).click();
    await expect.poll(() => helpdesk.locator('h2#lockouts-title').textContent()).toBe('ログイン制限');
    expect(await row(locked.address).locator('td').nth(5).textContent()).toBe('停止中');
    expect(await row(locked.address).locator('td').nth(1).textContent()).toBe('ユーザー');
    await helpdesk.screenshot({ path: join(screenshots, 'lockouts-ja.png'), fullPage: true });
    await helpdesk.getByRole('button', { name: 'English' }).click();

    // Still locked on the agent: the right password is refused.
    expect(await imapLogin(locked.address, locked.password, '127.0.50.3')).toMatch(/too many failed logins/);
    await helpdesk.getByRole('button', { name: `Unlock ${locked.address} on ${director}` }).click();
    await expect
      .poll(() => helpdesk.locator('[data-testid="unlock-message"]').textContent())
      .toBe(`${locked.address} on ${director} can try again now.`);
    expect(await row(locked.address).count()).toBe(0);
    expect(await imapLogin(locked.address, locked.password, '127.0.50.3')).toMatch(/^OK/);
    const audit = await admin.fleet.call(director, 'audit.tail', { limit: 20 });
    expect(audit.entries.filter((e) => e.method === 'auth.unlock').at(-1)).toMatchObject({
      caller: { kind: 'helpdesk', id: 'labhelpdesk' },
      outcome: 'ok',
    });
    // The alarm goes with the lock.
    await expect.poll(() => alarm.count(), { timeout: 15_000 }).toBe(0);
  }, 300_000);
});
