/**
 * A user's self-service settings acting at delivery on the director, with Debian's Postfix as the
 * outside world (the sender's MTA, and the MX of outside.example keeping Maildirs). Carol sets her
 * vacation reply and forwarding herself, signed into the self-service page in Chromium; then a vacation
 * reply goes back exactly once per sender in the period (RFC 3834), never to a message with
 * `Precedence: bulk` or `List-Id`; the forward arrives at its target marked Delivered-To, with a
 * copy kept; a message that comes back carrying the user's Delivered-To is stored, not sent round;
 * too many hops are refused; forwarding opens no relay.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DnsResponder,
  startDnsResponder,
} from '../../../../main/lab/simulated-internet/dns-responder.js';
import { probeFreePort } from '../../../support/free-port.js';
import { startPostfix, type TestPostfix } from '../../../support/postfix.js';
import { storeUsers } from '../../../support/store-seed.js';
import { type DirectorFixture, outsideZone, startDirectorFixture } from './director-fixture.js';
import {
  isoDay,
  type SelfServicePage,
  startSelfServicePage,
} from './self-service/self-service-page-fixture.js';

const { carol, dave, bob } = storeUsers;
const day = 86_400_000;
const shots = join(import.meta.dirname, '../../../../test-output/console');
const friend = 'friend@outside.example';
const senders = ['sender@outside.example', 'other@outside.example', 'lists@outside.example'];

async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('self-service delivery with Debian Postfix as the outside world', () => {
  let postfix: TestPostfix;
  let dns: DnsResponder;
  let fx: DirectorFixture;
  let site: SelfServicePage;
  let vacationRoot: string;

  const message = (from: string, subject: string, extra = '') =>
    `From: ${from}\r\nTo: Carol <${carol.mail}>\r\nSubject: ${subject}\r\nMessage-ID: <${subject}@outside.example>\r\n${extra}\r\nHello ${subject}\r\n`;
  const sendViaPostfix = async (from: string, subject: string, extra = '') => {
    const transport = createTransport({ host: '127.0.0.1', port: postfix.port, ignoreTLS: true });
    try {
      return await transport.sendMail({
        envelope: { from, to: [carol.mail] },
        raw: message(from, subject, extra),
      });
    } finally {
      transport.close();
    }
  };
  const repliesTo = async (address: string) =>
    (await postfix.mailbox(address)).filter((text) => text.includes('Auto-Submitted: auto-replied'));
  /** Waits until carol has the message and nothing is left queued anywhere, so a reply would be there. */
  const settled = async (subject: string) => {
    await until(
      async () => (await fx.inbox('store01', carol.mail)).some((t) => t.includes(`Subject: ${subject}`)),
      `${subject} in carol's mailbox`,
    );
    await until(() => fx.queue.list().length === 0, 'an empty director queue');
    await until(async () => (await postfix.queue()).length === 0, 'an empty Postfix queue');
  };

  beforeAll(async () => {
    vacationRoot = await mkdtemp(join(tmpdir(), 'mailfleet-vacation-'));
    const directorPort = await probeFreePort();
    const director = `smtp:[127.0.0.1]:${directorPort}`;
    postfix = await startPostfix({
      transports: { 'alpha.example': director, 'beta.example': director },
      mailboxDomains: ['outside.example'],
      mailboxes: [friend, ...senders],
      mx: true,
    });
    dns = await startDnsResponder({ zone: outsideZone });
    fx = await startDirectorFixture(
      // Postfix on loopback plays the trusted relay in front of the director (as the gateway does).
      { port: directorPort, trustedNetworks: ['127.0.0.1/32'] },
      { now: () => Date.now() },
      { dnsServers: [dns.server], port: postfix.mxPort },
      vacationRoot,
    );
    site = await startSelfServicePage(fx, { now: () => Date.now() });
  }, 60_000);
  afterAll(async () => {
    await site?.stop();
    await fx?.stop();
    await dns?.stop();
    await postfix?.stop();
    if (vacationRoot) await rm(vacationRoot, { recursive: true, force: true });
  });

  it('takes the vacation reply and forwarding from carol on the self-service page in Chromium', async () => {
    // Mail before she sets anything: stored only, and the director has carol in its routing cache,
    // so what follows also shows a change on the page acts on the very next message.
    await sendViaPostfix(senders[0] as string, 'before');
    await settled('before');
    expect(await postfix.mailbox(friend)).toHaveLength(0);
    expect(await repliesTo(senders[0] as string)).toHaveLength(0);
    const page = await site.newPage();
    await site.signIn(page, carol.mail, carol.password, 'ja');
    expect(await page.locator('#signed-in-address').textContent()).toBe(carol.mail);
    const now = Date.now();
    await site.saveSettings(page, {
      forwardTo: [friend],
      keepCopy: true,
      vacation: {
        start: isoDay(now - day),
        end: isoDay(now + 7 * day),
        subject: '不在のお知らせ',
        body: '12月14日まで不在です。\nI am away until 14 December.',
      },
    });
    expect(await page.locator('[role=status]').textContent()).toBe('保存しました。');
    await mkdir(shots, { recursive: true });
    await page.screenshot({ path: join(shots, 'self-service-e2e-ja.png'), fullPage: true });
    // What the page wrote is what the director reads at delivery.
    const saved = (await fx.router.findUser(carol.mail))?.selfService;
    expect(saved?.forwardTo).toEqual([friend]);
    expect(saved?.keepCopy).toBe(true);
    expect(saved?.vacation).toMatchObject({ active: true, subject: '不在のお知らせ' });
    expect(saved?.vacation?.body).toContain('I am away until 14 December.');
    await page.context().close();
  });

  it('replies once per sender in the period, forwards with a copy kept', async () => {
    expect((await sendViaPostfix(senders[0] as string, 'first')).response).toMatch(/^250 /);
    await settled('first');
    await until(async () => (await postfix.mailbox(friend)).length === 1, 'the forward at friend@outside');
    const [forward] = await postfix.mailbox(friend);
    expect(forward).toContain('Subject: first');
    expect(forward).toContain(`Delivered-To: ${carol.mail}`);
    // SRS-free: the forward keeps the original envelope sender.
    expect(forward).toMatch(/^Return-Path: <sender@outside\.example>\n/);
    await until(async () => (await repliesTo(senders[0] as string)).length === 1, 'the vacation reply');
    const [reply] = await repliesTo(senders[0] as string);
    expect(reply).toMatch(/^Return-Path: <>\n/);
    expect(reply).toContain(`From: ${carol.mail}`);
    expect(reply).toContain('In-Reply-To: <first@outside.example>');
    expect(reply).toContain('References: <first@outside.example>');
    // The subject and the text carol typed on the page, Japanese as written.
    const parsed = await simpleParser(reply as string);
    expect(parsed.subject).toBe('不在のお知らせ');
    expect(parsed.text).toContain('12月14日まで不在です。');
    expect(parsed.text).toContain('I am away until 14 December.');

    await sendViaPostfix(senders[0] as string, 'second');
    await settled('second');
    await until(async () => (await postfix.mailbox(friend)).length === 2, 'the second forward');
    expect(await repliesTo(senders[0] as string)).toHaveLength(1);
  });

  it('sends no reply to bulk mail or a mailing list, but a reply to another sender', async () => {
    await sendViaPostfix(senders[1] as string, 'bulk', 'Precedence: bulk\r\n');
    await sendViaPostfix(senders[2] as string, 'listed', 'List-Id: <news.outside.example>\r\n');
    await settled('bulk');
    await settled('listed');
    expect(await repliesTo(senders[1] as string)).toHaveLength(0);
    expect(await repliesTo(senders[2] as string)).toHaveLength(0);
    await sendViaPostfix(senders[1] as string, 'personal');
    await settled('personal');
    await until(async () => (await repliesTo(senders[1] as string)).length === 1, 'the reply to other@');
  });

  it("stores a message that comes back with the user's Delivered-To instead of forwarding it again", async () => {
    const forwardsBefore = (await postfix.mailbox(friend)).length;
    await sendViaPostfix(senders[1] as string, 'looped', `Delivered-To: ${carol.mail}\r\n`);
    await settled('looped');
    expect((await postfix.mailbox(friend)).length).toBe(forwardsBefore);
  });

  it('refuses a message past the hop limit, and forwarding opens no relay', async () => {
    // From 127.0.0.2: outside the trusted networks (Postfix's 127.0.0.1), as a stranger on the internet.
    const transport = createTransport({
      host: '127.0.0.1',
      port: fx.smtp.port,
      ignoreTLS: true,
      localAddress: '127.0.0.2',
    });
    const hops = Array.from(
      { length: 51 },
      (_, i) => `Received: from hop${i}.example by hop${i + 1}.example\r\n`,
    ).join('');
    try {
      const looping = await transport
        .sendMail({
          envelope: { from: senders[0] as string, to: [carol.mail] },
          raw: `${hops}${message(senders[0] as string, 'hops')}`,
        })
        .then(
          () => 'accepted',
          (error: { response?: string }) => error.response ?? String(error),
        );
      expect(looping).toMatch(/^554 5\.4\.6 /);
      // A client outside the trusted networks reaches carol's forward target only through carol.
      const relay = await transport
        .sendMail({
          envelope: { from: senders[0] as string, to: [friend] },
          raw: message(senders[0] as string, 'relay'),
        })
        .then(
          () => 'accepted',
          (error: { response?: string }) => error.response ?? String(error),
        );
      expect(relay).toMatch(/^554 5\.7\.1 /);
      const percent = await transport
        .sendMail({
          envelope: { from: senders[0] as string, to: ['friend%outside.example@alpha.example'] },
          raw: message(senders[0] as string, 'percent'),
        })
        .then(
          () => 'accepted',
          (error: { response?: string }) => error.response ?? String(error),
        );
      expect(percent).toMatch(/^550 5\.1\.1 /);
    } finally {
      transport.close();
    }
  });

  it("files flagged spam into Junk for a user who chose it, and refuses it above a user's score", async () => {
    await fx.ldap.setUserSelfService(dave.mail, { forwardTo: [], keepCopy: false, spam: { mode: 'junk' } });
    await fx.ldap.setUserSelfService(bob.mail, {
      forwardTo: [],
      keepCopy: false,
      spam: { mode: 'reject', rejectScore: 8 },
    });
    const transport = createTransport({
      host: '127.0.0.1',
      port: fx.smtp.port,
      ignoreTLS: true,
      localAddress: '127.0.0.2',
    });
    const spam = (to: string, subject: string) =>
      transport
        .sendMail({
          envelope: { from: senders[0] as string, to: [to] },
          raw: `X-Spam-Flag: YES\r\nX-Spam-Score: 9.5\r\nFrom: ${senders[0]}\r\nTo: ${to}\r\nSubject: ${subject}\r\n\r\nBuy\r\n`,
        })
        .then(
          () => 'accepted',
          (error: { response?: string }) => error.response ?? String(error),
        );
    try {
      expect(await spam(dave.mail, 'junk-for-dave')).toBe('accepted');
      await until(() => fx.queue.list().length === 0, 'an empty director queue');
      const junk = await (await fx.stores.store01.storage.mailbox(dave.mail, 0)).openFolder('Junk');
      const texts = await Promise.all(
        junk.messages().map(async (m) => (await junk.read(m.uid)).toString('utf8')),
      );
      junk.close();
      expect(texts.some((t) => t.includes('Subject: junk-for-dave'))).toBe(true);
      expect((await fx.inbox('store01', dave.mail)).some((t) => t.includes('junk-for-dave'))).toBe(false);
      expect(await spam(bob.mail, 'spam-for-bob')).toMatch(/^550 5\.7\.1 /);
    } finally {
      transport.close();
    }
  });
});
