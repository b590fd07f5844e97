/**
 * SRS at the gateway, in front of the director: a bounce to an SRS address of the director's SRS
 * domain (not a mail domain of the directory) is passed on to the next hop when its hash is made
 * with the director's secrets (a copy in the gateway's secrets file) and it is at most 21 days old;
 * a forged or expired one is refused at RCPT in words and counted like an unknown user (a
 * harvester guessing hashes is dropped like one guessing names). Real parts: the embedded
 * directory, nodemailer from an outside address, smtp-server as the next hop.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetTree } from '../../../../agent/common/directory/fleet-entries.js';
import { LdapFleetDirectory } from '../../../../agent/common/directory/ldap-fleet-directory.js';
import { defaultDomainSpamPolicy } from '../../../../agent/mail/gateway/domain-spam-policy.js';
import { GatewaySmtpServer } from '../../../../agent/mail/gateway/gateway-smtp-server.js';
import { Greylist } from '../../../../agent/mail/gateway/greylist.js';
import { GreylistJournal } from '../../../../agent/mail/gateway/greylist-journal.js';
import { RecipientCheck } from '../../../../agent/mail/gateway/recipient-check.js';
import { RecipientHarvestGuard } from '../../../../agent/mail/gateway/recipient-harvest-guard.js';
import { SpamStatistics } from '../../../../agent/mail/gateway/spam-statistics.js';
import { SrsRewriter } from '../../../../agent/mail/srs/srs-address.js';
import { loadSrsSecrets } from '../../../../agent/mail/srs/srs-secrets.js';
import { seedEntries, seedPasswords, testBaseDn } from '../../../support/directory-seed.js';
import { startEmbeddedDirectory } from '../../../support/embedded-directory.js';
import { forgedSrsHash } from '../../../support/forged-srs.js';
import type { TestDirectory } from '../../../support/test-directory.js';
import { type RecordingSink, startRecordingSink } from './recording-sink.js';

const srsDomain = 'director01.univ.example';
const day = 86_400_000;
const clock = { now: () => Date.now() };
let backend: TestDirectory;
let directory: LdapFleetDirectory;
let sink: RecordingSink;
let gateway: GatewaySmtpServer;
let stateDir: string;
let director: SrsRewriter;

beforeAll(async () => {
  backend = await startEmbeddedDirectory(testBaseDn, seedEntries(0));
  directory = LdapFleetDirectory.withPassword({
    url: backend.url,
    baseDn: testBaseDn,
    bindDn: new FleetTree(testBaseDn).server('gateway01'),
    bindPassword: seedPasswords.server('gateway01'),
  });
  sink = await startRecordingSink();
  stateDir = mkdtempSync(join(tmpdir(), 'gateway-srs-'));
  // The director's secrets (made as the director makes them), copied to the gateway's file.
  const secrets = await loadSrsSecrets(join(stateDir, 'director-srs-secrets'));
  writeFileSync(join(stateDir, 'gateway-srs-secrets'), `${secrets.join('\n')}\n`, { mode: 0o600 });
  director = new SrsRewriter({ domain: srsDomain, secrets, now: clock.now });
  const greylist = new Greylist({
    clock,
    journal: new GreylistJournal({ dir: stateDir }),
    settings: { minDelayMs: 0 },
  });
  greylist.open();
  gateway = new GatewaySmtpServer({
    host: '127.0.0.1',
    port: 0,
    serverName: 'gateway01.test',
    greylist,
    recipients: new RecipientCheck(directory, clock),
    harvestGuard: new RecipientHarvestGuard({ clock, threshold: 3 }),
    statistics: new SpamStatistics({ clock }),
    spamPolicies: async () => defaultDomainSpamPolicy,
    nextHop: { host: '127.0.0.1', port: sink.port },
    srs: new SrsRewriter({
      domain: srsDomain,
      secrets: await loadSrsSecrets(join(stateDir, 'gateway-srs-secrets'), false),
      now: clock.now,
    }),
  });
  await gateway.start();
});

afterAll(async () => {
  await gateway?.stop();
  await sink?.stop();
  await directory?.close();
  await backend?.stop();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

/** A DSN from an outside MTA (127.0.0.x) to `to`: the reply, or 'accepted'. */
async function bounce(to: string, client = '127.0.0.2'): Promise<string> {
  const transport = createTransport({
    host: '127.0.0.1',
    port: gateway.port,
    ignoreTLS: true,
    localAddress: client,
  });
  try {
    await transport.sendMail({
      envelope: { from: '', to: [to] },
      raw: `From: MAILER-DAEMON@mx.outside.example\r\nTo: ${to}\r\nSubject: Undelivered Mail\r\n\r\nbounced\r\n`,
    });
    return 'accepted';
  } catch (error) {
    return (error as { response?: string }).response ?? String(error);
  } finally {
    transport.close();
  }
}

describe('SRS at the gateway', () => {
  it("passes a valid SRS address of the director's domain on to the director, after the greylist", async () => {
    const address = director.forward('sender@outside.example');
    // The first attempt of a new triplet is greylisted as for any mail; the retry goes through.
    expect(await bounce(address)).toMatch(/^451 4\.7\.1 /);
    expect(await bounce(address)).toBe('accepted');
    // The gateway lower-cases recipients; the hash is compared without case, so it still leads home.
    expect(sink.received.at(-1)?.to).toEqual([address.toLowerCase()]);
    expect(director.reverse(address.toLowerCase())).toEqual({ ok: true, address: 'sender@outside.example' });
    expect(sink.received.at(-1)?.from).toBe('');
  });

  it('refuses a forged hash and a stamp older than 21 days at RCPT, in words, without greylisting first', async () => {
    const valid = director.forward('victim@outside.example');
    const forged = forgedSrsHash(valid);
    expect(await bounce(forged, '127.0.0.3')).toMatch(
      /^550 5\.1\.1 not a valid SRS address: its hash is not ours/,
    );
    const old = new SrsRewriter({
      domain: srsDomain,
      secrets: await loadSrsSecrets(join(stateDir, 'director-srs-secrets')),
      now: () => Date.now() - 22 * day,
    });
    expect(await bounce(old.forward('victim@outside.example'), '127.0.0.3')).toMatch(
      /^550 5\.1\.1 not a valid SRS address: it is older than 21 days/,
    );
  });

  it('counts forged SRS addresses like unknown users, and relays nothing else for the SRS domain', async () => {
    // Plain addresses of the SRS domain are no one's: relaying refused as before.
    expect(await bounce(`postmaster@${srsDomain}`, '127.0.0.4')).toMatch(/^550 5\.7\.1 relaying/);
    // The harvest guard's threshold is 3 here: the fourth guess drops the client.
    const guesses = ['AAAA', 'BBBB', 'CCCC', 'DDDD'].map(
      (hash) => `SRS0=${hash}=AA=target.example=x@${srsDomain}`,
    );
    const replies: string[] = [];
    for (const guess of guesses) replies.push(await bounce(guess, '127.0.0.5'));
    expect(replies.slice(0, 3).every((reply) => /^550 5\.1\.1 not a valid SRS address/.test(reply))).toBe(
      true,
    );
    expect(replies[3]).toMatch(/^421 4\.7\.0 /);
  });
});
