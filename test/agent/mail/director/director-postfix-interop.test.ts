/**
 * Interop with Debian's Postfix (started by the test, in the foreground on free loopback ports):
 * as the outside sender it relays mail for local users to the director, which delivers it to a real
 * store; as the outside receiver it is the MX (through the simulated internet's DNS) of
 * outside.example and keeps the director's outbound mail in Maildirs. A domain whose MX answers 450
 * gives the outside sender a delay DSN and, with a short lifetime, a bounce DSN, both delivered back
 * by Postfix. Both hops use STARTTLS when offered (Postfix's `may`, the director's opportunistic
 * TLS). The director's queue runs on a clock the test moves, not on sleeps.
 */
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DnsResponder,
  startDnsResponder,
} from '../../../../main/lab/simulated-internet/dns-responder.js';
import { probeFreePort } from '../../../support/free-port.js';
import { startPostfix, type TestPostfix } from '../../../support/postfix.js';
import { storeUsers } from '../../../support/store-seed.js';
import { makeTestCertificates, type TestCertificates } from '../../../support/test-certificates.js';
import { type DirectorFixture, outsideZone, startDirectorFixture } from './director-fixture.js';

const { carol, dave } = storeUsers;
const hour = 3_600_000;
const outsideSender = 'sender@outside.example';

async function until(
  check: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('director and Debian Postfix, both ways', () => {
  let postfix: TestPostfix;
  let dns: DnsResponder;
  let fx: DirectorFixture;
  let certificates: TestCertificates;
  let now = Date.now();

  const mail = (from: string, subject: string) =>
    `From: ${from}\r\nTo: someone\r\nSubject: ${subject}\r\nMessage-ID: <${subject}@test>\r\n\r\nHello ${subject}\r\n`;
  // The outside sender's mail client hands its mail to its Postfix.
  const sendViaPostfix = async (to: string, subject: string) => {
    const transport = createTransport({ host: '127.0.0.1', port: postfix.port, ignoreTLS: true });
    try {
      return await transport.sendMail({
        envelope: { from: outsideSender, to: [to] },
        raw: mail(outsideSender, subject),
      });
    } finally {
      transport.close();
    }
  };
  const dsnsOf = async (address: string, action: 'delayed' | 'failed') =>
    (await postfix.mailbox(address)).filter((text) => text.includes(`Action: ${action}`));

  beforeAll(async () => {
    certificates = await makeTestCertificates('director01');
    const directorPort = await probeFreePort();
    const director = `smtp:[127.0.0.1]:${directorPort}`;
    postfix = await startPostfix({
      transports: { 'alpha.example': director, 'beta.example': director, 'slow.example': director },
      mailboxDomains: ['outside.example'],
      mailboxes: ['friend@outside.example', outsideSender],
      mx: true,
      recipientAccess: { 'slow.example': '450 4.2.0 slow.example takes no mail now' },
      mainCf: {
        smtpd_tls_cert_file: certificates.certFile,
        smtpd_tls_key_file: certificates.keyFile,
        smtpd_tls_security_level: 'may',
        smtpd_tls_received_header: 'yes',
        smtp_tls_security_level: 'may',
      },
    });
    dns = await startDnsResponder({ zone: outsideZone });
    fx = await startDirectorFixture(
      // Postfix on loopback plays the trusted relay in front of the director (as the gateway does).
      { port: directorPort, trustedNetworks: ['127.0.0.1/32'], tls: certificates.credentials },
      { now: () => now },
      {
        dnsServers: [dns.server],
        port: postfix.mxPort,
        notices: { delayWarningAfterMs: 4 * hour, maximalQueueLifetimeMs: 24 * hour },
      },
    );
  }, 60_000);
  afterAll(async () => {
    await fx?.stop();
    await dns?.stop();
    await postfix?.stop();
    await certificates?.remove();
  });

  it('Postfix as the outside sender: relayed to the director, delivered to the user on the store', async () => {
    const info = await sendViaPostfix(carol.mail, 'from-postfix');
    expect(info.response).toMatch(/^250 /);
    await until(
      async () => (await fx.inbox('store01', carol.mail)).some((t) => t.includes('Subject: from-postfix')),
      'the relayed message in the store',
    );
    const text =
      (await fx.inbox('store01', carol.mail)).find((t) => t.includes('Subject: from-postfix')) ?? '';
    expect(text).toMatch(/^Return-Path: <sender@outside\.example>\r\n/);
    // Postfix's own trace header, then the director's.
    expect(text).toMatch(/by mx\.outside\.example \(Postfix\)/);
    // Postfix's smtp client used STARTTLS to the director.
    expect(text).toContain('by director01.test with ESMTPS');
  });

  it('Postfix as the outside receiver: the director delivers by MX into its Maildir', async () => {
    const transport = createTransport({
      host: '127.0.0.1',
      port: fx.smtp.port,
      ignoreTLS: true,
      auth: { user: dave.mail, pass: dave.password },
    });
    await transport.sendMail({
      envelope: { from: dave.mail, to: ['friend@outside.example'] },
      raw: mail(dave.mail, 'to-postfix'),
    });
    transport.close();
    await until(
      async () => (await postfix.mailbox('friend@outside.example')).length > 0,
      'the Maildir delivery',
    );
    const [text] = await postfix.mailbox('friend@outside.example');
    expect(text).toContain('Subject: to-postfix');
    expect(text).toMatch(/^Return-Path: <dave@beta\.example>\n/);
    expect(text).toContain('Delivered-To: friend@outside.example');
    // The director's outbound used Postfix's STARTTLS (smtpd_tls_received_header).
    expect(text).toMatch(
      /\(using TLSv1\.[23] with cipher [^\n]+\n[^\n]+\)\n\t\(No client certificate requested\)\n\tby mx\.outside\.example \(Postfix\) with ESMTPS/,
    );
    await until(() => fx.queue.list().length === 0, 'an empty director queue');
  });

  it('a deferring domain: a delay DSN, then with a short lifetime a bounce DSN, both back through Postfix', async () => {
    await sendViaPostfix('late@slow.example', 'to-slow');
    await until(
      () =>
        fx.queue
          .list()
          .some((e) =>
            e.recipients.some(
              (r) => r.address === 'late@slow.example' && /450 4\.2\.0/.test(r.lastReason ?? ''),
            ),
          ),
      'the 450 from Postfix in the director queue',
    );
    expect(await dsnsOf(outsideSender, 'delayed')).toEqual([]);
    now += 4 * hour;
    fx.queue.wake();
    await until(
      async () => (await dsnsOf(outsideSender, 'delayed')).length === 1,
      'the delay DSN in the Maildir',
    );
    const [delay] = await dsnsOf(outsideSender, 'delayed');
    expect(delay).toMatch(/^Return-Path: <>\n/);
    expect(delay).toContain('Content-Type: multipart/report; report-type=delivery-status;');
    expect(delay).toContain('Final-Recipient: rfc822; late@slow.example');
    expect(delay).toContain('Status: 4.2.0');
    expect(delay).toContain('Remote-MTA: dns; mx.outside.example');
    expect(delay).toContain('Diagnostic-Code: smtp; 450 4.2.0');
    expect(delay).toContain('Subject: to-slow');
    now += 24 * hour;
    fx.queue.wake();
    await until(
      async () => (await dsnsOf(outsideSender, 'failed')).length === 1,
      'the bounce DSN in the Maildir',
    );
    const [bounce] = await dsnsOf(outsideSender, 'failed');
    expect(bounce).toContain('Final-Recipient: rfc822; late@slow.example');
    expect(bounce).toContain('Status: 4.4.7');
    expect(bounce).toContain('Message-ID: <to-slow@test>');
    await until(() => fx.queue.list().length === 0, 'the director queue to empty');
    // Still only one delay DSN, and Postfix has nothing left queued.
    expect(await dsnsOf(outsideSender, 'delayed')).toHaveLength(1);
    await until(async () => (await postfix.queue()).length === 0, 'an empty Postfix queue');
  });
});
