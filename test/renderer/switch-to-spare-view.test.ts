/**
 * "Switch to spare" and "Make spare" in the console against a real lab (three stores, a spare,
 * the director with its IMAP proxy, the directory; every agent its own process; the ring of
 * replicas placed; set-up shared with the failover walk in test/support/failover-lab.ts),
 * `mailfleet console --web` on it and Debian's Chromium: on store01's node page (store01
 * healthy) the system admin clicks "Switch to spare"; the dialog says the plan in words (spare01,
 * a full copy first, a pause of about 2 s, nothing lost) and asks once; after one click the page
 * shows the job's steps, then "store01 served by spare01", and a user of store01 logs in through
 * the director's proxy (imapflow) and reads the mail delivered before. "Make spare" is refused
 * in words for a node that still serves a store, and for one that holds a replica; once
 * store01's replicas are placed elsewhere, Make spare deletes its old mail and says what. The
 * helpdesk admin's console has neither button. Screenshots in
 * test-output/console/switch-to-spare-*.png.
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

const nodePage = () => page.locator('.node-page[data-node="store01"]');
const dialog = () => page.locator('dialog.spare-dialog');

/** Opens `node`'s page from its dashboard tile. */
async function openNodePage(on: Page, node: string): Promise<void> {
  await on.locator(`.tile[data-node="${node}"] a.tile-name`).click();
  await on.locator(`.node-page[data-node="${node}"]`).waitFor({ timeout: 15_000 });
}

beforeAll(async () => {
  lab = await startFailoverLab('switch-to-spare-e2e', 'before the switch-over');
  ({ consoleLab, user } = lab);
  page = consoleLab.page;
}, 300_000);

afterAll(async () => {
  await lab?.stop();
}, 120_000);

describe('Switch to spare and Make spare in the console (browser mode, real lab)', () => {
  it("offers neither button to the helpdesk admin's console", async () => {
    await onHelpdeskPage(lab, async (helpdesk) => {
      await expect
        .poll(() => helpdesk.locator('.tile[data-node="store01"]').getAttribute('data-state'), {
          timeout: 30_000,
        })
        .toBe('up');
      await openNodePage(helpdesk, 'store01');
      // The node page's services are drawn (the overview has been read) and still no button.
      await helpdesk.waitForTimeout(3000);
      expect(await helpdesk.locator('.spare-switch-button, .spare-make-button').count()).toBe(0);
    });
  });

  it('switches healthy store01 to spare01 with one click and a confirmation; its user logs in through the proxy', async () => {
    await expect
      .poll(() => page.locator('.tile[data-node="store01"]').getAttribute('data-state'), { timeout: 30_000 })
      .toBe('up');
    await openNodePage(page, 'store01');
    const button = nodePage().locator('.spare-switch-button');
    await button.waitFor({ timeout: 15_000 });

    // Japanese first: the dialog is looked at, then cancelled (nothing starts).
    await readPlanInJapanese(page, {
      button,
      buttonJa: '予備機に切り替える（保守）',
      buttonEn: 'Switch to spare',
      dialog: dialog(),
      read: async () => {
        expect(await dialog().locator('.spare-ask').textContent()).toBe(
          'store01 を spare01 に切り替えますか？（今はノード store01 が担当）',
        );
        expect(await dialog().locator('[data-fact="pause"]').textContent()).toBe(
          'そのあと spare01 が引き継ぐ間、メールとログインが約 2 秒止まります。何も失われません。',
        );
      },
      screenshot: 'switch-to-spare-dialog-ja.png',
    });

    await button.click();
    await dialogShows(dialog(), 'plan');
    expect(await dialog().locator('.spare-ask').textContent()).toBe(
      'Switch store01 to spare01? (the node store01 serves it now)',
    );
    // The ring put store01's replica on store02: the spare gets a full copy first.
    expect(await dialog().locator('[data-fact="copy"]').textContent()).toBe(
      "First a full copy of all of store01's mail goes to spare01 (every mailbox, in the background; store01 keeps serving meanwhile).",
    );
    expect(await dialog().locator('[data-fact="pause"]').textContent()).toBe(
      'Then mail and logins pause for about 2 s while spare01 takes over; nothing is lost.',
    );
    expect(await dialog().locator('[data-fact="after"]').textContent()).toBe(
      'After that spare01 serves store01; the node store01 keeps a replica of it, so store01 stays protected while store01 is maintained.',
    );
    await page.screenshot({ path: join(screenshots, 'switch-to-spare-dialog-en.png') });

    const clickedAt = Date.now();
    await dialog().getByRole('button', { name: 'Switch to spare01' }).click();
    await expect.poll(() => dialog().getAttribute('open')).toBeNull();
    const done = nodePage().locator('.failover-done');
    const job = nodePage().locator('.failover-job');
    const stepsSeen = new Set<string>();
    for (;;) {
      if ((await done.count()) > 0) break;
      if ((await job.count()) > 0) {
        const running = await job
          .locator('.failover-running')
          .textContent({ timeout: 1000 })
          .catch(() => null);
        if (running) expect(running).toBe('store01: switching to spare01');
        const step = await job.getAttribute('data-step', { timeout: 1000 }).catch(() => null);
        if (step) stepsSeen.add(step);
      }
      expect(await nodePage().locator('.failover-stopped').count()).toBe(0);
      expect(Date.now() - clickedAt).toBeLessThan(240_000);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    // A planned switch-over fences nothing: only its copy and switch steps are ever shown.
    for (const step of stepsSeen) expect(['rebuild', 'switch']).toContain(step);
    expect(await done.textContent()).toBe('store01 served by spare01');
    await page.screenshot({ path: join(screenshots, 'switch-to-spare-done-en.png') });
    await page.getByRole('button', { name: '日本語' }).click();
    await expect.poll(() => done.textContent()).toBe('store01 は spare01 が担当中');
    await page.screenshot({ path: join(screenshots, 'switch-to-spare-done-ja.png') });
    await page.getByRole('button', { name: 'English' }).click();

    // The user's mail program: a login through the director's proxy reaches spare01's copy.
    expect(await labInboxSubjects(consoleLab.home, user.address, user.password)).toEqual([
      'before the switch-over',
    ]);
    const rows = await replicaRows(consoleLab.home);
    expect(rows.find((r) => r.store === 'store01')).toMatchObject({
      servedBy: 'spare01',
      replicaNode: 'store01',
    });
    // store01 serves nothing now: no switch button on its page.
    await expect.poll(() => nodePage().locator('.spare-switch-button').count()).toBe(0);
  }, 300_000);

  it('refuses Make spare in words for a node that serves a store, and for one that holds a replica', async () => {
    // store01 holds store01's replica after the switch-over (and store03's, from the ring).
    await nodePage().locator('.spare-make-button').click();
    await dialogShows(dialog(), 'refused');
    expect(await dialog().locator('.spare-refused').textContent()).toBe(
      'store01 cannot be made the spare: store01 holds the replica of store01, store03, which keeps it protected: place it on another node first',
    );
    await dialog().getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => dialog().getAttribute('open')).toBeNull();

    await page.evaluate(() => {
      window.location.hash = '#/nodes/store02';
    });
    await page.locator('.node-page[data-node="store02"]').waitFor({ timeout: 15_000 });
    const store02 = page.locator('.node-page[data-node="store02"]');
    await store02.locator('.spare-make-button').click();
    await dialogShows(dialog(), 'refused');
    expect(await dialog().locator('.spare-refused').textContent()).toBe(
      'store02 cannot be made the spare: store02 still serves store02: switch it to a spare or fail it over first',
    );
    await dialog().getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => dialog().getAttribute('open')).toBeNull();
    // The same refusal in Japanese (the modal dialog is closed to reach the language buttons).
    await page.getByRole('button', { name: '日本語' }).click();
    await store02.locator('.spare-make-button').click();
    await expect
      .poll(() => dialog().locator('.spare-refused').textContent(), { timeout: 30_000 })
      .toBe(
        'store02 は予備機にできません: store02 はまだ store02 を担当しています。先に予備機へ切り替えるかフェイルオーバーしてください',
      );
    await dialog().getByRole('button', { name: '閉じる' }).click();
    await expect.poll(() => dialog().getAttribute('open')).toBeNull();
    await page.getByRole('button', { name: 'English' }).click();
    // Nothing was wiped or changed: store02 still serves store02.
    const rows = await replicaRows(consoleLab.home);
    expect(rows.find((r) => r.store === 'store02')?.servedBy).toBe('store02');
    expect(consoleLab.pageErrors).toEqual([]);
  });

  it('makes store01 the spare once it holds no replica: the dialog says its old mail is deleted, then what was', async () => {
    // Move the replicas store01 holds elsewhere (the CLI), so nothing needs store01's disk.
    expect(
      (await runMailfleet(consoleLab.home, 'replicas', 'place', 'store01', '--on', 'store03')).code,
    ).toBe(0);
    expect(
      (await runMailfleet(consoleLab.home, 'replicas', 'place', 'store03', '--on', 'store02')).code,
    ).toBe(0);
    await page.evaluate(() => {
      window.location.hash = '#/nodes/store01';
    });
    await nodePage().locator('.spare-make-button').click();
    await dialogShows(dialog(), 'plan');
    expect(await dialog().locator('[data-fact="wipe"]').textContent()).toBe(
      'Every old copy of mail on store01 is deleted: the mailboxes of the stores it used to serve (other nodes serve them now) and any replica copies. This cannot be undone.',
    );
    await dialog().getByRole('button', { name: 'Delete its old mail and make store01 the spare' }).click();
    await dialogShows(dialog(), 'done', 60_000);
    expect(await dialog().locator('.failover-done').textContent()).toMatch(
      /^store01 is a spare now: [1-9]\d* old mailbox\(es\) of .*store01.* deleted\.$/,
    );
    await dialog().getByRole('button', { name: 'Close' }).click();
    // `done` comes only after the console read the role `spare` back from the directory.
    // store01's users still read their mail: spare01 serves it.
    expect(await labInboxSubjects(consoleLab.home, user.address, user.password)).toEqual([
      'before the switch-over',
    ]);
    expect(consoleLab.pageErrors).toEqual([]);
  }, 120_000);
});
