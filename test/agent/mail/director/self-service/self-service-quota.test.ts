/**
 * The quota use on the self-service page (docs/self-service.md), with real agents (a store agent
 * and a director agent with its self-service page and IMAP proxy; director-agents.ts) and
 * Chromium: mail delivered through the director fills carol's and alice's mailboxes; each sees
 * "使用中 X MB / 上限 Y MB" (and in English) and a `<meter>` with the figures the store itself
 * reports, read at the store with the user's own password. A signed-in user cannot read another
 * user's use: the page has no way to name another user, and the store refuses a login to
 * another's mailbox with one's own password. A store that does not answer in time: the page still
 * renders, says the use is not available right now, and shows the limit.
 */
import { mkdir } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreLoginRefused } from '../../../../../agent/mail/proxy/imap-store-login.js';
import { readQuotaUseAtStore } from '../../../../../agent/mail/proxy/store-quota-use.js';
import { storeUsers } from '../../../../support/store-seed.js';
import { makeTestCertificates, type TestCertificates } from '../../../../support/test-certificates.js';
import { type DirectorAgents, startDirectorAgents } from '../director-agents.js';
import { chromiumTrusting, signInOnPage } from './self-service-page-fixture.js';

const { carol, alice } = storeUsers;
const shots = join(import.meta.dirname, '../../../../../test-output/console');

/** The page's way of writing a size below 10 MB. */
const mb = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MB`;

describe('quota use on the self-service page (real agents, Chromium)', () => {
  let agents: DirectorAgents;
  let certificates: TestCertificates;
  let browser: Browser;
  let pageBase: string;

  const endpointsOf = async (node: 'store01' | 'director01') =>
    (await agents.directory.reader(node).getServer(node))?.endpoints ?? {};

  /** The use and limit store01 reports for a user (its own RPC), in the units IMAP QUOTA uses. */
  const storeFigures = async (user: string) => {
    const rpc = await agents.connect('store01');
    try {
      const { quota } = await rpc.client.call('mailbox.stats', { user });
      return {
        usedBytes: Math.ceil(quota.usedBytes / 1024) * 1024,
        limitBytes: Math.floor(quota.limitBytes / 1024) * 1024,
      };
    } finally {
      rpc.close();
    }
  };

  const signedInPage = async (user: { mail: string; password: string }, language: 'ja' | 'en') => {
    const page = await (await browser.newContext()).newPage();
    await signInOnPage(page, pageBase, user.mail, user.password, language);
    expect(await page.locator('#signed-in-address').textContent()).toBe(user.mail);
    return page;
  };

  const meterOf = async (page: Page) => ({
    value: Number(await page.locator('#quota-meter').getAttribute('value')),
    max: Number(await page.locator('#quota-meter').getAttribute('max')),
  });

  beforeAll(async () => {
    await mkdir(shots, { recursive: true });
    certificates = await makeTestCertificates('director01');
    agents = await startDirectorAgents({
      tls: { certFile: certificates.certFile, keyFile: certificates.keyFile },
      director: {
        host: '127.0.0.1',
        smtpPort: 0,
        selfServicePort: 0,
        trustedNetworks: ['127.0.0.1/32'],
      },
      // The store list read fresh each time: the test points store01's IMAP elsewhere and back.
      proxy: { host: '127.0.0.1', imapPort: 0, pop3Port: 0, failedLoginDelayMs: 0, storeCacheMs: 0 },
    });
    browser = await chromiumTrusting(certificates.certFile);
    pageBase = `https://127.0.0.1:${(await endpointsOf('director01'))['self-service']?.split(':')[1]}`;
    // Mail through the director: about 300 KB for carol, 1.5 MB for alice.
    const transport = createTransport({
      host: '127.0.0.1',
      port: Number((await endpointsOf('director01')).smtp?.split(':')[1]),
      ignoreTLS: true,
    });
    for (const [user, kb] of [
      [carol.mail, 300],
      [alice.mail, 1500],
    ] as const)
      await transport.sendMail({
        envelope: { from: 'writer@outside.example', to: [user] },
        raw: `From: writer@outside.example\r\nTo: ${user}\r\nSubject: quota\r\n\r\n${'x'
          .repeat(76)
          .concat('\r\n')
          .repeat(Math.ceil((kb * 1024) / 78))}`,
      });
    transport.close();
    const deadline = Date.now() + 30_000;
    while (
      (await storeFigures(alice.mail)).usedBytes < 1500 * 1024 ||
      (await storeFigures(carol.mail)).usedBytes < 300 * 1024
    ) {
      if (Date.now() > deadline) throw new Error('the mail did not reach store01 in time');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await agents?.stop();
    await certificates?.remove();
  });

  it('shows each user its own use and limit as the store reports them, in Japanese and English', async () => {
    const carolAtStore = await storeFigures(carol.mail);
    const aliceAtStore = await storeFigures(alice.mail);
    expect(carolAtStore.usedBytes).not.toBe(aliceAtStore.usedBytes);

    const ja = await signedInPage(carol, 'ja');
    expect(await ja.locator('#quota-use').textContent()).toBe(
      `使用中 ${mb(carolAtStore.usedBytes)} / 上限 ${mb(carolAtStore.limitBytes)}`,
    );
    expect(await meterOf(ja)).toEqual({ value: carolAtStore.usedBytes, max: carolAtStore.limitBytes });
    await ja.screenshot({ path: join(shots, 'self-service-quota-ja.png'), fullPage: true });

    const en = await signedInPage(alice, 'en');
    expect(await en.locator('#quota-use').textContent()).toBe(
      `In use ${mb(aliceAtStore.usedBytes)} / Limit ${mb(aliceAtStore.limitBytes)}`,
    );
    expect(await meterOf(en)).toEqual({ value: aliceAtStore.usedBytes, max: aliceAtStore.limitBytes });
    await en.screenshot({ path: join(shots, 'self-service-quota-en.png'), fullPage: true });
  });

  it("does not let a user read another user's use", async () => {
    const carolAtStore = await storeFigures(carol.mail);
    const page = await signedInPage(carol, 'en');
    // The page has no parameter naming a user: whatever a query says, it shows carol's own figures.
    for (const query of [`user=${alice.mail}`, `address=${alice.mail}`, `mail=${alice.mail}&lang=en`]) {
      await page.goto(`${pageBase}/?${query}`);
      expect(await page.locator('#signed-in-address').textContent()).toBe(carol.mail);
      expect(await meterOf(page)).toEqual({ value: carolAtStore.usedBytes, max: carolAtStore.limitBytes });
    }
    // Without a session there is no figure at all.
    const stranger = await (await browser.newContext()).newPage();
    await stranger.goto(`${pageBase}/?user=${alice.mail}`);
    expect(await stranger.locator('#quota-meter').count()).toBe(0);
    // What the page asks is the store's own login: carol's password does not open alice's mailbox.
    const [host, port] = ((await endpointsOf('store01')).imap ?? '').split(':');
    await expect(
      readQuotaUseAtStore(
        { node: 'store01', host: host!, port: Number(port) },
        alice.mail,
        carol.password,
        {},
      ),
    ).rejects.toBeInstanceOf(StoreLoginRefused);
  });

  it('still renders when the store does not answer, and says the use is not available right now', async () => {
    // store01's IMAP endpoint pointed at a listener that takes the connection and never answers.
    const silent: Socket[] = [];
    const listener: Server = createServer((socket) => silent.push(socket));
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const store = agents.directory.reader('store01');
    const published = await endpointsOf('store01');
    const address = listener.address();
    if (!address || typeof address === 'string') throw new Error('no listener address');
    try {
      await store.updateServer('store01', { endpoints: { ...published, imap: `127.0.0.1:${address.port}` } });
      for (const [language, words] of [
        ['ja', '使用量はいま確認できません'],
        ['en', 'The use is not available right now'],
      ] as const) {
        const page = await signedInPage(carol, language);
        expect(await page.locator('#quota-use-missing').textContent()).toContain(words);
        expect(await page.locator('#quota-meter').count()).toBe(0);
        expect(await page.locator('#quota-limit').textContent()).toBe(
          language === 'ja' ? '部局の既定値' : 'the department default',
        );
        if (language === 'en')
          await page.screenshot({ path: join(shots, 'self-service-quota-missing-en.png'), fullPage: true });
      }
      expect(silent.length).toBeGreaterThan(0);
    } finally {
      await store.updateServer('store01', { endpoints: published });
      await store.close();
      for (const socket of silent) socket.destroy();
      await new Promise((resolve) => listener.close(resolve));
    }
    // The store back: the use is shown again.
    const page = await signedInPage(carol, 'en');
    expect(await page.locator('#quota-meter').count()).toBe(1);
  });
});
