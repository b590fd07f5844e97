import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LineClient } from '../../../support/line-client.js';
import { storeUsers } from '../../../support/store-seed.js';
import { type DirectorFixture, staffGroup, startDirectorFixture, teamAlias } from './director-fixture.js';

const { alice, bob, carol, dave, eve } = storeUsers;

async function until(check: () => Promise<boolean> | boolean): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 20));
}

function mail(subject: string): string {
  return `From: sender@outside.example\r\nTo: someone\r\nSubject: ${subject}\r\nMessage-ID: <${subject}@test>\r\n\r\nHello ${subject}\r\n`;
}

describe('director SMTP routing to stores (real directory, real stores, nodemailer)', () => {
  let fx: DirectorFixture;

  const send = async (to: string[], subject: string, auth?: { user: string; pass: string }) => {
    const transport = createTransport({ host: '127.0.0.1', port: fx.smtp.port, ignoreTLS: true, auth });
    try {
      return await transport.sendMail({
        // An authenticated user sends as themself (the director refuses other senders: 553 5.7.1).
        envelope: { from: auth?.user ?? 'sender@outside.example', to },
        raw: mail(subject),
      });
    } finally {
      transport.close();
    }
  };
  const hasSubject = async (store: 'store01' | 'store02', user: string, subject: string) =>
    (await fx.inbox(store, user)).some((text) => text.includes(`Subject: ${subject}\r\n`));

  beforeAll(async () => {
    fx = await startDirectorFixture();
  });
  afterAll(async () => {
    await fx.stop();
  });

  it('delivers to each seeded user on the store their mailHost names, by mail and mailLocalAddress', async () => {
    const info = await send([alice.mail, alice.extra, bob.mail], 'first');
    expect(info.response).toMatch(/^250 2\.0\.0 queued as /);
    await until(
      async () =>
        (await hasSubject('store01', alice.mail, 'first')) &&
        (await hasSubject('store02', bob.mail, 'first')),
    );
    const [text] = await fx.inbox('store01', alice.mail);
    // Two RCPTs for one mailbox: one copy.
    expect((await fx.inbox('store01', alice.mail)).length).toBe(1);
    expect(text).toMatch(/^Return-Path: <sender@outside\.example>\r\nDelivered-To: alice@alpha\.example\r\n/);
    expect(text).toContain('by director01.test with ESMTP');
    expect(await fx.inbox('store01', bob.mail)).toEqual([]);
    await until(() => fx.queue.list().length === 0);
  });

  it('fans an alias out to both stores and a group to its members', async () => {
    await send([teamAlias, staffGroup], 'fanout');
    await until(
      async () =>
        (await hasSubject('store01', alice.mail, 'fanout')) &&
        (await hasSubject('store02', bob.mail, 'fanout')) &&
        (await hasSubject('store01', dave.mail, 'fanout')),
    );
    // bob is in both: one copy.
    await until(() => fx.queue.list().length === 0);
    expect((await fx.inbox('store02', bob.mail)).filter((t) => t.includes('Subject: fanout')).length).toBe(1);
    expect(await hasSubject('store01', carol.mail, 'fanout')).toBe(false);
  });

  it('refuses unknown and disabled local users at RCPT, and relaying for outside clients', async () => {
    const info = await send(
      [carol.mail, 'nobody@alpha.example', eve.mail, 'someone@elsewhere.example'],
      'refusals',
    );
    expect(info.accepted).toEqual([carol.mail]);
    const reasons = Object.fromEntries((info.rejectedErrors ?? []).map((e) => [e.recipient, e.response]));
    expect(reasons['nobody@alpha.example']).toMatch(/^550 5\.1\.1/);
    expect(reasons[eve.mail]).toMatch(/^550 5\.2\.1/);
    expect(reasons['someone@elsewhere.example']).toMatch(/^554 5\.7\.1 relay access denied/);
    const relay = await send(['someone@elsewhere.example'], 'relay-only').catch(
      (error: { response?: string }) => error,
    );
    expect(String((relay as { response?: string }).response)).toMatch(/^554 5\.7\.1/);
    await until(() => hasSubject('store01', carol.mail, 'refusals'));
  });

  it('lets an authenticated user past the relay check (outbound delivery off here: 451)', async () => {
    const refused = await send(['someone@elsewhere.example'], 'auth-relay', {
      user: carol.mail,
      pass: carol.password,
    }).catch((error: { response?: string }) => error);
    expect(String((refused as { response?: string }).response)).toMatch(/^451 4\.3\.2/);
    await expect(send([carol.mail], 'bad-auth', { user: carol.mail, pass: 'wrong' })).rejects.toThrow(/535/);
  });

  it('holds a user: mail stays queued; release delivers it', async () => {
    await fx.queue.hold({ user: carol.mail });
    await send([carol.mail, dave.mail], 'held');
    await until(() => hasSubject('store01', dave.mail, 'held'));
    await fx.queue.settled();
    expect(await hasSubject('store01', carol.mail, 'held')).toBe(false);
    expect(fx.queue.summary().recipients.held).toBe(1);
    expect(fx.queue.list()[0]?.recipients.find((r) => r.address === carol.mail)?.state).toBe('pending');
    await fx.queue.release({ user: carol.mail });
    await until(() => hasSubject('store01', carol.mail, 'held'));
    await until(() => fx.queue.list().length === 0);
  });

  it('sends the next message to the new store after a mailHost flip and invalidate', async () => {
    await send([carol.mail], 'before-flip');
    await until(() => hasSubject('store01', carol.mail, 'before-flip'));
    await fx.ldap.modifyUser(carol.mail, { mailHost: 'store02' });
    fx.router.invalidate({ user: carol.mail });
    await send([carol.mail], 'after-flip');
    await until(() => hasSubject('store02', carol.mail, 'after-flip'));
    expect(await hasSubject('store01', carol.mail, 'after-flip')).toBe(false);
    await fx.ldap.modifyUser(carol.mail, { mailHost: 'store01' });
    fx.router.invalidate({ user: carol.mail });
  });

  it('refuses messages over the size limit with 552', async () => {
    const transport = createTransport({ host: '127.0.0.1', port: fx.smtp.port, ignoreTLS: true });
    const big = `Subject: big\r\n\r\n${'x'.repeat(998)}\r\n`.repeat(150);
    await expect(
      transport.sendMail({ envelope: { from: 'a@outside.example', to: [carol.mail] }, raw: big }),
    ).rejects.toThrow(/552/);
    transport.close();
  });

  describe('SMTP smuggling', () => {
    async function session(): Promise<LineClient> {
      const client = await LineClient.connect(fx.smtp.port);
      expect(await client.readLine()).toMatch(/^220 /);
      client.send('EHLO client.test\r\n');
      let line = await client.readLine();
      while (line.startsWith('250-')) line = await client.readLine();
      expect(line).toMatch(/^250 /);
      return client;
    }

    it.each([
      ['bare LF ending a command', 'MAIL FROM:<a@outside.example>\nRCPT TO:<carol@alpha.example>\r\n', false],
      ['bare CR inside a command', 'MAIL FROM:<a@outside.example>\rRCPT TO:<carol@alpha.example>\r\n', false],
      ['<LF>.<CR><LF> in DATA', 'Subject: smuggle-1\r\n\r\nhi\n.\r\nMAIL FROM:<x@outside.example>\r\n', true],
      ['<CR>.<CR> in DATA', 'Subject: smuggle-2\r\n\r\nhi\r.\rMAIL FROM:<x@outside.example>\r\n', true],
      ['bare LF line ends in DATA', 'Subject: smuggle-3\n\nhi\n', true],
    ])('%s: 521 and closed, nothing queued', async (_name, bytes, inData) => {
      const before = (await fx.inbox('store01', carol.mail)).length;
      const client = await session();
      if (inData) {
        expect(await client.command('MAIL FROM:<a@outside.example>')).toMatch(/^250/);
        expect(await client.command(`RCPT TO:<${carol.mail}>`)).toMatch(/^250/);
        expect(await client.command('DATA')).toMatch(/^354/);
        client.send(`${bytes}.\r\n`);
      } else {
        client.send(bytes);
      }
      let line = await client.readLine();
      while (!line.startsWith('521')) {
        expect(line).not.toMatch(/^250 2\.0\.0 queued/);
        line = await client.readLine();
      }
      expect(line).toMatch(/^521 5\.5\.2 bare LF or CR/);
      await client.closed();
      await fx.queue.settled();
      expect((await fx.inbox('store01', carol.mail)).length).toBe(before);
      // The server still serves.
      await send([carol.mail], `after-smuggle-${before}`);
      await until(() => hasSubject('store01', carol.mail, `after-smuggle-${before}`));
    });
  });
});
