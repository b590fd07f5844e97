import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MxResolver } from '../../../../../agent/mail/director/outbound/mx-resolver.js';
import { MxTransport } from '../../../../../agent/mail/director/outbound/mx-transport.js';
import type { DeliveryDestination } from '../../../../../agent/mail/director/queue/delivery-transport.js';
import {
  type DnsResponder,
  startDnsResponder,
} from '../../../../../main/lab/simulated-internet/dns-responder.js';
import {
  type SimulatedMailHost,
  startSimulatedMailHost,
} from '../../../../../main/lab/simulated-internet/simulated-mail-host.js';
import { makeTestCertificates, type TestCertificates } from '../../../../support/test-certificates.js';

// Outbound delivery by MX against the simulated internet: a real DNS responder asked by node:dns and
// real SMTP servers (smtp-server) on loopback addresses, all on one port as MX hosts on port 25 would be.
describe('outbound delivery by MX (MxResolver + MxTransport)', () => {
  let dns: DnsResponder;
  let primary: SimulatedMailHost;
  let backup: SimulatedMailHost;
  let certificates: TestCertificates;
  let transport: MxTransport;

  const destination = (domain: string): DeliveryDestination => ({
    key: `smtp:${domain}`,
    protocol: 'smtp',
    host: domain,
    port: primary.port,
  });
  const message = (sender = 'alice@alpha.example') => ({
    id: 'q1',
    sender,
    content: Buffer.from('From: alice@alpha.example\r\nSubject: out\r\n\r\nhello\r\n'),
  });

  beforeAll(async () => {
    certificates = await makeTestCertificates('mx');
    primary = await startSimulatedMailHost({
      tls: { cert: certificates.credentials.cert, key: certificates.credentials.key },
      rules: [
        { match: 'retry.example', action: 'defer', reply: '451 4.3.0 try the backup' },
        { match: 'nobody@outside.example', action: 'reject', reply: '550 5.1.1 no such user' },
        { match: 'busy@outside.example', action: 'defer', reply: '452 4.2.2 mailbox full' },
      ],
    });
    // Same port, another loopback address: a second MX host as the internet would have it.
    backup = await startSimulatedMailHost({ host: '127.0.0.3', port: primary.port });
    dns = await startDnsResponder({
      zone: {
        'outside.example': {
          mx: [
            { preference: 5, exchange: 'dead.outside.example' },
            { preference: 10, exchange: 'mx.outside.example' },
          ],
        },
        // Nothing listens on 127.0.0.2: connection refused, the next MX is tried.
        'dead.outside.example': { a: ['127.0.0.2'] },
        'mx.outside.example': { a: ['127.0.0.1'] },
        'retry.example': {
          mx: [
            { preference: 10, exchange: 'mx.outside.example' },
            { preference: 20, exchange: 'backup.example' },
          ],
        },
        'backup.example': { a: ['127.0.0.3'] },
        'implicit.example': { a: ['127.0.0.1'] },
        'nomail.example': { mx: [{ preference: 0, exchange: '.' }] },
        'dnsdown.example': { servfail: true },
      },
    });
    const resolver = new MxResolver({ servers: [dns.server], timeoutMs: 2_000 });
    transport = new MxTransport({
      clientName: 'director01.test',
      resolve: (domain) => resolver.route(domain),
      connectTimeoutMs: 5_000,
    });
  });
  afterAll(async () => {
    await primary.stop();
    await backup.stop();
    await dns.stop();
    await certificates.remove();
  });

  it('skips an unreachable MX, delivers over STARTTLS, and gives each recipient its own outcome', async () => {
    const before = primary.messages.length;
    const outcomes = await transport.deliver(destination('outside.example'), message(), [
      'bob@outside.example',
      'nobody@outside.example',
      'busy@outside.example',
    ]);
    expect(outcomes).toEqual([
      {
        address: 'bob@outside.example',
        outcome: 'delivered',
        reason: expect.stringMatching(/^mx\.outside\.example\[127\.0\.0\.1\] said: 250 /),
        remoteMta: 'mx.outside.example',
      },
      {
        address: 'nobody@outside.example',
        outcome: 'bounced',
        reason: expect.stringMatching(/said: 550 5\.1\.1 no such user/),
        remoteMta: 'mx.outside.example',
      },
      {
        address: 'busy@outside.example',
        outcome: 'deferred',
        reason: expect.stringMatching(/said: 452 4\.2\.2 mailbox full/),
        remoteMta: 'mx.outside.example',
      },
    ]);
    const got = primary.messages.slice(before);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({
      sender: 'alice@alpha.example',
      recipients: ['bob@outside.example'],
      secure: true,
    });
    expect(got[0]?.helo).toBe('director01.test');
  });

  it('a 4xx from the first MX goes on to the next one', async () => {
    const outcomes = await transport.deliver(destination('retry.example'), message(), [
      'carol@retry.example',
    ]);
    expect(outcomes[0]).toMatchObject({ outcome: 'delivered', remoteMta: 'backup.example' });
    expect(backup.messages.at(-1)?.recipients).toEqual(['carol@retry.example']);
    expect(backup.messages.at(-1)?.secure).toBe(false);
  });

  it('falls back to the A record without MX; sends a DSN from the null sender', async () => {
    const outcomes = await transport.deliver(destination('implicit.example'), message(''), [
      'dan@implicit.example',
    ]);
    expect(outcomes[0]?.outcome).toBe('delivered');
    expect(primary.messages.at(-1)).toMatchObject({ sender: '', recipients: ['dan@implicit.example'] });
  });

  it('a failed STARTTLS handshake is retried in plain text (opportunistic TLS)', async () => {
    const oldTls = await startSimulatedMailHost({
      host: '127.0.0.4',
      port: primary.port,
      tls: { cert: certificates.credentials.cert, key: certificates.credentials.key, maxVersion: 'TLSv1.1' },
    });
    dns.setName('oldtls.example', { a: ['127.0.0.4'] });
    try {
      const [outcome] = await transport.deliver(destination('oldtls.example'), message(), [
        'eve@oldtls.example',
      ]);
      expect(outcome).toMatchObject({ outcome: 'delivered' });
      expect(oldTls.messages).toHaveLength(1);
      expect(oldTls.messages[0]?.secure).toBe(false);
    } finally {
      await oldTls.stop();
    }
  });

  it('bounces a null MX and a domain that does not exist, defers a DNS failure', async () => {
    const [nullMx] = await transport.deliver(destination('nomail.example'), message(), ['x@nomail.example']);
    expect(nullMx).toMatchObject({
      outcome: 'bounced',
      reason: expect.stringMatching(/^5\.1\.10 .*null MX/),
    });
    const [missing] = await transport.deliver(destination('gone.example'), message(), ['x@gone.example']);
    expect(missing).toMatchObject({ outcome: 'bounced', reason: expect.stringMatching(/^5\.1\.2 /) });
    const [down] = await transport.deliver(destination('dnsdown.example'), message(), ['x@dnsdown.example']);
    expect(down).toMatchObject({ outcome: 'deferred', reason: expect.stringMatching(/^4\.4\.3 /) });
  });
});
