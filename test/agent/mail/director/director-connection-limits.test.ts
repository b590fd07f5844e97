/**
 * Issue 10, finding 8 (SMTP part): the director's SMTP listeners cap connections per client address
 * (Postfix anvil's 50), so one address's flood of idle connections does not use up the global
 * limit (80 here) and lock out other clients; the trusted networks (the gateway's relay) are not
 * counted, as Postfix exempts $mynetworks.
 */
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeUsers } from '../../../support/store-seed.js';
import { RawSmtpClient } from '../gateway/raw-smtp-client.js';
import { type DirectorFixture, startDirectorFixture } from './director-fixture.js';

const { dave } = storeUsers;
let fx: DirectorFixture;

beforeAll(async () => {
  fx = await startDirectorFixture({ maxConnections: 80, trustedNetworks: ['127.0.9.3/32'] });
}, 60_000);

afterAll(async () => {
  await fx?.stop();
});

async function flood(
  localAddress: string,
  count: number,
): Promise<{ clients: RawSmtpClient[]; first: string[] }> {
  const clients: RawSmtpClient[] = [];
  for (let i = 0; i < count; i++) clients.push(await RawSmtpClient.open(fx.smtp.port, localAddress));
  const first = await Promise.all(clients.map((client) => client.reply().catch(() => 'closed')));
  return { clients, first };
}

describe('director SMTP connection limits', () => {
  it('does not count the trusted networks (the gateway relays from one address)', async () => {
    const { clients, first } = await flood('127.0.9.3', 60);
    expect(first.filter((line) => line.startsWith('220 ')).length).toBe(60);
    for (const client of clients) client.close();
  }, 60_000);

  it('caps one address at 50 (421 4.7.0) and still serves another address', async () => {
    const { clients, first } = await flood('127.0.9.1', 200);
    expect(first.filter((line) => line.startsWith('220 ')).length).toBe(50);
    const refused = first.filter((line) => !line.startsWith('220 '));
    expect(refused.every((line) => line.startsWith('421 '))).toBe(true);
    expect(refused.some((line) => /^421 4\.7\.0 127\.0\.9\.1: too many connections/.test(line))).toBe(true);
    const transport = createTransport({
      host: '127.0.0.1',
      port: fx.smtp.port,
      ignoreTLS: true,
      localAddress: '127.0.9.2',
    } as Parameters<typeof createTransport>[0]);
    const info = await transport.sendMail({
      envelope: { from: 'someone@outside.example', to: [dave.mail] },
      raw: 'Subject: during a flood\r\n\r\nhello\r\n',
    });
    transport.close();
    expect(info.accepted).toEqual([dave.mail]);
    for (const client of clients) client.close();
  }, 60_000);
});
