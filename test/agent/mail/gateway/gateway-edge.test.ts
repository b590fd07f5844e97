/**
 * The gateway's edge against raw sockets on chosen 127.x addresses (issue 10, findings 14 and 8):
 * a bare LF (in a command or hiding a second message in DATA) closes the session with 521 and
 * nothing reaches the next hop; NUL bytes in DATA get 550 5.6.0 and the session goes on; one
 * address's flood of idle connections is capped (421) and does not lock others out. Other clients
 * (nodemailer) are served all along. The next hop is a real smtp-server that records what it gets.
 */
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetTree } from '../../../../agent/common/directory/fleet-entries.js';
import { LdapFleetDirectory } from '../../../../agent/common/directory/ldap-fleet-directory.js';
import { defaultSpamPolicies } from '../../../../agent/mail/gateway/domain-spam-policy.js';
import { GatewaySmtpServer } from '../../../../agent/mail/gateway/gateway-smtp-server.js';
import { Greylist } from '../../../../agent/mail/gateway/greylist.js';
import { RecipientCheck } from '../../../../agent/mail/gateway/recipient-check.js';
import { RecipientHarvestGuard } from '../../../../agent/mail/gateway/recipient-harvest-guard.js';
import { SpamStatistics } from '../../../../agent/mail/gateway/spam-statistics.js';
import { seedEntries, seedNames, seedPasswords, testBaseDn } from '../../../support/directory-seed.js';
import { startEmbeddedDirectory } from '../../../support/embedded-directory.js';
import type { TestDirectory } from '../../../support/test-directory.js';
import { RawSmtpClient } from './raw-smtp-client.js';
import { type RecordingSink, type SinkMessage, startRecordingSink } from './recording-sink.js';

const tree = new FleetTree(testBaseDn);
let now = Date.UTC(2026, 10, 28, 5, 0, 0);
const clock = { now: () => now };
let backend: TestDirectory;
let directory: LdapFleetDirectory;
let sink: RecordingSink;
let gateway: GatewaySmtpServer;
/** What the next hop received. */
let relayed: SinkMessage[];

beforeAll(async () => {
  backend = await startEmbeddedDirectory(testBaseDn, seedEntries(0));
  directory = LdapFleetDirectory.withPassword({
    url: backend.url,
    baseDn: testBaseDn,
    bindDn: tree.server('gateway01'),
    bindPassword: seedPasswords.server('gateway01'),
  });
  sink = await startRecordingSink();
  relayed = sink.received;
  const greylist = new Greylist({ clock });
  greylist.open();
  gateway = new GatewaySmtpServer({
    host: '127.0.0.1',
    port: 0,
    serverName: 'gateway01.test',
    greylist,
    recipients: new RecipientCheck(directory, clock),
    harvestGuard: new RecipientHarvestGuard({ clock, threshold: 20 }),
    statistics: new SpamStatistics({ clock }),
    spamPolicies: defaultSpamPolicies,
    nextHop: { host: '127.0.0.1', port: sink.port },
    // Small enough that one address's 200 idle connections would take every slot without the cap.
    maxConnections: 80,
  });
  await gateway.start();
});

afterAll(async () => {
  await gateway?.stop();
  await sink?.stop();
  await directory?.close();
  await backend?.stop();
});

/** A session from `localAddress` with its envelope accepted (greylisting passed), ready for DATA. */
async function readyForData(localAddress: string, sender: string): Promise<RawSmtpClient> {
  const client = await RawSmtpClient.open(gateway.port, localAddress);
  expect(await client.reply()).toMatch(/^220 /);
  expect(await client.command('EHLO outside.example')).toMatch(/^250 /);
  expect(await client.command(`MAIL FROM:<${sender}>`)).toMatch(/^250 /);
  expect(await client.command(`RCPT TO:<${seedNames.alice}>`)).toMatch(/^451 4\.7\.1 Greylisted/);
  now += 6 * 60_000;
  expect(await client.command(`RCPT TO:<${seedNames.alice}>`)).toMatch(/^250 /);
  expect(await client.command('DATA')).toMatch(/^354 /);
  return client;
}

/** nodemailer from another address: the gateway still relays a normal message. */
async function stillServing(subject: string): Promise<void> {
  const send = () =>
    createTransport({
      host: '127.0.0.1',
      port: gateway.port,
      ignoreTLS: true,
      localAddress: '127.0.9.9',
    } as Parameters<typeof createTransport>[0]).sendMail({
      envelope: { from: `good-${subject}@outside.example`, to: [seedNames.bob] },
      raw: `Subject: ${subject}\r\n\r\nhello\r\n`,
    });
  await expect(send()).rejects.toThrow(/451 4\.7\.1/);
  now += 6 * 60_000;
  const info = await send();
  expect(info.accepted).toEqual([seedNames.bob]);
  expect(relayed.some((message) => message.text.includes(`Subject: ${subject}`))).toBe(true);
}

describe('gateway edge guard', () => {
  it('closes a session whose DATA hides a second message behind <LF>.<CR><LF> (521), relaying nothing', async () => {
    const client = await readyForData('127.0.7.1', 'smuggler@outside.example');
    // What another hop would split off as a second message from a forged sender.
    client.send(
      'Subject: cover\r\n\r\nhello\n.\r\nMAIL FROM:<president@alpha.example>\r\nRCPT TO:<' +
        `${seedNames.bob}>\r\nDATA\r\nSubject: smuggled\r\n\r\npay now\r\n.\r\n`,
    );
    expect(await client.reply()).toMatch(/^521 5\.5\.2 bare LF or CR in SMTP input refused/);
    await client.closed();
    expect(relayed.filter((m) => m.text.includes('smuggled') || m.text.includes('cover'))).toEqual([]);
    await stillServing('after-smuggling');
  });

  it('closes a session that ends a command with a bare LF (521)', async () => {
    const client = await RawSmtpClient.open(gateway.port, '127.0.7.2');
    expect(await client.reply()).toMatch(/^220 /);
    expect(await client.command('EHLO outside.example')).toMatch(/^250 /);
    client.send('MAIL FROM:<lf@outside.example>\n');
    expect(await client.reply()).toMatch(/^521 5\.5\.2/);
    await client.closed();
  });

  it('refuses NUL bytes in DATA with 550 5.6.0, relays nothing, and the session goes on', async () => {
    const client = await readyForData('127.0.7.3', 'nul@outside.example');
    client.send('Subject: with-nul\r\n\r\nhel\0lo\r\n.\r\n');
    expect(await client.reply()).toMatch(/^550 5\.6\.0 message contains NUL bytes/);
    expect(relayed.some((m) => m.text.includes('with-nul'))).toBe(false);
    expect(await client.command('RSET')).toMatch(/^250 /);
    expect(await client.command('QUIT')).toMatch(/^221 /);
    client.close();
    await stillServing('after-nul');
  });

  it('caps one address at 50 connections (421 4.7.0); others are still served', async () => {
    const flood: RawSmtpClient[] = [];
    for (let i = 0; i < 200; i++) flood.push(await RawSmtpClient.open(gateway.port, '127.0.8.1'));
    const first = await Promise.all(flood.map((client) => client.reply().catch(() => 'closed')));
    expect(first.filter((line) => line.startsWith('220 ')).length).toBe(50);
    // The rest are refused: by the per-address cap, or (while refused ones are being closed) by the
    // global one; none is served.
    const refused = first.filter((line) => !line.startsWith('220 '));
    expect(refused.every((line) => line.startsWith('421 '))).toBe(true);
    expect(
      refused.some((line) => /^421 4\.7\.0 127\.0\.8\.1: too many connections from your address/.test(line)),
    ).toBe(true);
    await stillServing('during-flood');
    for (const client of flood) client.close();
  }, 60_000);
});
