/**
 * The self-service page in Chromium (playwright-core) against a real director (the director
 * fixture: embedded directory, stores, queue, SMTP) over HTTPS with a certificate of the lab's CA:
 * a user signs in with address and password, sets forwarding, a vacation reply and spam handling,
 * and the next mail gets its reply queued. Refused in words with nothing changed: a wrong password
 * (throttled after a few), forwarding to itself or round through another user, a vacation ending
 * before it starts, an expired session, a form without the session's token. Screenshots in
 * Japanese and English: test-output/console/self-service-*.png.
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeUsers } from '../../../../support/store-seed.js';
import { type DirectorFixture, startDirectorFixture } from '../director-fixture.js';
import { isoDay, type SelfServicePage, startSelfServicePage } from './self-service-page-fixture.js';

const { carol, alice } = storeUsers;
const shots = join(import.meta.dirname, '../../../../../test-output/console');
const day = 86_400_000;

describe('the self-service page in Chromium against a director', () => {
  let fx: DirectorFixture;
  let site: SelfServicePage;
  let vacationRoot: string;
  let now = Date.now();
  const clock = { now: () => now };
  const base = () => site.base();

  const newPage = (): Promise<Page> => site.newPage();
  const signIn = (page: Page, address: string, password: string, language: 'ja' | 'en' = 'ja') =>
    site.signIn(page, address, password, language);
  const alertText = async (page: Page) => (await page.locator('[role=alert]').textContent()) ?? '';

  beforeAll(async () => {
    await mkdir(shots, { recursive: true });
    vacationRoot = await mkdtemp(join(tmpdir(), 'mailfleet-self-service-'));
    fx = await startDirectorFixture({}, clock, undefined, vacationRoot);
    site = await startSelfServicePage(fx, clock);
  }, 60_000);
  afterAll(async () => {
    await site?.stop();
    await fx?.stop();
    if (vacationRoot) await rm(vacationRoot, { recursive: true, force: true });
  });

  it('serves the page under the lab CA with secure cookies and a strict policy', async () => {
    const ca = await readFile(site.certificates.caFile, 'utf8');
    const { status, headers } = await new Promise<{ status: number; headers: Record<string, unknown> }>(
      (resolve, reject) => {
        const req = httpsRequest(`${base()}/`, { ca: [ca] }, (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0, headers: res.headers });
        });
        req.on('error', reject);
        req.end();
      },
    );
    expect(status).toBe(200);
    expect(String(headers['set-cookie'])).toMatch(
      /mf_self_service=[^;]+; Path=\/; Secure; HttpOnly; SameSite=Strict/,
    );
    expect(String(headers['content-security-policy'])).toContain("default-src 'none'");
  });

  it('signs a user in, saves forwarding, vacation and spam handling, and the next mail gets a reply', async () => {
    const page = await newPage();
    await page.goto(`${base()}/?lang=ja`);
    await page.screenshot({ path: join(shots, 'self-service-sign-in-ja.png'), fullPage: true });
    await signIn(page, carol.mail, carol.password);
    expect(await page.locator('#signed-in-address').textContent()).toBe(carol.mail);
    await site.saveSettings(page, {
      forwardTo: ['carol.home@outside.example'],
      keepCopy: true,
      vacation: {
        start: isoDay(now - day),
        end: isoDay(now + 7 * day),
        subject: '不在のお知らせ',
        body: '12月14日まで不在です。',
      },
      spam: 'junk',
    });
    expect(await page.locator('[role=status]').textContent()).toBe('保存しました。');
    await page.screenshot({ path: join(shots, 'self-service-settings-ja.png'), fullPage: true });
    await page.goto(`${base()}/?lang=en`);
    await page.screenshot({ path: join(shots, 'self-service-settings-en.png'), fullPage: true });
    const saved = (await fx.ldap.findUserByAddress(carol.mail))?.selfService;
    expect(saved?.forwardTo).toEqual(['carol.home@outside.example']);
    expect(saved?.keepCopy).toBe(true);
    expect(saved?.vacation).toMatchObject({
      active: true,
      subject: '不在のお知らせ',
      body: '12月14日まで不在です。',
    });
    expect(saved?.spam).toEqual({ mode: 'junk' });

    // Mail to carol now: the forward and the vacation reply are queued (no outbound here: they wait).
    const transport = createTransport({ host: '127.0.0.1', port: fx.smtp.port, ignoreTLS: true });
    await transport.sendMail({
      envelope: { from: 'writer@outside.example', to: [carol.mail] },
      raw: `From: writer@outside.example\r\nTo: ${carol.mail}\r\nSubject: hello\r\nMessage-ID: <hello@outside.example>\r\n\r\nHi\r\n`,
    });
    transport.close();
    const queued = fx.queue.list();
    expect(
      queued.filter((e) => e.sender === '' && e.recipients[0]?.address === 'writer@outside.example'),
    ).toHaveLength(1);
    expect(queued.some((e) => e.recipients.some((r) => r.address === 'carol.home@outside.example'))).toBe(
      true,
    );
  });

  it('refuses a forwarding loop and a vacation ending before it starts, in words, with nothing changed', async () => {
    await fx.ldap.setUserSelfService(alice.mail, { forwardTo: [carol.mail], keepCopy: false });
    fx.router.invalidate({ user: alice.mail });
    const before = (await fx.ldap.findUserByAddress(carol.mail))?.selfService;
    const page = await newPage();
    await signIn(page, carol.mail, carol.password, 'en');
    await page.fill('textarea[name=forwardTo]', carol.mail);
    await page.click('form[action="/settings"] button[type=submit]');
    expect(await alertText(page)).toMatch(/comes back to you/);
    await page.fill('textarea[name=forwardTo]', alice.mail);
    await page.click('form[action="/settings"] button[type=submit]');
    expect(await alertText(page)).toMatch(/comes back to you/);
    await page.screenshot({ path: join(shots, 'self-service-refused-loop-en.png'), fullPage: true });
    await page.fill('textarea[name=forwardTo]', '');
    await page.fill('input[name=vacationStart]', isoDay(now + 3 * day));
    await page.fill('input[name=vacationEnd]', isoDay(now + day));
    await page.click('form[action="/settings"] button[type=submit]');
    expect(await alertText(page)).toBe('The vacation must end after it starts. Nothing was changed.');
    expect((await fx.ldap.findUserByAddress(carol.mail))?.selfService).toEqual(before);
  });

  it('refuses wrong passwords, then throttles; a stranger gets nowhere', async () => {
    const page = await newPage();
    await signIn(page, carol.mail, 'not-her-password', 'en');
    expect(await alertText(page)).toBe('The mail address or the password is wrong.');
    let last = '';
    for (let i = 0; i < 4; i++) {
      await signIn(page, carol.mail, `guess-${i}`, 'en');
      last = await alertText(page);
    }
    expect(last).toBe('Too many failed attempts: wait a while, then try again.');
    // Even the right password waits now: the shared guard, not this page, decides.
    await signIn(page, carol.mail, carol.password, 'en');
    expect(await alertText(page)).toBe('Too many failed attempts: wait a while, then try again.');
    expect(await page.locator('#signed-in-address').count()).toBe(0);
    now += 10 * 60_000;
  });

  it('ends an idle session and refuses a form without the session token', async () => {
    const page = await newPage();
    await signIn(page, 'dave@beta.example', storeUsers.dave.password, 'en');
    expect(await page.locator('#signed-in-address').textContent()).toBe('dave@beta.example');
    // Another page's form: the right cookie (the browser sends it) but not the token.
    const cookie = (await page.context().cookies()).find((c) => c.name === 'mf_self_service');
    const forged = await postForm(
      `${base()}/settings`,
      `mf_self_service=${cookie?.value}`,
      'csrf=wrong&forwardTo=thief%40outside.example',
    );
    expect(forged.status).toBe(400);
    // No language cookie on the forged request: the page answers in Japanese, the default.
    expect(forged.body).toContain('フォームが古いか、別のページから送られました。何も変更していません。');
    expect((await fx.ldap.findUserByAddress('dave@beta.example'))?.selfService).toBeUndefined();
    now += 31 * 60_000;
    await page.fill('textarea[name=forwardTo]', 'dave.home@outside.example');
    await page.click('form[action="/settings"] button[type=submit]');
    expect(await alertText(page)).toBe('You were signed out after a while without use. Sign in again.');
    expect(await page.locator('input[name=password]').count()).toBe(1);
    expect((await fx.ldap.findUserByAddress('dave@beta.example'))?.selfService).toBeUndefined();
  });

  it('changes the password under the policy; the new one signs in', async () => {
    const page = await newPage();
    await signIn(page, 'dave@beta.example', storeUsers.dave.password, 'en');
    const change = async (current: string, next: string, again = next) => {
      await page.fill('input[name=current]', current);
      await page.fill('input[name=next]', next);
      await page.fill('input[name=again]', again);
      await page.click('form[action="/password"] button[type=submit]');
    };
    await change(storeUsers.dave.password, 'short');
    expect(await alertText(page)).toMatch(/8/);
    await change(storeUsers.dave.password, 'dave@beta.example');
    expect(await alertText(page)).not.toBe('');
    await change(storeUsers.dave.password, storeUsers.dave.password);
    expect(await alertText(page)).not.toBe('');
    await change('wrong-current', 'a-better-passphrase');
    expect(await alertText(page)).toBe('The current password is wrong. Nothing was changed.');
    expect(await fx.ldap.verifyPassword('dave@beta.example', storeUsers.dave.password)).toBe(true);
    await change(storeUsers.dave.password, 'a-better-passphrase');
    expect(await page.locator('[role=status]').textContent()).toBe('Your password is changed.');
    expect(await fx.ldap.verifyPassword('dave@beta.example', 'a-better-passphrase')).toBe(true);
  });
});

async function postForm(
  url: string,
  cookie: string,
  body: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        method: 'POST',
        rejectUnauthorized: false,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
