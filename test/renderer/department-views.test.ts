/**
 * A department administrator's Queues and Spam views in Chromium against a real small lab (issue
 * 15, docs/delegation.md): signed in with a password (`console --sign-in`), it sees the mail of its
 * domain waiting on the director (held there by the system admin, so it waits) with where and why
 * in words, and not another department's waiting mail; no hold, release or delete button is there.
 * Its Spam view counts the gateway's decisions on mail to its domain only, and its spam policy form
 * writes the policy into the directory (read back as the system admin). Screenshots in English and
 * Japanese: test-output/console/department-{queue,spam}-{en,ja}.png.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetTree } from '../../agent/common/directory/fleet-entries.js';
import { LdapFleetDirectory } from '../../agent/common/directory/ldap-fleet-directory.js';
import { loadFleetProfile } from '../../main/core/fleet-profile.js';
import { type OpenFleet, openFleet } from '../../main/core/open-fleet.js';
import { parseLabUsers } from '../../main/lab/lab-people.js';
import { hostPort } from '../../main/lab/traffic/traffic-targets.js';
import {
  type ConsoleLab,
  consoleScreenshots as screenshots,
  startConsoleLab,
} from '../support/console-lab.js';
import { addDepartmentAdmin, type LabDirectory, labDirectory } from '../support/department-admin.js';

const director = 'director01';
const password = 'Dept-Views-Passw0rd-15';

let consoleLab: ConsoleLab;
let page: Page;
let admin: OpenFleet;
let directory: LabDirectory;
let ourUser: string;
let theirUser: string;
let ours: string;
let theirs: string;

const domainOf = (address: string) => address.slice(address.indexOf('@') + 1);

/** Sends one message to an SMTP service from 127.0.0.1; a refusal (greylisting) is an outcome too. */
async function send(target: { host: string; port: number }, to: string, subject: string): Promise<void> {
  const transport = nodemailer.createTransport({
    ...target,
    secure: false,
    ignoreTLS: true,
    localAddress: '127.0.0.1',
  });
  try {
    await transport.sendMail({ from: 'someone@outside.example', to, subject, text: 'department views\r\n' });
  } catch {
    // The gateway greylists a first attempt: the decision is counted all the same.
  } finally {
    transport.close();
  }
}

async function openView(hash: string): Promise<void> {
  await page.evaluate((h) => {
    window.location.hash = h;
  }, hash);
}

beforeAll(async () => {
  consoleLab = await startConsoleLab({
    name: 'department-views',
    labFlags: ['--stores', '2', '--users', '40', '--domains', '2', '--greylist-delay', '3s'],
    viewport: { width: 1280, height: 900 },
    consoleArgs: ['--sign-in'],
  });
  page = consoleLab.page;
  const home = consoleLab.home;
  const users = parseLabUsers(await readFile(join(home, 'lab-users.csv'), 'utf8'));
  ourUser = users[0]!.address;
  ours = domainOf(ourUser);
  theirUser = users.find((u) => domainOf(u.address) !== ours)!.address;
  theirs = domainOf(theirUser);
  directory = await labDirectory(home);
  await addDepartmentAdmin(directory, {
    uid: 'dept15',
    displayName: 'Department admin / 部局管理者',
    domains: [ours],
    password,
  });
  const profile = await loadFleetProfile(join(home, 'fleet.json'));
  admin = await openFleet(profile, { subscribe: false });
  await admin.fleet.settled(60_000);
  // Each department's user gets a message that waits on the director: the system admin holds them.
  for (const user of [ourUser, theirUser]) await admin.fleet.call(director, 'queue.hold', { hold: { user } });
  const directorSmtp = profile.nodes.find((n) => n.name === director)?.services.smtp;
  const gatewaySmtp = profile.nodes.find((n) => n.role === 'gateway')?.services.smtp;
  if (!directorSmtp || !gatewaySmtp) throw new Error('the lab has no director or gateway SMTP');
  await send(hostPort(directorSmtp), ourUser, 'For our department');
  await send(hostPort(directorSmtp), theirUser, 'For their department');
  await send(hostPort(gatewaySmtp), ourUser, 'Gateway to our department');
  await send(hostPort(gatewaySmtp), theirUser, 'Gateway to their department');
}, 300_000);

afterAll(async () => {
  await admin?.close();
  await consoleLab?.stop();
}, 120_000);

describe("a department administrator's queue and spam views", () => {
  it("shows its domain's waiting mail, read-only, and not another department's", async () => {
    await expect
      .poll(async () => (await admin.fleet.call(director, 'queue.list', { limit: 50 })).total, {
        timeout: 30_000,
      })
      .toBeGreaterThanOrEqual(2);
    await page.locator('input[name="uid"]').fill('dept15');
    await page.locator('input[name="password"]').fill(password);
    await page.locator('.sign-in-form button[type="submit"]').click();
    await page.locator('.session-badge').waitFor({ timeout: 60_000 });
    const views = await page
      .locator('nav.app-nav a')
      .evaluateAll((links) => links.map((link) => link.getAttribute('data-view')));
    expect(views).toEqual(['queues', 'trace', 'spam', 'directory']);
    await openView('#/queues');
    const ourRow = page.locator('[data-testid="queue-messages"] tr', { hasText: 'For our department' });
    await ourRow.waitFor({ timeout: 60_000 });
    // Where and why, in words (the held recipient's story), and the recipient is ours.
    expect(await ourRow.locator('.mail-story').first().textContent()).toMatch(/\w+/);
    expect(await ourRow.textContent()).toContain(ourUser);
    const view = page.locator('main#main');
    // The other department's message waits on the same director (the staff see it), not here.
    const staffSees = await admin.fleet.call(director, 'queue.list', { recipient: theirUser, limit: 5 });
    expect(staffSees.total).toBeGreaterThanOrEqual(1);
    expect(await view.textContent()).not.toContain('For their department');
    expect(await view.textContent()).not.toContain(theirs);
    // Read-only: no hold, release or bulk action, and no fleet table (queue summaries are staff's).
    expect(await view.getByRole('button', { name: /^(Hold|Release|Delete|Flush|Requeue)/ }).count()).toBe(0);
    expect(await page.locator('[data-testid="fleet-queues"]').count()).toBe(0);
    await page.screenshot({ path: join(screenshots, 'department-queue-en.png'), fullPage: true });
    await page.getByRole('button', { name: '日本語' }).click();
    await expect.poll(() => page.locator('h2#queues-title').textContent()).not.toBe('Queues');
    await page.screenshot({ path: join(screenshots, 'department-queue-ja.png'), fullPage: true });
    await page.getByRole('button', { name: 'English' }).click();
  }, 180_000);

  it("shows its domain's spam figures and sets its spam policy in the directory", async () => {
    await openView('#/spam');
    await page.locator('[data-testid="spam-totals"]').waitFor({ timeout: 60_000 });
    // The gateway decided on mail to both departments; this view counts only ours.
    await expect
      .poll(async () => page.locator('main#main').textContent(), { timeout: 60_000 })
      .toContain(ours);
    expect(await page.locator('main#main').textContent()).not.toContain(theirs);
    await page.locator('input[name="mode"][value="reject"]').check();
    await page.locator('input[name="tagScore"]').fill('5');
    await page.locator('input[name="rejectScore"]').fill('12');
    await page.getByRole('button', { name: 'Save policy' }).click();
    await expect
      .poll(() => page.locator('.spam-policy-saved').textContent(), { timeout: 30_000 })
      .toMatch(/Saved/);
    // The directory holds it, read back as the system admin.
    const reader = LdapFleetDirectory.withPassword({
      url: directory.directoryUrl,
      baseDn: directory.baseDn,
      bindDn: new FleetTree(directory.baseDn).admin('labadmin'),
      bindPassword: directory.systemPassword,
    });
    try {
      const entry = (await reader.listDomains()).find((d) => d.name === ours);
      expect(entry?.spamPolicy).toMatch(/^mode=reject; tag=5; reject=12; /);
    } finally {
      await reader.close();
    }
    // A full-page shot from the top, so the sticky header is drawn where it belongs.
    await page.evaluate(() => window.scrollTo(0, 0));
    // The pointer off the chart (no tooltip over the figures).
    await page.mouse.move(5, 5);
    await page.screenshot({ path: join(screenshots, 'department-spam-en.png'), fullPage: true });
    await page.getByRole('button', { name: '日本語' }).click();
    await expect
      .poll(() => page.locator('#spam-policy-title').textContent())
      .toBe('あなたのドメインの迷惑メール対策');
    await page.screenshot({ path: join(screenshots, 'department-spam-ja.png'), fullPage: true });
    expect(consoleLab.pageErrors).toEqual([]);
  }, 180_000);
});
