/**
 * Mailbox moves end to end, as a clerk does them: a real small lab (3 stores, a spare, the director
 * with its IMAP proxy, the gateway, the directory; every agent its own process), `mailfleet console
 * --web` on it, and Debian's Chromium. Three users found by a search are dragged onto a store tile
 * (`page.dragAndDrop`, HTML5 drag and drop); the dialog says how many mailboxes, messages and bytes
 * move, the target's disk after and the time; after the confirmation the Moves view's progress bars
 * reach done; each user's page names the new store, and their mail is read through the director's
 * proxy (imapflow). Bad input is said in words in the dialog (a user already on that store, a store
 * whose server is down). The keyboard alone picks a user, moves them with "Move to…", and moves them
 * back from the Moves view. The same in Japanese; screenshots in test-output/console/.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTransport } from 'nodemailer';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetProfileSchema } from '../../main/core/fleet-profile.js';
import { parseLabUsers } from '../../main/lab/lab-people.js';
import {
  type ConsoleLab,
  consoleScreenshots as screenshots,
  startConsoleLab,
} from '../support/console-lab.js';
import { labInboxSubjects } from '../support/lab-imap-login.js';
import { mailfleetCli } from '../support/lab-process.js';
import { movesPage, percentIn } from './moves-page.js';

const run = promisify(execFile);

let consoleLab: ConsoleLab;
let page: Page;
let profile: ReturnType<typeof fleetProfileSchema.parse>;
let users: Array<{ address: string; password: string; store: string }>;
/** The three users moved by drag and drop, and the one moved from the keyboard (all on store01). */
let moved: Array<{ address: string; password: string; store: string }>;
let byKeyboard: { address: string; password: string; store: string };
/** The users of the proposed batch taken in one click. */
let proposed: string[] = [];

function endpoint(node: string, service: string): { host: string; port: number } {
  const value = profile.nodes.find((n) => n.name === node)?.services[service];
  if (!value) throw new Error(`fleet.json lists no ${service} for ${node}`);
  const at = value.lastIndexOf(':');
  return { host: value.slice(0, at), port: Number(value.slice(at + 1)) };
}

async function labCommand(...args: string[]): Promise<void> {
  await run(process.execPath, [mailfleetCli, 'lab', ...args, '--home', consoleLab.home]);
}

/** The subjects in a user's INBOX, sorted, read over IMAPS through the director's proxy. */
async function inboxSubjects(user: { address: string; password: string }): Promise<string[]> {
  return (await labInboxSubjects(consoleLab.home, user.address, user.password)).sort();
}

const { row, pickBox, storeTile, dialog, jobRow, tileDisk, tabTo, openDirectory, search } = movesPage(
  () => page,
);

beforeAll(async () => {
  consoleLab = await startConsoleLab({
    name: 'moves-e2e',
    labFlags: ['--stores', '3', '--users', '30', '--domains', '2'],
    viewport: { width: 1400, height: 1000 },
  });
  page = consoleLab.page;
  profile = fleetProfileSchema.parse(JSON.parse(await readFile(join(consoleLab.home, 'fleet.json'), 'utf8')));
  users = parseLabUsers(await readFile(join(consoleLab.home, 'lab-users.csv'), 'utf8'));
  const onStore01 = users.filter((u) => u.store === 'store01');
  moved = onStore01.slice(0, 3);
  byKeyboard = onStore01[3]!;
  // Mail for each of them, through the director (it trusts 127.0.0.1) to store01: 3 messages of
  // some 400 KB, so a mailbox is over the 1 MB a proposed move must at least even out.
  const transport = createTransport({ ...endpoint('director01', 'smtp'), ignoreTLS: true });
  const filler = `${'x'.repeat(78)}\r\n`.repeat(5000);
  for (const user of [...moved, byKeyboard])
    for (const n of [1, 2, 3])
      await transport.sendMail({
        envelope: { from: 'lab@outside.example', to: [user.address] },
        raw: `From: lab@outside.example\r\nTo: ${user.address}\r\nSubject: before the move ${n}\r\n\r\nbody ${n}\r\n${filler}`,
      });
  transport.close();
  // Delivered (the director relays at once) before anything moves.
  for (const user of [...moved, byKeyboard])
    for (let tries = 0; (await inboxSubjects(user)).length < 3; tries++) {
      if (tries > 300) throw new Error(`the mail for ${user.address} never arrived`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  await openDirectory();
}, 240_000);

afterAll(async () => {
  await consoleLab?.stop();
}, 120_000);

describe('mailbox moves in the console (browser mode, real lab)', () => {
  it('drags three users from a search result onto a store tile, shows the plan, and watches them move to done', async () => {
    await page.locator('select[name="logicalStore"]').selectOption('store01');
    await search('');
    for (const user of moved) await pickBox(user.address).check();
    await expect.poll(() => page.locator('.pick-count').textContent()).toBe('3 users picked');
    // Dragging one of the picked rows takes all three.
    await page.dragAndDrop(
      `button.dir-row[data-address="${moved[1]!.address}"]`,
      '.store-tile[data-store="store02"]',
    );
    await expect.poll(() => dialog().getAttribute('data-step'), { timeout: 30_000 }).toBe('plan');
    const fact = (name: string) => dialog().locator(`[data-fact="${name}"] dd`).textContent();
    expect(await dialog().locator('.move-ask').textContent()).toBe('Move 3 mailboxes to store02?');
    expect(await fact('mailboxes')).toBe('3');
    expect(await fact('messages')).toBe('9');
    expect(await fact('bytes')).toMatch(/^[\d.]+ MB$/);
    expect(await fact('disk-after')).toMatch(/^\d+% full, [\d.,]+ [KMGT]?B left$/);
    // The dialog and the store's tile name one percentage for one disk (give or take a point: the
    // tile's sample is a few seconds old, and others write on this machine's disk).
    expect(
      Math.abs(percentIn(await fact('disk-after')) - percentIn(await tileDisk('store02'))),
    ).toBeLessThanOrEqual(1);
    expect(await fact('time')).toMatch(/^about \d+ (s|min)$/);
    // The speed the plan is for: the agent's defaults, 2 at once and 40 MiB/s (41.9 MB/s).
    const atOnce = dialog().getByLabel('Mailboxes moved at once (1 to 16)');
    const limit = dialog().getByLabel('Data for the whole move, at most (MB per second, 0 = no limit)');
    expect(await atOnce.inputValue()).toBe('2');
    expect(await limit.inputValue()).toBe('41.9');
    const confirm = dialog().getByRole('button', { name: 'Move 3 mailboxes' });
    const timeAtDefaults = await fact('time');
    // Out of range: said in words, and nothing can start.
    await atOnce.fill('0');
    expect(await dialog().getByTestId('move-speed').getByRole('alert').textContent()).toBe(
      'Give 1 to 16 mailboxes at once, and 0 or more MB per second.',
    );
    expect(await confirm.isDisabled()).toBe(true);
    // A slower batch: the plan is asked again for it (its estimate follows), then it can start.
    await atOnce.fill('3');
    await limit.fill('0.5');
    await expect.poll(() => confirm.isEnabled(), { timeout: 30_000 }).toBe(true);
    expect(await dialog().getAttribute('data-step')).toBe('plan');
    expect(await fact('time')).toMatch(/^about \d+ (s|min)$/);
    expect(await fact('time')).not.toBe(timeAtDefaults);
    expect(await atOnce.inputValue()).toBe('3');
    await page.screenshot({ path: join(screenshots, 'move-dialog-en.png') });
    await confirm.click();
    await expect.poll(() => dialog().getAttribute('data-step'), { timeout: 30_000 }).toBe('started');
    expect(await dialog().locator('.move-started').textContent()).toBe(
      'Started: 3 moves to store02. Follow them under Moves.',
    );
    await dialog().getByRole('button', { name: 'Open Moves' }).click();
    await expect.poll(() => page.locator('main').getAttribute('data-view')).toBe('moves');
    for (const user of moved) {
      await expect
        .poll(() => jobRow(user.address).getAttribute('data-phase'), { timeout: 90_000 })
        .toBe('done');
      // The bar is full, and the result says what moved, checked.
      expect(
        await jobRow(user.address)
          .locator('progress')
          .evaluate((bar: HTMLProgressElement) => bar.value),
      ).toBe(1);
      expect(await jobRow(user.address).locator('.move-percent').textContent()).toBe('100%');
      expect(await jobRow(user.address).locator('.move-result').textContent()).toMatch(
        /^Moved 3 messages \([\d.]+ MB\) to store02, all checked\. Old copy kept on store01 until /,
      );
      expect(await jobRow(user.address).locator('.move-pause').textContent()).toMatch(/^\d+\.?\d* s$/);
    }
    // The batch ran at the speed the dialog said.
    const listed = JSON.parse(
      (
        await run(process.execPath, [
          mailfleetCli,
          'moves',
          '--json',
          '--fleet',
          join(consoleLab.home, 'fleet.json'),
        ])
      ).stdout,
    ) as {
      batches: Array<{ target: string; jobs: number; concurrency: number; bandwidthBytesPerSecond: number }>;
    };
    expect(listed.batches.filter((b) => b.target === 'store02' && b.jobs === 3)).toEqual([
      expect.objectContaining({ concurrency: 3, bandwidthBytesPerSecond: 500_000 }),
    ]);
    // The old copies the source keeps, with the date its server deletes them.
    await expect
      .poll(() => page.getByTestId('kept-copies').locator('tbody tr').count(), { timeout: 15_000 })
      .toBe(3);
    await page.screenshot({ path: join(screenshots, 'moves-en.png'), fullPage: true });
    expect(consoleLab.pageErrors).toEqual([]);
  });

  it("shows the new store on each user's page, and their mail is read through the proxy", async () => {
    await openDirectory();
    await page.locator('select[name="logicalStore"]').selectOption('');
    for (const user of moved) {
      await search(user.address);
      // The list's row is read again once the move is done.
      await expect.poll(() => row(user.address).locator('.dir-row-store').textContent()).toBe('store02');
      await row(user.address).click();
      await expect
        .poll(() => page.locator('.dir-facts [data-fact="store"] dd').textContent(), { timeout: 15_000 })
        .toBe('store02 (on server store02)');
      expect(await inboxSubjects(user)).toEqual([
        'before the move 1',
        'before the move 2',
        'before the move 3',
      ]);
    }
  });

  it('says in words, in the dialog, a user already on the store and a store whose server is down', async () => {
    const already = moved[0]!;
    await search(already.address);
    await page.dragAndDrop(
      `button.dir-row[data-address="${already.address}"]`,
      '.store-tile[data-store="store02"]',
    );
    await expect.poll(() => dialog().getAttribute('data-step'), { timeout: 30_000 }).toBe('plan');
    expect(await dialog().locator('.move-ask').textContent()).toBe(
      'None of these users can be moved to store02.',
    );
    const refusal = dialog().locator(`.move-refusal-list li[data-user="${already.address}"]`);
    expect(await refusal.getAttribute('data-code')).toBe('same-store');
    expect(await refusal.locator('.move-refusal-words').textContent()).toBe(
      `${already.address} is already on store02.`,
    );
    // Nothing to confirm.
    expect(
      await dialog()
        .getByRole('button', { name: /^Move / })
        .count(),
    ).toBe(0);
    await page.screenshot({ path: join(screenshots, 'move-refused-en.png') });
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog().getAttribute('data-step')).toBeNull();

    await labCommand('kill', 'store03');
    await expect
      .poll(() => storeTile('store03').getAttribute('data-state'), { timeout: 15_000 })
      .not.toBe('up');
    await page.dragAndDrop(
      `button.dir-row[data-address="${already.address}"]`,
      '.store-tile[data-store="store03"]',
    );
    await expect.poll(() => dialog().getAttribute('data-step'), { timeout: 30_000 }).toBe('failed');
    expect(await dialog().locator('.move-failed .view-state-error').textContent()).toBe(
      'The server of store03 does not answer now, so nothing can be moved to it. Try again when it is back.',
    );
    await page.screenshot({ path: join(screenshots, 'move-store-down-en.png') });
    await page.keyboard.press('Escape');
    await labCommand('start', 'store03');
    await expect.poll(() => storeTile('store03').getAttribute('data-state'), { timeout: 30_000 }).toBe('up');
    // Nothing changed: the user is still on store02.
    await row(already.address).click();
    await expect
      .poll(() => page.locator('.dir-facts [data-fact="store"] dd').textContent())
      .toBe('store02 (on server store02)');
  });

  it('moves a user with the keyboard alone (pick, Move to…), and moves them back from the Moves view', async () => {
    await search(byKeyboard.address);
    // From the search box, Tab reaches the user's box; Space picks them.
    await page.locator('input[name="search"]').focus();
    await tabTo('input.dir-pick');
    await page.keyboard.press('Space');
    await expect.poll(() => page.locator('.pick-count').textContent()).toBe('1 user picked');
    // Back up to "Move to…"; Enter opens the menu on the first store, arrows move, Enter picks.
    await tabTo('button[aria-haspopup="menu"]', { backwards: true });
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-store')))
      .toBe('store01');
    expect(await page.getByRole('menu').getByRole('menuitem').count()).toBe(3);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-store')))
      .toBe('store03');
    await page.keyboard.press('Enter');
    await expect.poll(() => dialog().getAttribute('data-step'), { timeout: 30_000 }).toBe('plan');
    // The dialog holds the focus: Tab reaches the confirmation, Enter presses it.
    await tabTo('dialog button', { text: 'Move 1 mailbox' });
    await page.keyboard.press('Enter');
    await expect.poll(() => dialog().getAttribute('data-step'), { timeout: 30_000 }).toBe('started');
    await tabTo('dialog button', { text: 'Open Moves' });
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('main').getAttribute('data-view')).toBe('moves');
    await expect
      .poll(() => jobRow(byKeyboard.address).getAttribute('data-phase'), { timeout: 90_000 })
      .toBe('done');
    // Move back, from the keyboard: a job of its own, copying from the old copy store01 kept.
    await tabTo('tr.move-row button', { text: 'Move back' });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
      `Move ${byKeyboard.address} back to store01`,
    );
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.getByTestId('move-action-message').textContent())
      .toBe(`Moving ${byKeyboard.address} back: started. Its row below shows how far it got.`);
    const back = jobRow(byKeyboard.address).first();
    await expect.poll(() => back.locator('.move-route').textContent()).toBe('store03 → store01');
    await expect.poll(() => back.getAttribute('data-phase'), { timeout: 90_000 }).toBe('done');
    expect(await back.locator('.move-result').textContent()).toBe('Moved back to store01.');
    expect(await inboxSubjects(byKeyboard)).toEqual([
      'before the move 1',
      'before the move 2',
      'before the move 3',
    ]);
  });

  it('proposes moves that even out disk use, and turns one into a batch with one click', async () => {
    await openDirectory();
    await page.getByRole('button', { name: 'Propose moves' }).click();
    const proposal = page.getByTestId('balance-suggestion');
    await proposal.waitFor({ timeout: 30_000 });
    // Each store's mail now and after, and the gap between the fullest and the emptiest.
    expect(await proposal.locator('.balance-table tbody tr').count()).toBe(3);
    expect(await proposal.getByRole('status').textContent()).toMatch(
      /^Gap between the store with the most mail and the one with the least: [\d.]+ MB now, [\d.]+ MB after these moves\.$/,
    );
    // store02 took three mailboxes, store01 has one and store03 none: one of store02's goes to store03.
    const batch = proposal.locator('.balance-batch').first();
    const to = await batch.getAttribute('data-to');
    expect(to === 'store01' || to === 'store03').toBe(true);
    expect(await batch.locator('p').first().textContent()).toMatch(
      new RegExp(`^To ${to}: \\d+ mailbox(es)? \\([\\d.]+ MB\\) from store02$`),
    );
    // The Stores list scrolls on its own beside the users: down to the proposal's table, as a clerk would.
    await proposal.locator('.balance-table').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshots, 'stores-balance-en.png'), fullPage: true });
    const who = ((await batch.locator('.balance-users').textContent()) ?? '')
      .replace(/^Who: /, '')
      .split(', ');
    proposed = who;
    await batch.getByRole('button', { name: 'Move these' }).click();
    await expect.poll(() => dialog().getAttribute('data-step'), { timeout: 30_000 }).toBe('plan');
    expect(await dialog().locator('[data-fact="mailboxes"] dd').textContent()).toBe(String(who.length));
    await dialog()
      .getByRole('button', { name: /^Move \d+ mailbox/ })
      .click();
    await expect.poll(() => dialog().getAttribute('data-step'), { timeout: 30_000 }).toBe('started');
    await dialog().getByRole('button', { name: 'Close' }).click();
    // The batch taken is no longer proposed.
    await expect.poll(() => proposal.locator(`.balance-batch[data-to="${to}"]`).count()).toBe(0);
    await page.locator('nav.app-nav a[data-view="moves"]').click();
    for (const address of who)
      await expect
        .poll(() => page.locator(`tr.move-row[data-user="${address}"]`).first().getAttribute('data-phase'), {
          timeout: 90_000,
        })
        .toBe('done');
  });

  it('speaks Japanese: the dialog and the Moves view', async () => {
    await page.getByRole('button', { name: '日本語' }).click();
    await expect.poll(() => page.locator('nav.app-nav a[data-view="moves"]').textContent()).toBe('移動');
    // Every old copy kept (the three dragged, the one moved back from store03, the proposed batch's)
    // is listed before the picture: the listing is read again a moment after moves finish.
    await expect
      .poll(() => page.getByTestId('kept-copies').locator('tbody tr').count(), { timeout: 15_000 })
      .toBe(4 + proposed.length);
    await page.screenshot({ path: join(screenshots, 'moves-ja.png'), fullPage: true });
    expect(await page.locator('#moves-title').textContent()).toBe('メールボックスの移動');
    expect(await jobRow(moved[0]!.address).last().locator('.move-phase').textContent()).toBe('完了');
    await openDirectory();
    const user = moved[0]!.address;
    await search(user);
    const now = await row(user).locator('.dir-row-store').textContent();
    const target = now === 'store01' ? 'store03' : 'store01';
    await page.dragAndDrop(`button.dir-row[data-address="${user}"]`, `.store-tile[data-store="${target}"]`);
    await expect.poll(() => dialog().getAttribute('data-step'), { timeout: 30_000 }).toBe('plan');
    expect(await dialog().locator('.move-ask').textContent()).toBe(
      `1 件のメールボックスを ${target} へ移動しますか？`,
    );
    expect(await dialog().locator('[data-fact="messages"] dt').textContent()).toBe('メール件数');
    const diskAfter = await dialog().locator('[data-fact="disk-after"] dd').textContent();
    expect(diskAfter).toMatch(/^\d+% 使用（残り [\d.,]+ [KMGT]?B）$/);
    expect(await tileDisk(target)).toMatch(/^\d+% 使用$/);
    expect(Math.abs(percentIn(diskAfter) - percentIn(await tileDisk(target)))).toBeLessThanOrEqual(1);
    expect(await storeTile(target).locator('.store-tile-move').textContent()).toBe('ここへ移動');
    await page.screenshot({ path: join(screenshots, 'move-dialog-ja.png') });
    await dialog().getByRole('button', { name: 'キャンセル' }).click();
    await page.getByRole('button', { name: 'English' }).click();
    expect(consoleLab.pageErrors).toEqual([]);
  });
});
