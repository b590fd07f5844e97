/**
 * The gateway's edge checks with real parts: Debian's clamd (with a test-written EICAR signature),
 * SPF, DKIM, DMARC and ARC (mailauth) against the simulated internet's DNS, the embedded directory,
 * nodemailer senders from outside 127.x addresses, an smtp-server sink as the next hop. The outside
 * sender's DKIM signature is made with mailauth's signer, as any outside MTA would sign.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dkimSign } from 'mailauth/lib/dkim/sign.js';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetTree } from '../../../../agent/common/directory/fleet-entries.js';
import { LdapFleetDirectory } from '../../../../agent/common/directory/ldap-fleet-directory.js';
import { dnsPublicKey } from '../../../../agent/mail/director/dkim/dkim-key-files.js';
import { ClamdClient } from '../../../../agent/mail/gateway/clamd-client.js';
import { defaultDomainSpamPolicy } from '../../../../agent/mail/gateway/domain-spam-policy.js';
import { GatewaySmtpServer } from '../../../../agent/mail/gateway/gateway-smtp-server.js';
import { Greylist } from '../../../../agent/mail/gateway/greylist.js';
import { RecipientCheck } from '../../../../agent/mail/gateway/recipient-check.js';
import { RecipientHarvestGuard } from '../../../../agent/mail/gateway/recipient-harvest-guard.js';
import { SenderAuthenticator } from '../../../../agent/mail/gateway/sender-authentication.js';
import { SpamStatistics } from '../../../../agent/mail/gateway/spam-statistics.js';
import {
  eicarTestFile,
  type ForegroundClamd,
  startForegroundClamd,
} from '../../../../main/lab/edge/foreground-clamd.js';
import {
  type DnsResponder,
  startDnsResponder,
} from '../../../../main/lab/simulated-internet/dns-responder.js';
import { seedEntries, seedNames, seedPasswords, testBaseDn } from '../../../support/directory-seed.js';
import { startEmbeddedDirectory } from '../../../support/embedded-directory.js';
import { probeFreePort } from '../../../support/free-port.js';
import type { TestDirectory } from '../../../support/test-directory.js';
import { type RecordingSink, startRecordingSink } from './recording-sink.js';

const tree = new FleetTree(testBaseDn);
const partnerKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
const now = Date.UTC(2026, 11, 7, 6, 0, 0);
const clock = { now: () => now };
let backend: TestDirectory;
let directory: LdapFleetDirectory;
let clamd: ForegroundClamd;
let dns: DnsResponder;
let sink: RecordingSink;
let gateway: GatewaySmtpServer;
let statistics: SpamStatistics;
let workDir: string;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'gateway-edge-checks-'));
  [backend, clamd, dns] = await Promise.all([
    startEmbeddedDirectory(testBaseDn, seedEntries(0)),
    startForegroundClamd({ dir: join(workDir, 'clamd'), port: await probeFreePort() }),
    startDnsResponder({
      zone: {
        // A lab domain that sends only from its director and publishes p=reject.
        'alpha.example': { txt: ['v=spf1 ip4:192.0.2.25 -all'] },
        '_dmarc.alpha.example': { txt: ['v=DMARC1; p=reject'] },
        // An outside partner that sends from 127.0.5.0/24 and signs with DKIM.
        'partner.example': { txt: ['v=spf1 ip4:127.0.5.0/24 -all'] },
        'mf1._domainkey.partner.example': {
          txt: [`v=DKIM1; k=rsa; p=${dnsPublicKey(partnerKey.publicKey)}`],
        },
        '_dmarc.partner.example': { txt: ['v=DMARC1; p=reject'] },
        // A domain that asks for quarantine.
        'careful.example': { txt: ['v=spf1 ip4:192.0.2.99 -all'] },
        '_dmarc.careful.example': { txt: ['v=DMARC1; p=quarantine'] },
      },
    }),
  ]);
  directory = LdapFleetDirectory.withPassword({
    url: backend.url,
    baseDn: testBaseDn,
    bindDn: tree.server('gateway01'),
    bindPassword: seedPasswords.server('gateway01'),
  });
  sink = await startRecordingSink();
  statistics = new SpamStatistics({ clock });
  // No greylisting here: every first attempt passes (its own tests are elsewhere).
  const greylist = new Greylist({ clock, settings: { minDelayMs: 0, whitelistAfterPasses: 1 } });
  greylist.open();
  gateway = new GatewaySmtpServer({
    host: '127.0.0.1',
    port: 0,
    serverName: 'gateway01.test',
    greylist,
    recipients: new RecipientCheck(directory, clock),
    harvestGuard: new RecipientHarvestGuard({ clock }),
    statistics,
    spamPolicies: async () => ({ ...defaultDomainSpamPolicy, subjectPrefix: '[SPAM] ' }),
    virusScanner: new ClamdClient({ host: clamd.host, port: clamd.port }),
    authenticator: new SenderAuthenticator({ serverName: 'gateway01.test', dnsServers: [dns.server] }),
    nextHop: { host: '127.0.0.1', port: sink.port },
  });
  await gateway.start();
}, 120_000);

afterAll(async () => {
  await gateway?.stop();
  await sink?.stop();
  await directory?.close();
  await Promise.all([backend?.stop(), clamd?.stop(), dns?.stop()]);
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

type Outcome = { ok: true } | { ok: false; code: number; response: string };

/** Sends like an outside MTA: a greylisted first attempt is tried again (the delay here is 0). */
async function send(clientAddress: string, from: string, raw: string): Promise<Outcome> {
  const first = await attempt(clientAddress, from, raw);
  if (!first.ok && /Greylisted/.test(first.response)) return attempt(clientAddress, from, raw);
  return first;
}

async function attempt(clientAddress: string, from: string, raw: string): Promise<Outcome> {
  const transport = createTransport({
    host: '127.0.0.1',
    port: gateway.port,
    secure: false,
    ignoreTLS: true,
    localAddress: clientAddress,
    name: 'mx.outside.example',
  });
  try {
    await transport.sendMail({ envelope: { from, to: [seedNames.alice] }, raw });
    return { ok: true };
  } catch (error) {
    const e = error as { responseCode?: number; response?: string; message: string };
    return { ok: false, code: e.responseCode ?? 0, response: e.response ?? e.message };
  } finally {
    transport.close();
  }
}

function plain(from: string, subject: string, extraHeaders = ''): string {
  return `${extraHeaders}From: ${from}\r\nTo: ${seedNames.alice}\r\nSubject: ${subject}\r\nDate: Mon, 07 Dec 2026 06:00:00 +0000\r\nMessage-ID: <${subject.replace(/\W/g, '')}@outside.example>\r\n\r\nHello.\r\n`;
}

function withAttachment(subject: string, name: string, content: Buffer): string {
  return `From: someone@partner.example\r\nTo: ${seedNames.alice}\r\nSubject: ${subject}\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b1"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n添付をご確認ください。\r\n--b1\r\nContent-Type: application/octet-stream; name="${name}"\r\nContent-Disposition: attachment; filename="${name}"\r\nContent-Transfer-Encoding: base64\r\n\r\n${content.toString('base64').replace(/.{76}/g, '$&\r\n')}\r\n--b1--\r\n`;
}

function lastReceived(subject: string) {
  return [...sink.received]
    .reverse()
    .find((m) => m.text.includes(`Subject: ${subject}`) || m.text.includes(subject));
}

describe('antivirus at the gateway (clamd)', () => {
  it('refuses the EICAR test file in an attachment and inside a zip at DATA with 554 naming it; a clean attachment passes', async () => {
    const before = statistics.snapshot().totals;
    const eicar = await send(
      '127.0.5.7',
      'someone@partner.example',
      withAttachment('eicar', 'eicar.com', Buffer.from(eicarTestFile)),
    );
    expect(eicar).toMatchObject({ ok: false, code: 554 });
    if (!eicar.ok)
      expect(eicar.response).toMatch(
        /554 5\.7\.1 message refused: it contains a virus \(Eicar-Test-Signature/,
      );
    const zipDir = join(workDir, 'zip');
    execFileSync('mkdir', ['-p', zipDir]);
    writeFileSync(join(zipDir, 'readme.txt'), eicarTestFile);
    execFileSync('/usr/bin/zip', ['-q', join(zipDir, 'docs.zip'), 'readme.txt'], { cwd: zipDir });
    const zipped = await send(
      '127.0.5.7',
      'someone@partner.example',
      withAttachment('zipped', 'docs.zip', readFileSync(join(zipDir, 'docs.zip'))),
    );
    expect(zipped).toMatchObject({ ok: false, code: 554 });
    if (!zipped.ok) expect(zipped.response).toMatch(/contains a virus \(Eicar-Test-Signature/);
    const clean = await send(
      '127.0.5.7',
      'someone@partner.example',
      withAttachment('clean-attachment', 'report.txt', Buffer.from('quarterly report\n')),
    );
    expect(clean).toEqual({ ok: true });
    expect(lastReceived('clean-attachment')).toBeDefined();
    expect(
      sink.received.some((m) => m.text.includes('Subject: eicar') || m.text.includes('Subject: zipped')),
    ).toBe(false);
    const after = statistics.snapshot().totals;
    expect(after.rejectedVirus - before.rejectedVirus).toBe(2);
    expect(statistics.snapshot().lastDecisions.find((d) => d.outcome === 'rejectedVirus')?.reason).toMatch(
      /virus: Eicar-Test-Signature/,
    );
  });

  it('defers (451) when clamd is not there, instead of letting an unscanned message in', async () => {
    const lonely = new GatewaySmtpServer({
      host: '127.0.0.1',
      port: 0,
      serverName: 'gateway02.test',
      greylist: (() => {
        const g = new Greylist({ clock, settings: { minDelayMs: 0 } });
        g.open();
        return g;
      })(),
      recipients: new RecipientCheck(directory, clock),
      harvestGuard: new RecipientHarvestGuard({ clock }),
      statistics: new SpamStatistics({ clock }),
      spamPolicies: async () => defaultDomainSpamPolicy,
      virusScanner: new ClamdClient({ host: '127.0.0.1', port: await probeFreePort(), timeoutMs: 2_000 }),
      nextHop: { host: '127.0.0.1', port: sink.port },
    });
    await lonely.start();
    try {
      const once = async () => {
        const transport = createTransport({
          host: '127.0.0.1',
          port: lonely.port,
          ignoreTLS: true,
          localAddress: '127.0.5.8',
        });
        try {
          return await transport
            .sendMail({
              envelope: { from: 'x@partner.example', to: [seedNames.alice] },
              raw: plain('x@partner.example', 'no-scanner'),
            })
            .then(
              () => 'accepted',
              (error: { response?: string }) => error.response ?? '',
            );
        } finally {
          transport.close();
        }
      };
      // The first attempt is greylisted (delay 0), the retry reaches DATA.
      const first = await once();
      expect(first).toMatch(/Greylisted/);
      const refused = await once();
      expect(refused).toMatch(/^451 4\.7\.1 virus scanner unavailable/);
    } finally {
      await lonely.stop();
    }
  });
});

describe('sender authentication at the gateway (SPF, DKIM, DMARC, ARC)', () => {
  it("refuses a stranger's forged From: of a p=reject domain", async () => {
    const before = statistics.snapshot().totals;
    const forged = await send(
      '127.0.9.9',
      'billing@alpha.example',
      plain('"Alpha Billing" <billing@alpha.example>', 'forged-alpha'),
    );
    expect(forged).toMatchObject({ ok: false, code: 550 });
    if (!forged.ok)
      expect(forged.response).toMatch(/550 5\.7\.1 rejected by the DMARC policy of alpha\.example/);
    expect(lastReceived('forged-alpha')).toBeUndefined();
    expect(statistics.snapshot().totals.rejectedAuthentication - before.rejectedAuthentication).toBe(1);
  });

  it('accepts a sender passing SPF and DKIM, with an Authentication-Results saying so, and removes a forged one', async () => {
    const forgedResults =
      'Authentication-Results: gateway01.test; spf=pass smtp.mailfrom=ceo@alpha.example; dkim=pass header.d=alpha.example; dmarc=pass header.from=alpha.example\r\n';
    const message = plain('news@partner.example', 'signed-partner', forgedResults);
    const key = {
      signingDomain: 'partner.example',
      selector: 'mf1',
      privateKey: partnerKey.privateKey.export({ type: 'pkcs8', format: 'pem' }),
      canonicalization: 'relaxed/relaxed',
    };
    const signed = await dkimSign(message, { ...key, signatureData: [key] });
    expect(signed.signatures).toMatch(/^DKIM-Signature: /);
    const outcome = await send('127.0.5.20', 'news@partner.example', `${signed.signatures}${message}`);
    expect(outcome).toEqual({ ok: true });
    const arrived = lastReceived('signed-partner')?.text ?? '';
    const results = arrived.match(/^Authentication-Results:.*(?:\r\n[ \t].*)*/gim) ?? [];
    expect(results).toHaveLength(1);
    expect(results[0]).toMatch(/^Authentication-Results: gateway01\.test;/);
    expect(results[0]).toMatch(/spf=pass[^;]*smtp\.mailfrom=news@partner\.example/);
    expect(results[0]).toMatch(/dkim=pass[^;]*header\.i=@partner\.example/);
    expect(results[0]).toMatch(/dmarc=pass[^;]*header\.from=partner\.example/);
    expect(arrived).not.toContain('ceo@alpha.example');
    const auth = statistics.snapshot().authentication;
    expect(auth).toContainEqual(
      expect.objectContaining({ domain: 'partner.example', check: 'dmarc', result: 'pass' }),
    );
    expect(auth).toContainEqual({ domain: 'alpha.example', check: 'dmarc', result: 'fail', count: 1 });
  });

  it('quarantines (marks as spam) a DMARC failure of a p=quarantine domain', async () => {
    const outcome = await send(
      '127.0.9.10',
      'alerts@careful.example',
      plain('alerts@careful.example', 'careful-one'),
    );
    expect(outcome).toEqual({ ok: true });
    const arrived = lastReceived('careful-one')?.text ?? '';
    expect(arrived).toMatch(/^X-Spam-Flag: YES$/m);
    expect(arrived).toMatch(/^Subject: \[SPAM\] careful-one$/m);
    expect(arrived).toMatch(/dmarc=fail/);
    expect(statistics.snapshot().lastDecisions[0]).toMatchObject({ outcome: 'quarantined' });
  });
});
