/**
 * DKIM signing at the director, verified by a verifier no one here wrote: Debian's rspamd with its
 * own DKIM module, asking the simulated internet's DNS for the keys. A user submits through the
 * director, the message goes out by MX to the simulated mail host, and the bytes that arrived there
 * are what rspamd checks. Keys are made by DkimKeyFiles and published like a department would (TXT
 * records in DNS, selectors in the directory); a rotation publishes new selectors first and keeps
 * the old records for the grace period.
 */
import { Resolver } from 'node:dns/promises';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DkimKeyFiles } from '../../../../../agent/mail/director/dkim/dkim-key-files.js';
import {
  type DkimKeyValue,
  parseDkimKeyValue,
} from '../../../../../agent/mail/director/dkim/dkim-key-value.js';
import {
  activatePending,
  withNewKeys,
  withoutExpired,
} from '../../../../../agent/mail/director/dkim/dkim-rotation.js';
import type { DkimSigner } from '../../../../../agent/mail/director/dkim/dkim-signer.js';
import {
  type DnsResponder,
  startDnsResponder,
} from '../../../../../main/lab/simulated-internet/dns-responder.js';
import {
  type SimulatedMailHost,
  startSimulatedMailHost,
} from '../../../../../main/lab/simulated-internet/simulated-mail-host.js';
import { startTestRspamd, type TestRspamd } from '../../../../support/rspamd.js';
import { storeUsers } from '../../../../support/store-seed.js';
import { type DirectorFixture, outsideZone } from '../director-fixture.js';
import {
  freshDkimKeys,
  publishDkimKeys,
  rspamdDkimSymbols,
  type SigningDirector,
  signingSelectors,
  startSigningDirector,
} from './dkim-test-keys.js';

const { carol } = storeUsers;
const day = 86_400_000;

describe('DKIM signing at the director, verified by rspamd', () => {
  let director: SigningDirector;
  let fx: DirectorFixture;
  let dns: DnsResponder;
  let internet: SimulatedMailHost;
  let rspamd: TestRspamd;
  let keyDir: string;
  let keyFiles: DkimKeyFiles;
  let signer: DkimSigner;
  let now = Date.now();

  const publish = (keys: DkimKeyValue[]) =>
    publishDkimKeys({ ldap: fx.ldap, dns, signer }, 'alpha.example', keys);
  const currentKeys = async () =>
    ((await fx.ldap.listDomains()).find((d) => d.name === 'alpha.example')?.dkimKeys ?? []).map((text) => {
      const parsed = parseDkimKeyValue(text);
      if (parsed instanceof Error) throw parsed;
      return parsed;
    });
  const submit = async (subject: string, from: string = carol.mail) => {
    const transport = createTransport({
      host: '127.0.0.1',
      port: fx.smtp.port,
      secure: false,
      ignoreTLS: true,
      auth: { user: carol.mail, pass: carol.password },
    });
    try {
      return await transport.sendMail({
        envelope: { from: carol.mail, to: ['someone@outside.example'] },
        raw: `From: Carol <${from}>\r\nTo: someone@outside.example\r\nSubject: ${subject}\r\nDate: Mon, 07 Dec 2026 06:00:00 +0000\r\nMessage-ID: <${subject}@alpha.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n本日の会議は 15 時からです。\r\n${subject}\r\n`,
      });
    } finally {
      transport.close();
    }
  };
  const arrived = async (subject: string) => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const found = internet.messages.find((m) => m.content.toString('utf8').includes(`Subject: ${subject}`));
      if (found) return found.content;
      if (Date.now() > deadline) throw new Error(`${subject} did not arrive`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const dkimSymbols = (message: Buffer) =>
    rspamdDkimSymbols(rspamd.url, message, carol.mail, 'someone@outside.example');
  /** The message with only the DKIM-Signature whose s= is `selector` (the other one removed). */
  const onlySignature = (message: Buffer, selector: string) => {
    const text = message.toString('latin1');
    const end = text.indexOf('\r\n\r\n');
    const fields = text.slice(0, end).split(/\r\n(?![ \t])/);
    const kept = fields.filter(
      (f) => !/^dkim-signature:/i.test(f) || new RegExp(`[;\\s]s=${selector}[;\\s]`).test(f),
    );
    return Buffer.from(`${kept.join('\r\n')}${text.slice(end)}`, 'latin1');
  };
  const selectorsIn = signingSelectors;

  beforeAll(async () => {
    internet = await startSimulatedMailHost({});
    dns = await startDnsResponder({ zone: outsideZone });
    rspamd = await startTestRspamd({ dnsServer: dns.server });
    director = await startSigningDirector({ dnsServers: [dns.server], port: internet.port }, 'director-dkim');
    ({ fx, keyFiles, signer, keyDir } = director);
    await publish(
      activatePending(
        withNewKeys([], await freshDkimKeys(keyFiles, 'alpha.example', new Date(now))),
        new Date(now),
      ),
    );
  }, 180_000);
  afterAll(async () => {
    await director?.stop();
    await rspamd?.stop();
    await internet?.stop();
    await dns?.stop();
  });

  it('keeps the private keys in mode 0600 files in a 0700 directory, and only public keys in the directory', async () => {
    const keys = await currentKeys();
    expect(keys.map((k) => k.algorithm).sort()).toEqual(['ed25519-sha256', 'rsa-sha256']);
    for (const key of keys) {
      const file = join(keyDir, 'dkim', 'alpha.example', `${key.selector}.pem`);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect(await keyFiles.privateKey('alpha.example', key.selector)).toMatch(/BEGIN PRIVATE KEY/);
    }
    expect((await stat(join(keyDir, 'dkim', 'alpha.example'))).mode & 0o777).toBe(0o700);
    const directoryText = JSON.stringify(await fx.ldap.listDomains());
    expect(directoryText).not.toMatch(/PRIVATE/);
  });

  it('signs a submitted message with rsa-sha256 and ed25519-sha256, relaxed/relaxed; rspamd verifies each against DNS', async () => {
    await submit('signed-1');
    const message = await arrived('signed-1');
    expect(message.toString('latin1')).toMatch(
      /DKIM-Signature: [\s\S]*a=rsa-sha256;[\s\S]*c=relaxed\/relaxed/,
    );
    expect(message.toString('latin1')).toMatch(/DKIM-Signature: [\s\S]*a=ed25519-sha256;/);
    const [rsa, ed25519] = (await currentKeys()).sort((a, b) => (a.algorithm < b.algorithm ? 1 : -1));
    expect(rsa?.algorithm).toBe('rsa-sha256');
    expect(await dkimSymbols(message)).toContain('R_DKIM_ALLOW');
    // Each signature alone verifies: the Ed25519 one is not carried by the RSA one.
    expect(await dkimSymbols(onlySignature(message, rsa?.selector ?? ''))).toContain('R_DKIM_ALLOW');
    expect(await dkimSymbols(onlySignature(message, ed25519?.selector ?? ''))).toContain('R_DKIM_ALLOW');
    // A changed body does not.
    const tampered = Buffer.from(message.toString('utf8').replace('15 時', '16 時'), 'utf8');
    expect(await dkimSymbols(tampered)).toContain('R_DKIM_REJECT');
  }, 60_000);

  it("refuses to sign for a From: domain that is not the user's own, and sends nothing", async () => {
    await expect(submit('forged-from', 'president@beta.example')).rejects.toMatchObject({
      responseCode: 550,
      response: expect.stringMatching(/5\.7\.1 From: header domain beta\.example is not one of user/),
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(internet.messages.some((m) => m.content.toString('utf8').includes('forged-from'))).toBe(false);
  });

  it('rotates: new selectors published first, then signing; the old ones still verify during the grace period', async () => {
    const before = await arrived('signed-1');
    const oldSelectors = (await currentKeys()).map((k) => k.selector).sort();
    expect(selectorsIn(before).sort()).toEqual(oldSelectors);
    // Step 1: new keys pending and published; mail is still signed with the old ones.
    const fresh = await freshDkimKeys(keyFiles, 'alpha.example', new Date(now + day));
    await publish(withNewKeys(await currentKeys(), fresh));
    await submit('while-pending');
    expect(selectorsIn(await arrived('while-pending')).sort()).toEqual(oldSelectors);
    // Step 2: the new keys sign; the old ones retire for a week, their records still in DNS.
    now += day;
    const rotated = activatePending(await currentKeys(), new Date(now));
    expect(
      rotated
        .filter((k) => k.state === 'retiring')
        .map((k) => k.selector)
        .sort(),
    ).toEqual(oldSelectors);
    await publish(rotated);
    await submit('after-rotation');
    const after = await arrived('after-rotation');
    expect(selectorsIn(after).sort()).toEqual(fresh.map((k) => k.selector).sort());
    expect(await dkimSymbols(after)).toContain('R_DKIM_ALLOW');
    expect(await dkimSymbols(before)).toContain('R_DKIM_ALLOW');
    // Step 3: after the grace period the old keys go: records withdrawn, files deleted.
    now += 8 * day;
    const expired = withoutExpired(await currentKeys(), new Date(now));
    expect(expired.map((k) => k.selector).sort()).toEqual(fresh.map((k) => k.selector).sort());
    await publish(expired);
    for (const selector of oldSelectors) dns.removeName(`${selector}._domainkey.alpha.example`);
    expect(
      (await keyFiles.removeExcept('alpha.example', new Set(expired.map((k) => k.selector)))).sort(),
    ).toEqual(oldSelectors);
    // (rspamd caches keys it has seen for a day, so the withdrawal is checked in DNS itself.)
    const resolver = new Resolver({ timeout: 2_000, tries: 1 });
    resolver.setServers([dns.server]);
    for (const selector of oldSelectors)
      await expect(resolver.resolveTxt(`${selector}._domainkey.alpha.example`)).rejects.toMatchObject({
        code: 'ENOTFOUND',
      });
    expect(await dkimSymbols(after)).toContain('R_DKIM_ALLOW');
  }, 60_000);
});
