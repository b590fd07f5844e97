import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DkimKeyFiles } from '../../../../../agent/mail/director/dkim/dkim-key-files.js';
import type { DkimKeyValue } from '../../../../../agent/mail/director/dkim/dkim-key-value.js';
import { activatePending, withNewKeys } from '../../../../../agent/mail/director/dkim/dkim-rotation.js';
import type { DkimSigner } from '../../../../../agent/mail/director/dkim/dkim-signer.js';
import {
  type DnsResponder,
  startDnsResponder,
} from '../../../../../main/lab/simulated-internet/dns-responder.js';
import { startPostfix, type TestPostfix } from '../../../../support/postfix.js';
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

const { dave } = storeUsers;

describe('DKIM-signed mail received by Debian Postfix as the outside world, verified by rspamd', () => {
  let postfix: TestPostfix;
  let dns: DnsResponder;
  let rspamd: TestRspamd;
  let director: SigningDirector;
  let fx: DirectorFixture;
  let keyFiles: DkimKeyFiles;
  let signer: DkimSigner;
  let keys: DkimKeyValue[] = [];

  const publish = async (next: DkimKeyValue[]) => {
    keys = next;
    await publishDkimKeys({ ldap: fx.ldap, dns, signer }, 'beta.example', keys);
  };
  const fresh = () => freshDkimKeys(keyFiles, 'beta.example');
  const sendAndReceive = async (subject: string) => {
    const transport = createTransport({
      host: '127.0.0.1',
      port: fx.smtp.port,
      ignoreTLS: true,
      auth: { user: dave.mail, pass: dave.password },
    });
    try {
      await transport.sendMail({
        envelope: { from: dave.mail, to: ['friend@outside.example'] },
        raw: `From: Dave <${dave.mail}>\r\nTo: friend@outside.example\r\nSubject: ${subject}\r\nDate: Mon, 07 Dec 2026 07:00:00 +0000\r\nMessage-ID: <${subject}@beta.example>\r\n\r\n学会の案内を送ります。\r\n`,
      });
    } finally {
      transport.close();
    }
    const deadline = Date.now() + 30_000;
    for (;;) {
      const found = (await postfix.mailbox('friend@outside.example')).find((t) =>
        t.includes(`Subject: ${subject}`),
      );
      if (found) return Buffer.from(found.replace(/\r?\n/g, '\r\n'), 'utf8');
      if (Date.now() > deadline) throw new Error(`${subject} did not reach Postfix's Maildir`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const verdict = (message: Buffer) =>
    rspamdDkimSymbols(rspamd.url, message, dave.mail, 'friend@outside.example');
  const selectorsIn = signingSelectors;

  beforeAll(async () => {
    postfix = await startPostfix({
      mailboxDomains: ['outside.example'],
      mailboxes: ['friend@outside.example'],
      mx: true,
    });
    dns = await startDnsResponder({ zone: outsideZone });
    rspamd = await startTestRspamd({ dnsServer: dns.server });
    director = await startSigningDirector(
      { dnsServers: [dns.server], port: postfix.mxPort },
      'director-dkim-postfix',
    );
    ({ fx, keyFiles, signer } = director);
    await publish(activatePending(withNewKeys([], await fresh()), new Date()));
  }, 180_000);
  afterAll(async () => {
    await director?.stop();
    await rspamd?.stop();
    await dns?.stop();
    await postfix?.stop();
  });

  it('verifies as Postfix stored it; after a rotation the new selector verifies and the old one still does', async () => {
    const before = await sendAndReceive('before-rotation');
    const oldSelectors = keys.map((k) => k.selector).sort();
    expect(selectorsIn(before)).toEqual(oldSelectors);
    expect(before.toString('utf8')).toContain('by mx.outside.example (Postfix)');
    expect(await verdict(before)).toContain('R_DKIM_ALLOW');
    // Rotation: the new records are published first, then the new keys sign; the old ones retire.
    const next = await fresh();
    await publish(withNewKeys(keys, next));
    await publish(activatePending(keys, new Date()));
    expect(
      keys
        .filter((k) => k.state === 'retiring')
        .map((k) => k.selector)
        .sort(),
    ).toEqual(oldSelectors);
    const after = await sendAndReceive('after-rotation');
    expect(selectorsIn(after)).toEqual(next.map((k) => k.selector).sort());
    expect(await verdict(after)).toContain('R_DKIM_ALLOW');
    expect(await verdict(before)).toContain('R_DKIM_ALLOW');
    const tampered = Buffer.from(after.toString('utf8').replace('学会', '大会'), 'utf8');
    expect(await verdict(tampered)).toContain('R_DKIM_REJECT');
  }, 120_000);
});
