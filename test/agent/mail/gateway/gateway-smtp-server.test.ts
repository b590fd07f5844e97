/**
 * The gateway end to end with real parts: the embedded directory, a real rspamd, nodemailer as the
 * outside sender, and a real SMTP server (smtp-server) standing in for the director as next hop.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetTree } from '../../../../agent/common/directory/fleet-entries.js';
import { LdapFleetDirectory } from '../../../../agent/common/directory/ldap-fleet-directory.js';
import {
  defaultDomainSpamPolicy,
  defaultSpamPolicies,
} from '../../../../agent/mail/gateway/domain-spam-policy.js';
import { GatewaySmtpServer } from '../../../../agent/mail/gateway/gateway-smtp-server.js';
import { Greylist } from '../../../../agent/mail/gateway/greylist.js';
import { GreylistJournal } from '../../../../agent/mail/gateway/greylist-journal.js';
import { RecipientCheck } from '../../../../agent/mail/gateway/recipient-check.js';
import { RecipientHarvestGuard } from '../../../../agent/mail/gateway/recipient-harvest-guard.js';
import { RspamdClient } from '../../../../agent/mail/gateway/rspamd-client.js';
import { SpamStatistics } from '../../../../agent/mail/gateway/spam-statistics.js';
import { seedEntries, seedNames, seedPasswords, testBaseDn } from '../../../support/directory-seed.js';
import { startEmbeddedDirectory } from '../../../support/embedded-directory.js';
import { startTestRspamd, type TestRspamd } from '../../../support/rspamd.js';
import type { TestDirectory } from '../../../support/test-directory.js';
import { type RecordingSink, type SinkMessage, startRecordingSink } from './recording-sink.js';

const gtube = 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X';
const tree = new FleetTree(testBaseDn);

let now = Date.UTC(2026, 10, 28, 5, 0, 0);
const clock = { now: () => now };
let backend: TestDirectory;
let directory: LdapFleetDirectory;
let rspamd: TestRspamd;
let sink: RecordingSink;
let received: SinkMessage[];
let gateway: GatewaySmtpServer;
let statistics: SpamStatistics;
let stateDir: string;

beforeAll(async () => {
  [backend, rspamd] = await Promise.all([
    startEmbeddedDirectory(testBaseDn, seedEntries(0)),
    startTestRspamd(),
  ]);
  directory = LdapFleetDirectory.withPassword({
    url: backend.url,
    baseDn: testBaseDn,
    bindDn: tree.server('gateway01'),
    bindPassword: seedPasswords.server('gateway01'),
  });
  sink = await startRecordingSink();
  received = sink.received;
  stateDir = mkdtempSync(join(tmpdir(), 'gateway-test-'));
  statistics = new SpamStatistics({ clock });
  const greylist = new Greylist({ clock, journal: new GreylistJournal({ dir: stateDir }) });
  greylist.open();
  gateway = new GatewaySmtpServer({
    host: '127.0.0.1',
    port: 0,
    serverName: 'gateway01.test',
    greylist,
    recipients: new RecipientCheck(directory, clock),
    harvestGuard: new RecipientHarvestGuard({ clock, threshold: 3 }),
    statistics,
    // beta.example only tags spam; every other domain has the default (reject).
    spamPolicies: async (domain) =>
      domain === 'beta.example'
        ? { ...defaultDomainSpamPolicy, mode: 'tag', subjectPrefix: '***SPAM*** ' }
        : defaultDomainSpamPolicy,
    scanner: new RspamdClient({ url: rspamd.url, timeoutMs: 20_000 }),
    nextHop: { host: '127.0.0.1', port: sink.port },
    maxMessageBytes: 2 * 1024 * 1024,
  });
  await gateway.start();
});

afterAll(async () => {
  await gateway?.stop();
  await sink?.stop();
  await directory?.close();
  await Promise.all([backend?.stop(), rspamd?.stop()]);
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

async function send(
  clientAddress: string,
  from: string,
  to: string[],
  subject: string,
  body: string,
): Promise<{ ok: true } | { ok: false; code: number; response: string }> {
  const transport = createTransport({
    host: '127.0.0.1',
    port: gateway.port,
    secure: false,
    ignoreTLS: true,
    localAddress: clientAddress,
  });
  try {
    await transport.sendMail({
      envelope: { from, to },
      raw: `From: ${from || 'mailer-daemon@example.org'}\r\nTo: ${to.join(', ')}\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W/g, '')}.${now}@example.org>\r\nDate: Sat, 28 Nov 2026 05:00:00 +0000\r\n\r\n${body}\r\n`,
    });
    return { ok: true };
  } catch (error) {
    const e = error as { responseCode?: number; response?: string; message: string };
    return { ok: false, code: e.responseCode ?? 0, response: e.response ?? e.message };
  } finally {
    transport.close();
  }
}

function totals() {
  return statistics.snapshot().totals;
}

describe('gateway SMTP server', () => {
  it('greylists the first attempt, relays the retry after the delay with X-Spam headers', async () => {
    const before = totals();
    const count = received.length;
    const first = await send('127.0.0.2', 'carol@example.org', [seedNames.alice], 'Lunch', 'Lunch at noon?');
    expect(first).toMatchObject({ ok: false, code: 451 });
    if (!first.ok) expect(first.response).toMatch(/451 4\.7\.1 Greylisted/);
    expect(received).toHaveLength(count);

    now += 6 * 60_000;
    const retry = await send('127.0.0.2', 'carol@example.org', [seedNames.alice], 'Lunch', 'Lunch at noon?');
    expect(retry).toEqual({ ok: true });
    expect(received).toHaveLength(count + 1);
    expect(received.at(-1)?.to).toEqual([seedNames.alice]);
    expect(received.at(-1)?.from).toBe('carol@example.org');
    expect(received.at(-1)?.text).toMatch(/^X-Spam-Flag: NO\r\nX-Spam-Score: -?\d+\.\d\d\r\n/);
    expect(totals().greylisted - before.greylisted).toBe(1);
    expect(totals().clean - before.clean).toBe(1);
  });

  it('refuses unknown users and relaying at RCPT', async () => {
    const before = totals();
    const unknown = await send('127.0.0.3', 'carol@example.org', ['nobody@alpha.example'], 'Hi', 'x');
    expect(unknown).toMatchObject({ ok: false, code: 550 });
    if (!unknown.ok) expect(unknown.response).toMatch(/5\.1\.1 no such user here: nobody@alpha\.example/);
    const relay = await send('127.0.0.3', 'carol@example.org', ['someone@elsewhere.example'], 'Hi', 'x');
    expect(relay).toMatchObject({ ok: false, code: 550 });
    if (!relay.ok) expect(relay.response).toMatch(/5\.7\.1 relaying to someone@elsewhere\.example denied/);
    const malformed = await send('127.0.0.3', 'carol@example.org', ['bad..dots@alpha.example'], 'Hi', 'x');
    expect(malformed).toMatchObject({ ok: false, code: 501 });
    expect(totals().rejectedUnknownRecipient - before.rejectedUnknownRecipient).toBe(1);
    expect(
      statistics.snapshot().lastDecisions.find((d) => d.recipient === 'nobody@alpha.example'),
    ).toMatchObject({
      outcome: 'rejectedUnknownRecipient',
      clientAddress: '127.0.0.3',
      reason: 'no such user in the directory',
    });
  });

  it('knows aliases, groups and extra addresses (they reach greylisting, not 550)', async () => {
    for (const address of ['postmaster@alpha.example', 'STAFF@alpha.example', seedNames.aliceLocalAddress]) {
      const result = await send('127.0.2.1', 'f@example.org', [address], 'Hi', 'x');
      expect(result, address).toMatchObject({ ok: false, code: 451 });
    }
  });

  it('refuses a message over the size limit at end of DATA and relays nothing', async () => {
    const count = received.length;
    expect(await send('127.0.3.1', 'g@example.org', [seedNames.bob], 'Big', 'x')).toMatchObject({
      code: 451,
    });
    now += 6 * 60_000;
    // Sent without SIZE= so the server only finds out while reading DATA.
    const big = await send(
      '127.0.3.1',
      'g@example.org',
      [seedNames.bob],
      'Big',
      `${'y'.repeat(998)}\r\n`.repeat(3000),
    );
    expect(big).toMatchObject({ ok: false, code: 552 });
    expect(received).toHaveLength(count);
    expect(await send('127.0.3.1', 'g@example.org', [seedNames.bob], 'Small', 'fine')).toEqual({ ok: true });
  });

  it('rejects GTUBE at end of DATA and relays nothing', async () => {
    const before = received.length;
    const rejectedBefore = totals().rejectedSpam;
    // Past greylisting first (its own client network), so the second attempt reaches the scan.
    expect(await send('127.0.1.2', 'dave@example.org', [seedNames.alice], 'Offer', gtube)).toMatchObject({
      code: 451,
    });
    now += 6 * 60_000;
    const spam = await send('127.0.1.2', 'dave@example.org', [seedNames.alice], 'Offer', gtube);
    expect(spam).toMatchObject({ ok: false, code: 550 });
    if (!spam.ok) expect(spam.response).toMatch(/5\.7\.1 message rejected as spam/);
    expect(received).toHaveLength(before);
    expect(totals().rejectedSpam - rejectedBefore).toBe(1);
  });

  it('tags GTUBE for a domain whose policy is to tag, and relays it', async () => {
    const count = received.length;
    const taggedBefore = totals().tagged;
    expect(await send('127.0.4.2', 'erin@example.org', [seedNames.bob], 'Offer', gtube)).toMatchObject({
      code: 451,
    });
    now += 6 * 60_000;
    expect(await send('127.0.4.2', 'erin@example.org', [seedNames.bob], 'Offer', gtube)).toEqual({
      ok: true,
    });
    expect(received).toHaveLength(count + 1);
    const text = received.at(-1)?.text ?? '';
    expect(text).toMatch(/^X-Spam-Flag: YES\r\nX-Spam-Score: \d+\.\d\d\r\nX-Spam-Status: Yes, score=/);
    expect(text).toContain('\r\nSubject: ***SPAM*** Offer\r\n');
    expect(totals().tagged - taggedBefore).toBe(1);
  });

  it('drops a client that harvests addresses', async () => {
    const transport = createTransport({
      host: '127.0.0.1',
      port: gateway.port,
      ignoreTLS: true,
      localAddress: '127.0.0.9',
    });
    const result = await transport
      .sendMail({
        envelope: {
          from: 'x@example.org',
          to: ['a1@alpha.example', 'a2@alpha.example', 'a3@alpha.example', 'a4@alpha.example'],
        },
        raw: 'Subject: x\r\n\r\nx\r\n',
      })
      .then(
        () => 'sent',
        (error: { response?: string; message: string }) => error.response ?? error.message,
      );
    transport.close();
    expect(result).toMatch(/421 4\.7\.0 too many unknown recipients/);
    const later = await send('127.0.0.9', 'x@example.org', [seedNames.alice], 'Hi', 'x');
    expect(later).toMatchObject({ ok: false, code: 421 });
    expect(
      statistics.snapshot().topClients.find((c) => c.address === '127.0.0.9')?.rejectedUnknownRecipient,
    ).toBe(4);
    expect(gateway.status().blockedClients).toEqual(['127.0.0.9']);
  });

  it('says whether content is scanned; without a scanner it relays unscanned and says so', async () => {
    expect(gateway.status().contentScanning).toEqual({
      configured: true,
      scanner: 'rspamd',
      url: rspamd.url,
      text: `content scanning: rspamd at ${rspamd.url}`,
    });
    const greylist = new Greylist({ clock, settings: { minDelayMs: 0 } });
    greylist.open();
    const unscanned = new GatewaySmtpServer({
      host: '127.0.0.1',
      port: 0,
      serverName: 'gateway02.test',
      greylist,
      recipients: new RecipientCheck(directory, clock),
      harvestGuard: new RecipientHarvestGuard({ clock }),
      statistics: new SpamStatistics({ clock }),
      spamPolicies: defaultSpamPolicies,
      nextHop: { host: '127.0.0.1', port: sink.port },
    });
    await unscanned.start();
    try {
      expect(unscanned.status().contentScanning.text).toBe('content scanning: not configured');
      const transport = createTransport({ host: '127.0.0.1', port: unscanned.port, ignoreTLS: true });
      const mail = {
        envelope: { from: 'e@example.org', to: [seedNames.bob] },
        raw: `Subject: t\r\n\r\n${gtube}\r\n`,
      };
      const count = received.length;
      // minDelayMs 0: the first attempt is still deferred, the retry passes at once.
      await expect(transport.sendMail(mail)).rejects.toMatchObject({ responseCode: 451 });
      await transport.sendMail(mail);
      transport.close();
      expect(received).toHaveLength(count + 1);
      expect(received.at(-1)?.text).not.toContain('X-Spam');
    } finally {
      await unscanned.stop();
      greylist.close();
    }
  });
});
