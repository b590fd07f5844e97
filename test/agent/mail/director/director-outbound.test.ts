/**
 * The director with outbound delivery, TLS and submission, end to end: the embedded directory, real
 * stores, the simulated internet (DNS responder + rule-based SMTP host), nodemailer as the client.
 */
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DnsResponder,
  startDnsResponder,
} from '../../../../main/lab/simulated-internet/dns-responder.js';
import {
  type SimulatedMailHost,
  startSimulatedMailHost,
} from '../../../../main/lab/simulated-internet/simulated-mail-host.js';
import { LineClient } from '../../../support/line-client.js';
import { storeUsers } from '../../../support/store-seed.js';
import { makeTestCertificates, type TestCertificates } from '../../../support/test-certificates.js';
import { type DirectorFixture, outsideZone, startDirectorFixture } from './director-fixture.js';

const { carol, dave } = storeUsers;
const hour = 3_600_000;

async function until(check: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('director outbound, TLS and submission (simulated internet)', () => {
  let fx: DirectorFixture;
  let dns: DnsResponder;
  let internet: SimulatedMailHost;
  let certificates: TestCertificates;
  let ca: Buffer;
  let now = Date.now();

  const mail = (subject: string) =>
    `From: ${carol.mail}\r\nTo: someone@outside.example\r\nSubject: ${subject}\r\nMessage-ID: <${subject}@alpha.example>\r\n\r\nHello ${subject}\r\n`;
  const submit = async (port: number, to: string[], subject: string, secure = false) => {
    const transport = createTransport({
      host: '127.0.0.1',
      port,
      secure,
      requireTLS: !secure,
      tls: { ca: ca, servername: 'localhost' },
      auth: { user: carol.mail, pass: carol.password },
    });
    try {
      return await transport.sendMail({ envelope: { from: carol.mail, to }, raw: mail(subject) });
    } finally {
      transport.close();
    }
  };
  const inboxSubjects = async (user: string) =>
    (await fx.inbox('store01', user)).map((text) => /^Subject: (.*)$/m.exec(text)?.[1] ?? '');

  beforeAll(async () => {
    certificates = await makeTestCertificates('director01');
    ca = await readFile(certificates.caFile);
    internet = await startSimulatedMailHost({
      rules: [
        { match: 'slow.example', action: 'defer', reply: '450 4.7.1 greylisted, come back later' },
        { match: 'nobody@outside.example', action: 'reject', reply: '550 5.1.1 no such user here' },
      ],
    });
    dns = await startDnsResponder({ zone: outsideZone });
    fx = await startDirectorFixture(
      {
        tls: certificates.credentials,
        allowInsecureAuth: false,
        submissionPort: 0,
        submissionsPort: 0,
      },
      { now: () => now },
      {
        dnsServers: [dns.server],
        port: internet.port,
        notices: { delayWarningAfterMs: 4 * hour, maximalQueueLifetimeMs: 24 * hour },
      },
    );
  });
  afterAll(async () => {
    await fx.stop();
    await internet.stop();
    await dns.stop();
    await certificates.remove();
  });

  it('offers AUTH on the inbound port only after STARTTLS', async () => {
    const client = await LineClient.connect(fx.smtp.port);
    expect(await client.readLine()).toMatch(/^220 /);
    client.send('EHLO client.test\r\n');
    const plain: string[] = [];
    for (let line = await client.readLine(); ; line = await client.readLine()) {
      plain.push(line);
      if (line.startsWith('250 ')) break;
    }
    expect(plain.some((l) => /STARTTLS/.test(l))).toBe(true);
    expect(plain.some((l) => /AUTH/.test(l))).toBe(false);
    expect(await client.command('AUTH PLAIN AGNhcm9sAHg=')).toMatch(/^5\d\d /);
    expect(await client.command('STARTTLS')).toMatch(/^220 /);
    await client.startTls(ca);
    client.send('EHLO client.test\r\n');
    const secure: string[] = [];
    for (let line = await client.readLine(); ; line = await client.readLine()) {
      secure.push(line);
      if (line.startsWith('250 ')) break;
    }
    expect(secure.some((l) => /AUTH PLAIN LOGIN/.test(l))).toBe(true);
    const token = Buffer.from(`\0${carol.mail}\0${carol.password}`).toString('base64');
    expect(await client.command(`AUTH PLAIN ${token}`)).toMatch(/^235 /);
    client.send('QUIT\r\n');
    await client.closed();
  });

  it('does not let an unauthenticated client relay after STARTTLS on the inbound port (554 5.7.1)', async () => {
    // smtp-server resets the session's user to false at STARTTLS; that must not read as a login.
    const before = internet.messages.length;
    const stranger = createTransport({
      host: '127.0.0.1',
      port: fx.smtp.port,
      requireTLS: true,
      tls: { ca: ca, servername: 'localhost' },
      localAddress: '127.0.0.7',
    } as Parameters<typeof createTransport>[0]);
    await expect(
      stranger.sendMail({
        envelope: { from: 'x@outside.example', to: ['victim@outside.example'] },
        raw: mail('relay'),
      }),
    ).rejects.toMatchObject({
      responseCode: 554,
      response: expect.stringMatching(/5\.7\.1 relay access denied/),
    });
    stranger.close();
    expect(internet.messages.length).toBe(before);
  });

  it('submission (587-style) needs AUTH; authenticated users relay out by MX and deliver locally', async () => {
    const unauthenticated = createTransport({
      host: '127.0.0.1',
      port: fx.smtp.submissionPort,
      requireTLS: true,
      tls: { ca: ca, servername: 'localhost' },
    });
    await expect(
      unauthenticated.sendMail({ envelope: { from: carol.mail, to: [dave.mail] }, raw: mail('no-auth') }),
    ).rejects.toMatchObject({ responseCode: 530 });
    unauthenticated.close();
    const before = internet.messages.length;
    const info = await submit(fx.smtp.submissionPort, ['friend@outside.example', dave.mail], 'submitted');
    expect(info.accepted).toEqual(['friend@outside.example', dave.mail]);
    await internet.waitForMessages(before + 1);
    const out = internet.messages[before];
    expect(out?.sender).toBe(carol.mail);
    expect(out?.recipients).toEqual(['friend@outside.example']);
    expect(out?.content.toString()).toContain('with ESMTPSA');
    await until(async () => (await inboxSubjects(dave.mail)).includes('submitted'));
  });

  it('implicit TLS (465-style) takes authenticated submission too', async () => {
    const before = internet.messages.length;
    await submit(fx.smtp.submissionsPort, ['pal@outside.example'], 'implicit-tls', true);
    await internet.waitForMessages(before + 1);
    expect(internet.messages[before]?.recipients).toEqual(['pal@outside.example']);
  });

  it('never relays for an outside client that is neither trusted nor authenticated', async () => {
    const transport = createTransport({ host: '127.0.0.1', port: fx.smtp.port, ignoreTLS: true });
    const refused = await transport
      .sendMail({
        envelope: { from: 'spammer@outside.example', to: ['victim@outside.example'] },
        raw: mail('relay'),
      })
      .catch((error: { response?: string }) => error);
    transport.close();
    expect(String((refused as { response?: string }).response)).toMatch(/^554 5\.7\.1 relay access denied/);
  });

  it('the smuggling guard watches the decrypted stream after STARTTLS and on 465', async () => {
    const afterStartTls = await LineClient.connect(fx.smtp.submissionPort);
    expect(await afterStartTls.readLine()).toMatch(/^220 /);
    expect(await afterStartTls.command('EHLO x.test')).toMatch(/^250/);
    while (!(await afterStartTls.readLine()).startsWith('250 ')) {}
    expect(await afterStartTls.command('STARTTLS')).toMatch(/^220 /);
    await afterStartTls.startTls(ca);
    afterStartTls.send('EHLO x.test\nNOOP\r\n');
    expect(await afterStartTls.readLine()).toMatch(/^521 5\.5\.2 bare LF/);
    await afterStartTls.closed();
    const implicit = await LineClient.connectTls(fx.smtp.submissionsPort, ca);
    expect(await implicit.readLine()).toMatch(/^220 /);
    implicit.send('NOOP\rNOOP\r\n');
    expect(await implicit.readLine()).toMatch(/^521 5\.5\.2 bare LF or CR/);
    await implicit.closed();
  });

  it('TLS handshake garbage on 465 and after STARTTLS is dropped; others are still served', async () => {
    const garbage = Buffer.from(
      '\x16\x03\x01\x02\x00garbage that is not a ClientHello\r\n'.repeat(20),
      'latin1',
    );
    const raw = connect(fx.smtp.submissionsPort, '127.0.0.1');
    await new Promise((resolve) => raw.once('connect', resolve));
    // Flowing, so the server's alert is read and the close is seen.
    raw.resume();
    raw.write(garbage);
    await new Promise((resolve) => raw.once('close', resolve));
    const client = await LineClient.connect(fx.smtp.port);
    expect(await client.readLine()).toMatch(/^220 /);
    expect(await client.command('EHLO x.test')).toMatch(/^250/);
    while (!(await client.readLine()).startsWith('250 ')) {}
    expect(await client.command('STARTTLS')).toMatch(/^220 /);
    client.send(garbage);
    await client.closed();
    // A real TLS client right after still gets through.
    const tls = connectTls({
      port: fx.smtp.submissionsPort,
      host: '127.0.0.1',
      ca: ca,
      servername: 'localhost',
    });
    const greeting = await new Promise<string>((resolve, reject) => {
      tls.once('data', (chunk: Buffer) => resolve(chunk.toString()));
      tls.once('error', reject);
    });
    tls.destroy();
    expect(greeting).toMatch(/^220 /);
    const before = internet.messages.length;
    await submit(fx.smtp.submissionPort, ['after-garbage@outside.example'], 'after-garbage');
    await internet.waitForMessages(before + 1);
  });

  it('a remote 5xx bounces with a DSN to the local sender; a deferring domain gets a delay DSN, then a bounce', async () => {
    await submit(fx.smtp.submissionPort, ['nobody@outside.example'], 'to-nobody');
    await until(async () =>
      (await inboxSubjects(carol.mail)).some((s) => s.startsWith('=?UTF-8?B?VW5kZWxpdmVyZWQ')),
    );
    const [bounce] = (await fx.inbox('store01', carol.mail)).filter((t) => t.includes('Action: failed'));
    expect(bounce).toMatch(/^Return-Path: <>\r\n/);
    expect(bounce).toContain('Final-Recipient: rfc822; nobody@outside.example');
    expect(bounce).toContain('Remote-MTA: dns; mx.outside.example');
    expect(bounce).toContain('Diagnostic-Code: smtp; 550 5.1.1 no such user here');
    expect(bounce).toContain('Subject: to-nobody');

    await submit(fx.smtp.submissionPort, ['late@slow.example'], 'to-slow');
    await until(() =>
      fx.queue
        .list()
        .some((e) => e.recipients.some((r) => r.address === 'late@slow.example' && r.state === 'deferred')),
    );
    now += 4 * hour;
    fx.queue.wake();
    await until(async () =>
      (await fx.inbox('store01', carol.mail)).some((t) => t.includes('Action: delayed')),
    );
    const delay = (await fx.inbox('store01', carol.mail)).find((t) => t.includes('Action: delayed')) ?? '';
    expect(delay).toContain('Final-Recipient: rfc822; late@slow.example');
    expect(delay).toContain('Diagnostic-Code: smtp; 450 4.7.1 greylisted, come back later');
    now += 24 * hour;
    fx.queue.wake();
    await until(async () =>
      (await fx.inbox('store01', carol.mail)).some(
        (t) => t.includes('Action: failed') && t.includes('late@slow.example'),
      ),
    );
    await until(() => fx.queue.list().length === 0);
    const delays = (await fx.inbox('store01', carol.mail)).filter((t) => t.includes('Action: delayed'));
    expect(delays).toHaveLength(1);
  });
});
