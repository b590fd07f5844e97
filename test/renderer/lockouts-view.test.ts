/**
 * Lockouts for the helpdesk, end to end (issue 10, the shared throttle): a real small lab (every
 * agent its own process), `mailfleet console --web` as the system admin and as the helpdesk admin,
 * and Debian's Chromium. Wrong passwords are sent to the director's IMAP proxy from raw sockets on
 * two 127.x addresses: one user gets 10 spaced as the throttle asks (a lock), another 9 (a wait);
 * and 10 wrong binds (ldapts) to the lab's embedded directory lock a third user's entry there.
 *
 * - The dashboard raises "director01 has locked 1 login" (and the same for directory01) while the
 *   locks last.
 * - The helpdesk's Lockouts view lists the three with until when, locked first, in English and
 *   Japanese. The locked user is locked in the directory too (each of the director's checks was a
 *   bind as the user): Unlock on director01 and on directory01 (each audited there, as the
 *   helpdesk) and the user logs in at once with the right password.
 *
 * Screenshots: test-output/console/lockouts-*.png, dashboard-logins-locked.png.
 */

import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetTree } from '../../agent/common/directory/fleet-entries.js';
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
import { tryBind } from '../support/ldap-bind.js';

const director = 'director01';
let consoleLab: ConsoleLab;
let helpdeskConsole: ConsoleProcess;
let helpdesk: Page;
let admin: OpenFleet;
let directorImap: { host: string; port: number };
let waiting: { address: string; password: string };
let locked: { address: string; password: string };
/** The lab directory and the DN of a third user, whose entry is locked there. */
let ldap: { url: string; dn: string };
let baseDn: string;

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
  baseDn = profile.directory.baseDn;
  ldap = { url: profile.directory.url, dn: new FleetTree(baseDn).user(users[2]!.address) };
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
    // The directory locks an entry at its 10th wrong password (slapd's shipped policy, no delays).
    for (let i = 0; i < 10; i++)
      expect(await tryBind(ldap.url, ldap.dn, `guess-${i}`, '127.0.50.4')).toBeDefined();

    const page = consoleLab.page;
    const alarm = page.locator(`[data-testid="alarm-list"] li[data-node="${director}"]`);
    await expect
      .poll(async () => (await alarm.allTextContents()).join('\n'), { timeout: 15_000 })
      .toContain(`${director} has locked 1 login after too many wrong passwords (see Lockouts)`);
    const directoryAlarm = page.locator('[data-testid="alarm-list"] li[data-node="directory01"]');
    await expect
      .poll(async () => (await directoryAlarm.allTextContents()).join('\n'), { timeout: 15_000 })
      .toContain('directory01 has locked 1 login after too many wrong passwords (see Lockouts)');
    await page
      .locator('[data-testid="alarm-list"]')
      .screenshot({ path: join(screenshots, 'dashboard-logins-locked.png') });

    // The view reads every 5 s: wait for the read after the lock.
    await expect
      .poll(() => row(locked.address).locator('td').nth(6).textContent(), { timeout: 15_000 })
      .toBe('Locked');
    // Each node is asked on its own: a busy directory01 may answer one read later than the director.
    await expect.poll(() => row(ldap.dn).count(), { timeout: 15_000 }).toBe(1);
    expect(await row(waiting.address).count()).toBe(1);
    const lockedCells = await row(locked.address).locator('td').allTextContents();
    expect(lockedCells.slice(0, 5)).toEqual([director, 'Mail logins', 'User', locked.address, '10']);
    expect(lockedCells[5]).toMatch(/^\d{2}:\d{2}:\d{2}$/);
    expect(lockedCells[6]).toBe('Locked');
    const waitingCells = await row(waiting.address).locator('td').allTextContents();
    expect(waitingCells.slice(0, 5)).toEqual([director, 'Mail logins', 'User', waiting.address, '9']);
    expect(waitingCells[6]).toBe('Waiting');
    const entryCells = await row(ldap.dn).locator('td').allTextContents();
    expect(entryCells).toEqual([
      'directory01',
      'Directory (LDAP)',
      'Directory entry',
      ldap.dn,
      '10',
      expect.stringMatching(/^\d{2}:\d{2}:\d{2}$/),
      'Locked',
      'Unlock',
    ]);
    // Locked first.
    const order = await helpdesk
      .locator('[data-testid="lockouts"] tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name')));
    expect(order.indexOf(locked.address)).toBeLessThan(order.indexOf(waiting.address));
    await helpdesk.screenshot({ path: join(screenshots, 'lockouts-en.png'), fullPage: true });

    await helpdesk.getByRole('button', { name: '日本語' }).click();
    await expect.poll(() => helpdesk.locator('h2#lockouts-title').textContent()).toBe('ログイン制限');
    expect(await row(locked.address).locator('td').nth(6).textContent()).toBe('停止中');
    expect(await row(locked.address).locator('td').nth(2).textContent()).toBe('ユーザー');
    expect(await row(ldap.dn).locator('td').nth(1).textContent()).toBe('ディレクトリ (LDAP)');
    await helpdesk.screenshot({ path: join(screenshots, 'lockouts-ja.png'), fullPage: true });
    await helpdesk.getByRole('button', { name: 'English' }).click();

    // Still locked on the agent: the right password is refused.
    expect(await imapLogin(locked.address, locked.password, '127.0.50.3')).toMatch(/too many failed logins/);
    await helpdesk.getByRole('button', { name: `Unlock ${locked.address} on ${director}` }).click();
    await expect
      .poll(() => helpdesk.locator('[data-testid="unlock-message"]').textContent())
      .toBe(`${locked.address} on ${director} can try again now.`);
    expect(await row(locked.address).count()).toBe(0);
    // Each of the director's checks was a bind as the user: the directory locked that entry too,
    // so the right password is still refused until the helpdesk lifts that row as well.
    const lockedDn = new FleetTree(baseDn).user(locked.address);
    expect(await imapLogin(locked.address, locked.password, '127.0.50.3')).toMatch(
      /^NO \[AUTHENTICATIONFAILED\]/,
    );
    await expect.poll(() => row(lockedDn).count(), { timeout: 15_000 }).toBe(1);
    await helpdesk.getByRole('button', { name: `Unlock ${lockedDn} on directory01` }).click();
    await expect
      .poll(() => helpdesk.locator('[data-testid="unlock-message"]').textContent())
      .toBe(`${lockedDn} on directory01 can try again now.`);
    expect(await imapLogin(locked.address, locked.password, '127.0.50.3')).toMatch(/^OK/);
    for (const node of [director, 'directory01']) {
      const audit = await admin.fleet.call(node, 'audit.tail', { limit: 20 });
      expect(audit.entries.filter((e) => e.method === 'auth.unlock').at(-1), node).toMatchObject({
        caller: { kind: 'helpdesk', id: 'labhelpdesk' },
        outcome: 'ok',
      });
    }
    // The director's alarm goes with its lock; the directory's stays while the third user's lasts.
    await expect.poll(() => alarm.count(), { timeout: 15_000 }).toBe(0);
    expect(await directoryAlarm.count()).toBe(1);
  }, 300_000);
});
