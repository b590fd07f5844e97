import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MxResolver } from '../../../../agent/mail/director/outbound/mx-resolver.js';
import {
  type SimulatedInternet,
  startSimulatedInternet,
} from '../../../../main/lab/simulated-internet/simulated-internet.js';

// The one-call simulated internet as the lab will start it: DNS answers for its domains (asked by
// the director's own MxResolver) and a mail host applying its rules to a real SMTP client.
describe('startSimulatedInternet', () => {
  let internet: SimulatedInternet;

  beforeAll(async () => {
    internet = await startSimulatedInternet({
      domains: ['example.org', 'slow.example'],
      nullMxDomains: ['nomail.example'],
      rules: [
        { match: 'slow.example', action: 'defer' },
        { match: 'ghost@example.org', action: 'reject' },
      ],
    });
  });
  afterAll(async () => {
    await internet.stop();
  });

  it('routes its domains to its mail host, which accepts, defers and rejects by rule', async () => {
    const resolver = new MxResolver({ servers: internet.dnsServers, timeoutMs: 2_000 });
    expect(await resolver.route('example.org')).toEqual({
      kind: 'hosts',
      hosts: [{ name: 'mx.simulated.example', preference: 10, addresses: ['127.0.0.1'] }],
    });
    expect(await resolver.route('nomail.example')).toMatchObject({ kind: 'bounce' });
    expect(await resolver.route('elsewhere.example')).toMatchObject({ kind: 'bounce' });
    const transport = createTransport({ host: '127.0.0.1', port: internet.outboundPort, ignoreTLS: true });
    const info = await transport.sendMail({
      envelope: {
        from: 'a@alpha.example',
        to: ['pal@example.org', 'late@slow.example', 'ghost@example.org'],
      },
      raw: 'Subject: sim\r\n\r\nhi\r\n',
    });
    transport.close();
    expect(info.accepted).toEqual(['pal@example.org']);
    const refused = Object.fromEntries((info.rejectedErrors ?? []).map((e) => [e.recipient, e.responseCode]));
    expect(refused).toEqual({ 'late@slow.example': 450, 'ghost@example.org': 550 });
    expect(internet.mailHost.messages.at(-1)?.recipients).toEqual(['pal@example.org']);
    expect(internet.mailHost.refusals.map((r) => r.recipient)).toEqual([
      'late@slow.example',
      'ghost@example.org',
    ]);
  });
});
