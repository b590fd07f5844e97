/** Bad input at the gateway's SMTP port: clear SMTP errors, no crash, the server keeps serving. */
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
import { probeFreePort } from '../../../support/free-port.js';
import type { TestDirectory } from '../../../support/test-directory.js';
import { RawSmtpClient } from './raw-smtp-client.js';

const tree = new FleetTree(testBaseDn);
let now = Date.UTC(2026, 10, 28, 5, 0, 0);
const clock = { now: () => now };
let backend: TestDirectory;
let directory: LdapFleetDirectory;
let gateway: GatewaySmtpServer;

beforeAll(async () => {
  backend = await startEmbeddedDirectory(testBaseDn, seedEntries(0));
  directory = LdapFleetDirectory.withPassword({
    url: backend.url,
    baseDn: testBaseDn,
    bindDn: tree.server('gateway01'),
    bindPassword: seedPasswords.server('gateway01'),
  });
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
    // A port nobody listens on: the next hop is down.
    nextHop: { host: '127.0.0.1', port: await probeFreePort() },
  });
  await gateway.start();
});

afterAll(async () => {
  await gateway?.stop();
  await directory?.close();
  await backend?.stop();
});

async function session(localAddress = '127.0.0.1'): Promise<RawSmtpClient> {
  const client = await RawSmtpClient.open(gateway.port, localAddress);
  expect(await client.reply()).toMatch(/^220 /);
  expect(await client.command('EHLO client.example')).toMatch(/^250 /);
  return client;
}

describe('gateway bad input', () => {
  it('answers malformed senders and recipients with 5xx and keeps the session usable', async () => {
    const client = await session();
    // smtp-server refuses some forms itself, the gateway's parser the rest: either way a 501.
    expect(await client.command('MAIL FROM:<a..b@example.org>')).toMatch(/^501 /);
    expect(await client.command('MAIL FROM:<user@nodot>')).toMatch(
      /^501 5\.1\.7 malformed sender address: invalid domain/,
    );
    expect(await client.command(`MAIL FROM:<${'x'.repeat(70)}@example.org>`)).toMatch(
      /^501 5\.1\.7 malformed sender address: local part longer than 64/,
    );
    expect(await client.command('MAIL FROM:<>')).toMatch(/^250 /);
    const badRecipients = [
      'RCPT TO:<no-at-sign>',
      'RCPT TO:<@alpha.example>',
      'RCPT TO:<a..b@alpha.example>',
      'RCPT TO:<user@-alpha.example>',
      `RCPT TO:<${'y'.repeat(300)}@alpha.example>`,
      'RCPT TO:<us"er@alpha.example>',
    ];
    for (const line of badRecipients) expect(await client.command(line), line).toMatch(/^5\d\d /);
    // The null sender's message to a real user is greylisted like any other.
    expect(await client.command(`RCPT TO:<${seedNames.alice}>`)).toMatch(/^451 4\.7\.1 Greylisted/);
    expect(await client.command('QUIT')).toMatch(/^221 /);
    client.close();
  });

  it('answers 451 4.4.1 when the next hop is down: nothing acknowledged that was not passed on', async () => {
    const client = await session('127.0.6.1');
    expect(await client.command('MAIL FROM:<n@example.org>')).toMatch(/^250 /);
    expect(await client.command(`RCPT TO:<${seedNames.bob}>`)).toMatch(/^451 4\.7\.1/);
    now += 6 * 60_000;
    expect(await client.command(`RCPT TO:<${seedNames.bob}>`)).toMatch(/^250 /);
    expect(await client.command('DATA')).toMatch(/^354 /);
    expect(await client.command('Subject: hello\r\n\r\nhello\r\n.')).toMatch(
      /^451 4\.4\.1 next hop did not take the message/,
    );
    expect(await client.command('QUIT')).toMatch(/^221 /);
    client.close();
  });

  it('offers no STARTTLS without a configured certificate', async () => {
    const client = await RawSmtpClient.open(gateway.port);
    expect(await client.reply()).toMatch(/^220 /);
    expect(await client.command('STARTTLS')).toMatch(/^5\d\d /);
    client.close();
  });

  it('drops a client sending thousands of unknown recipients after the threshold', async () => {
    const client = await session('127.0.5.5');
    expect(await client.command('MAIL FROM:<h@example.org>')).toMatch(/^250 /);
    const replies: string[] = [];
    for (let i = 0; i < 10_000 && !client.isClosed; i += 1) {
      try {
        replies.push(await client.command(`RCPT TO:<guess${i}@alpha.example>`));
      } catch {
        break; // closed by the server
      }
    }
    expect(replies.slice(0, 20).every((r) => r.startsWith('550 5.1.1'))).toBe(true);
    expect(replies[20]).toMatch(/^421 4\.7\.0 too many unknown recipients/);
    expect(replies).toHaveLength(21);
    await client.closed();
    // Still refused on a new connection; other clients are served.
    const again = await RawSmtpClient.open(gateway.port, '127.0.5.5');
    expect(await again.reply()).toMatch(/^421 4\.7\.0/);
    again.close();
    const other = await session('127.0.5.6');
    expect(await other.command('MAIL FROM:<h@example.org>')).toMatch(/^250 /);
    expect(await other.command('RCPT TO:<guess@alpha.example>')).toMatch(/^550 5\.1\.1/);
    other.close();
  });
});
