/**
 * The failover's console walk against a real lab (three stores, a spare, the director with its
 * IMAP proxy, the directory; every agent its own process; the ring of replicas placed),
 * `mailfleet console --web` on it and Debian's Chromium: store01's node is killed (SIGKILL), its
 * tile turns red and offers "Fail over to store02"; the dialog says the plan in words and asks
 * once; after one click the tile shows the job's steps, then "store01 served by spare01" (after the switch-over to the spare); a user
 * of store01 logs in through the director's proxy (imapflow) and reads the mail delivered before
 * the kill. The dialog, the steps and the end in English and Japanese; screenshots in
 * test-output/console/failover-*.png. The lab set-up is test/support/failover-lab.ts (shared with
 * switch-to-spare-view.test.ts).
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleLab, consoleScreenshots as screenshots } from '../support/console-lab.js';
import { type FailoverLab, startFailoverLab } from '../support/failover-lab.js';
import { dialogShows, onHelpdeskPage, readPlanInJapanese, replicaRows } from '../support/failover-walk.js';
import { labInboxSubjects } from '../support/lab-imap-login.js';
import { runMailfleet } from '../support/lab-process.js';

let lab: FailoverLab;
let consoleLab: ConsoleLab;
let page: Page;
let user: FailoverLab['user'];

const mailfleet = (...args: string[]) => runMailfleet(consoleLab.home, ...args);
const tile = (node: string) => page.locator(`.tile[data-node="${node}"]`);
const dialog = () => page.locator('dialog.failover-dialog');

/** The subjects in the user's INBOX, read over IMAPS through the director's proxy (imapflow). */
const subjectsThroughProxy = () => labInboxSubjects(consoleLab.home, user.address, user.password);

beforeAll(async () => {
  // Mail acknowledged before the kill: the replica holds it (RPO 0), so it is read after the failover.
  lab = await startFailoverLab('failover-e2e', 'before the failover');
  ({ consoleLab, user } = lab);
  page = consoleLab.page;
}, 300_000);

afterAll(async () => {
  await lab?.stop();
}, 120_000);

describe('failover in the console (browser mode, real lab)', () => {
  it('offers no failover while the store answers', async () => {
    await tile('store01').waitFor();
    await expect.poll(() => tile('store01').getAttribute('data-state'), { timeout: 30_000 }).toBe('up');
    // The overview has been read (the replicas are shown on the tiles) and still no button.
    await expect
      .poll(() => page.evaluate(() => document.querySelectorAll('.failover-button').length))
      .toBe(0);
  });

  it('kills store01: the tile turns red, the button appears, the plan is said in words and asked once', async () => {
    const killed = await mailfleet('lab', 'kill', 'store01', '--home', consoleLab.home);
    expect(killed.code).toBe(0);
    await expect.poll(() => tile('store01').getAttribute('data-state'), { timeout: 30_000 }).not.toBe('up');
    const button = tile('store01').locator('.failover-button');
    await button.waitFor({ timeout: 15_000 });
    expect(await button.textContent()).toBe('Fail over to store02');
    // Only on the failed store: the others answer.
    expect(await page.locator('.failover-button').count()).toBe(1);

    // The helpdesk admin's console offers no failover (the agents would refuse it), only who can.
    await onHelpdeskPage(lab, async (helpdesk) => {
      const line = helpdesk.locator('.tile[data-node="store01"] .failover-system-only');
      await expect
        .poll(() => line.textContent(), { timeout: 30_000 })
        .toBe('A system admin can fail store01 over to store02.');
      expect(await helpdesk.locator('.failover-button').count()).toBe(0);
    });

    // Japanese first: the dialog is looked at, then cancelled (nothing starts).
    await readPlanInJapanese(page, {
      button,
      buttonJa: 'store02 に切り替える（フェイルオーバー）',
      buttonEn: 'Fail over to store02',
      dialog: dialog(),
      read: async () => {
        expect(await dialog().locator('.failover-ask').textContent()).toBe(
          'store01 を store02 に切り替えますか？',
        );
        expect(await dialog().locator('[data-fact="spare"]').textContent()).toBe(
          'store01 の新しい複製を spare01 に裏で作ります。複製が追いついたら spare01 が store01 を引き継ぎます（メールとログインが約 2 秒止まります）。store02 は複製を持ち続けます。',
        );
      },
      screenshot: 'failover-dialog-ja.png',
    });

    await button.click();
    await dialogShows(dialog(), 'plan');
    expect(await dialog().locator('.failover-ask').textContent()).toBe('Fail store01 over to store02?');
    expect(await dialog().locator('[data-fact="serves"]').textContent()).toBe(
      'store02 serves store01 from its replica, at once. store01 is cut off: it never serves store01 again, even when it comes back.',
    );
    expect(await dialog().locator('[data-fact="spare"]').textContent()).toBe(
      'A new replica of store01 is built on spare01 in the background; once it is up to date, spare01 takes store01 over with a pause of about 2 s and store02 keeps the replica.',
    );
    expect(await dialog().locator('[data-fact="users"]').textContent()).toMatch(
      /cannot log in for a few seconds/,
    );
    // Protected when it was killed: its last report said so, and the dialog says nothing is lost.
    expect(await dialog().locator('[data-fact="loss"]').getAttribute('data-protection')).toBe('protected');
    expect(await dialog().locator('[data-fact="loss"]').textContent()).toBe(
      'Nothing is lost: every message store01 accepted is on store02 too.',
    );
    await page.screenshot({ path: join(screenshots, 'failover-dialog-en.png') });
  });

  it('one click: the tile shows the steps, then "served by spare01", and store01\'s user logs in through the proxy', async () => {
    const clickedAt = Date.now();
    await dialog().getByRole('button', { name: 'Fail over to store02' }).click();
    const job = tile('store01').locator('.failover-job');
    await job.waitFor({ timeout: 30_000 });
    expect(await job.locator('.failover-running').textContent()).toBe('store01: failing over to store02');
    expect(await job.locator('.failover-steps li').allTextContents()).toEqual([
      'Fence store01',
      'Stop store01 serving it',
      'Put the replica in place',
      'Serve it from the replica',
      'Send logins and mail there',
      'Build the new replica',
      'Move it to spare01 (mail and logins pause about 2 s)',
    ]);
    expect(await dialog().getAttribute('open')).toBeNull();
    await page.screenshot({ path: join(screenshots, 'failover-steps-en.png') });
    // The same steps in Japanese (the job waits one lease, 4.5 s, for a node it cannot tell to stop).
    const stepsSeen = new Set<string>([(await job.getAttribute('data-step')) ?? '']);
    await page.getByRole('button', { name: '日本語' }).click();
    await expect
      .poll(() => job.locator('.failover-running').textContent())
      .toBe('store01: store02 に切り替え中');
    expect(await job.locator('.failover-steps li').first().textContent()).toMatch(/^store01 を切り離す/);
    await page.screenshot({ path: join(screenshots, 'failover-steps-ja.png') });
    await page.getByRole('button', { name: 'English' }).click();
    // The steps move on as the job does (read from the nodes every 2 s) until it is done.
    const done = tile('store01').locator('.failover-done');
    for (;;) {
      if ((await done.count()) > 0) break;
      const step = await job.getAttribute('data-step', { timeout: 1000 }).catch(() => null);
      if (step) stepsSeen.add(step);
      expect(Date.now() - clickedAt).toBeLessThan(240_000);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    // Only steps under way were shown (a small store's job is through them in a few seconds).
    for (const step of stepsSeen)
      expect(['fence', 'stop-old', 'promote', 'repoint', 'reroute', 'rebuild', 'switch']).toContain(step);
    expect(await done.textContent()).toBe('store01 served by spare01');
    expect(await tile('store01').locator('.failover-button').count()).toBe(0);
    await page.screenshot({ path: join(screenshots, 'failover-done-en.png') });

    // The user's mail program: a login through the director's proxy reaches spare01's copy.
    expect(await subjectsThroughProxy()).toEqual(['before the failover']);
    const rows = await replicaRows(consoleLab.home);
    expect(rows.find((r) => r.store === 'store01')).toMatchObject({
      servedBy: 'spare01',
      replicaNode: 'store02',
    });

    await page.getByRole('button', { name: '日本語' }).click();
    await expect.poll(() => done.textContent()).toBe('store01 は spare01 が担当中');
    await page.screenshot({ path: join(screenshots, 'failover-done-ja.png') });
    // Its node page says the same.
    await tile('store01').locator('a.tile-name').click();
    await expect
      .poll(() => page.locator('.node-page .failover-done').textContent(), { timeout: 15_000 })
      .toBe('store01 は spare01 が担当中');
    await page.getByRole('button', { name: 'English' }).click();
    expect(consoleLab.pageErrors).toEqual([]);
  }, 300_000);
});
