/**
 * SRS on the director, with Debian's Postfix as the outside world (the sender's MTA, and the MX of
 * outside.example and gone.example keeping Maildirs). Carol forwards to friend@outside.example,
 * to lost@gone.example (accepted by the MX, then bounced by it: an alias to a dead end), to refused@outside.example
 * (refused by the MX at RCPT, so bounced by the director) and to dave (local). The outside copy
 * arrives with an SRS0 envelope sender in the SRS domain whose hash verifies; dave's copy keeps the
 * original sender; Postfix's DSN to the SRS address and the director's own DSN both reach the
 * original sender; `<>` stays `<>`. Strangers get 550 in words for a forged hash or a stamp older
 * than 21 days, and cannot relay anywhere with an SRS address. The director trusts no network here:
 * the SRS hash alone lets a bounce through to an outside address.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryRules } from '../../../../agent/mail/director/delivery-rules/delivery-rules.js';
import { VacationRecord } from '../../../../agent/mail/director/delivery-rules/vacation-record.js';
import { SrsRewriter } from '../../../../agent/mail/srs/srs-address.js';
import { loadSrsSecrets } from '../../../../agent/mail/srs/srs-secrets.js';
import {
  type DnsResponder,
  startDnsResponder,
} from '../../../../main/lab/simulated-internet/dns-responder.js';
import { forgedSrsHash } from '../../../support/forged-srs.js';
import { probeFreePort } from '../../../support/free-port.js';
import { startPostfix, type TestPostfix } from '../../../support/postfix.js';
import { storeUsers } from '../../../support/store-seed.js';
import { type DirectorFixture, outsideZone, startDirectorFixture } from './director-fixture.js';

const { alice, carol, dave } = storeUsers;
const day = 86_400_000;
// The default SRS domain: the director's own host name (the fixture's serverName).
const srsDomain = 'director01.test';
const friend = 'friend@outside.example';
const sender = 'sender@outside.example';
const lost = 'lost@gone.example';
const refused = 'refused@outside.example';

async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The envelope sender the final delivery recorded (Postfix's and our store's Return-Path). */
function returnPath(text: string | undefined): string | undefined {
  return /^Return-Path: <([^>]*)>/m.exec(text ?? '')?.[1];
}

describe('SRS on the director, with Debian Postfix as the outside world', () => {
  let postfix: TestPostfix;
  let dns: DnsResponder;
  let fx: DirectorFixture;
  let dataDir: string;
  let srs: SrsRewriter;
  let secrets: string[];

  const message = (from: string, subject: string) =>
    `From: ${from}\r\nTo: Carol <${carol.mail}>\r\nSubject: ${subject}\r\nMessage-ID: <${subject}@outside.example>\r\n\r\nHello ${subject}\r\n`;
  /** Mail to carol through the outside sender's Postfix. */
  const sendViaPostfix = async (from: string, subject: string) => {
    const transport = createTransport({ host: '127.0.0.1', port: postfix.port, ignoreTLS: true });
    try {
      await transport.sendMail({ envelope: { from, to: [carol.mail] }, raw: message(from, subject) });
    } finally {
      transport.close();
    }
  };
  /** A stranger on the internet (127.0.0.2) talking to the director itself: the reply it gets. */
  const strangerSends = async (to: string) => {
    const transport = createTransport({
      host: '127.0.0.1',
      port: fx.smtp.port,
      ignoreTLS: true,
      localAddress: '127.0.0.2',
    });
    try {
      return await transport
        .sendMail({ envelope: { from: 'stranger@else.example', to: [to] }, raw: message(to, 'stranger') })
        .then(
          () => 'accepted',
          (error: { response?: string }) => error.response ?? String(error),
        );
    } finally {
      transport.close();
    }
  };
  /** Mail from the outside sender's Postfix to `to`. */
  const sendTo = async (to: string, subject: string) => {
    const transport = createTransport({ host: '127.0.0.1', port: postfix.port, ignoreTLS: true });
    try {
      await transport.sendMail({ envelope: { from: sender, to: [to] }, raw: message(sender, subject) });
    } finally {
      transport.close();
    }
  };
  const withSubject = async (address: string, subject: string) =>
    (await postfix.mailbox(address)).filter((text) => text.includes(`Subject: ${subject}`));

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mailfleet-srs-director-'));
    // As the director module does at first start: the secret generated into the data directory.
    secrets = await loadSrsSecrets(join(dataDir, 'srs-secrets'));
    srs = new SrsRewriter({ domain: srsDomain, secrets, now: () => Date.now() });
    const aliases = join(dataDir, 'postfix-aliases');
    await writeFile(aliases, `${lost} gone@nowhere.invalid\n`);
    const directorPort = await probeFreePort();
    const director = `smtp:[127.0.0.1]:${directorPort}`;
    postfix = await startPostfix({
      transports: {
        'alpha.example': director,
        'beta.example': director,
        [srsDomain]: director,
        // lost@gone.example is accepted, then aliased to a target that fails: Postfix's own DSN.
        'nowhere.invalid': 'error:5.1.1 this mailbox is gone',
      },
      mainCf: { virtual_alias_maps: `texthash:${aliases}` },
      mailboxDomains: ['outside.example', 'gone.example'],
      mailboxes: [friend, sender],
      recipientAccess: { [refused]: '550 5.1.1 no such user' },
      mx: true,
    });
    dns = await startDnsResponder({
      zone: { ...outsideZone, 'gone.example': { mx: [{ preference: 10, exchange: 'mx.outside.example' }] } },
    });
    fx = await startDirectorFixture(
      {
        port: directorPort,
        trustedNetworks: [],
        srs,
        rules: new DeliveryRules({
          findUser: (address) => fx.router.findUser(address),
          vacations: new VacationRecord(join(dataDir, 'vacation')),
          clock: { now: () => Date.now() },
          host: srsDomain,
          srs,
        }),
      },
      { now: () => Date.now() },
      { dnsServers: [dns.server], port: postfix.mxPort, notices: { returnTo: (to) => srs.returnTo(to) } },
    );
    await fx.ldap.setUserSelfService(carol.mail, {
      forwardTo: [friend, lost, refused, dave.mail],
      keepCopy: false,
    });
  }, 60_000);
  afterAll(async () => {
    await fx?.stop();
    await dns?.stop();
    await postfix?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('sends the outside copy with an SRS0 sender in the SRS domain whose hash verifies; the local copy keeps the sender', async () => {
    await sendViaPostfix(sender, 'forwarded');
    await until(async () => (await withSubject(friend, 'forwarded')).length === 1, 'the forward at friend@');
    const [copy] = await withSubject(friend, 'forwarded');
    const envelopeSender = returnPath(copy) as string;
    expect(envelopeSender).toMatch(
      /^SRS0=[A-Za-z0-9+/]{4}=[A-Z2-7]{2}=outside\.example=sender@director01\.test$/,
    );
    expect(envelopeSender.slice(envelopeSender.lastIndexOf('@') + 1)).toBe(srsDomain);
    expect(srs.reverse(envelopeSender)).toEqual({ ok: true, address: sender });
    expect(copy).toContain(`Delivered-To: ${carol.mail}`);
    // Postfix's log names the same envelope sender for the delivery.
    expect(await postfix.log()).toContain(`from=<${envelopeSender}>`);
    await until(
      async () => (await fx.inbox('store01', dave.mail)).some((t) => t.includes('Subject: forwarded')),
      "dave's copy",
    );
    const local = (await fx.inbox('store01', dave.mail)).find((t) => t.includes('Subject: forwarded'));
    expect(returnPath(local)).toBe(sender);
  });

  it("brings Postfix's DSN to the SRS address, and the director's own DSN, home to the original sender", async () => {
    // Postfix accepted lost@gone.example, then bounced it to the SRS0 address: through the director
    // (which trusts no network) to sender@outside.example.
    const bounces = async () =>
      (await postfix.mailbox(sender)).filter((text) => text.includes('Subject: forwarded'));
    await until(async () => (await bounces()).length === 2, 'two DSNs at sender@outside.example');
    const all = await bounces();
    for (const dsn of all) expect(returnPath(dsn)).toBe('');
    const fromPostfix = all.find((t) => t.includes(lost));
    expect(fromPostfix).toContain('this mailbox is gone');
    // The director's own: the MX refused refused@outside.example at RCPT.
    const fromDirector = all.find((t) => t.includes(refused));
    expect(fromDirector).toContain('Reporting-MTA: dns; director01.test');
    await until(() => fx.queue.list().length === 0, 'an empty director queue');
  });

  it('keeps the null sender null on a forwarded copy', async () => {
    await sendViaPostfix('', 'null-sender');
    await until(async () => (await withSubject(friend, 'null-sender')).length === 1, 'the <> forward');
    const [copy] = await withSubject(friend, 'null-sender');
    expect(returnPath(copy)).toBe('');
  });

  it('refuses a forged hash and a stamp older than 21 days at RCPT, in words', async () => {
    const valid = srs.forward('victim@outside.example');
    const forged = forgedSrsHash(valid);
    expect(await strangerSends(forged)).toMatch(/^550 5\.1\.1 not a valid SRS address: its hash is not ours/);
    // A replay: an address the director really wrote, 22 days ago.
    const old = new SrsRewriter({ domain: srsDomain, secrets, now: () => Date.now() - 22 * day });
    expect(await strangerSends(old.forward('victim@outside.example'))).toMatch(
      /^550 5\.1\.1 not a valid SRS address: it is older than 21 days/,
    );
    expect(await strangerSends(`SRS0=garbled@${srsDomain}`)).toMatch(/^550 5\.1\.1 not a valid SRS address/);
  });

  it('opens no relay: an SRS address without our hash leads nowhere, and plain relaying is still refused', async () => {
    // A stranger's own SRS1 and SRS0 naming an arbitrary outside target, with made-up hashes.
    expect(await strangerSends(`SRS1=AbCd=anywhere.example==XyZw=AA=target.example=x@${srsDomain}`)).toMatch(
      /^550 5\.1\.1 not a valid SRS address/,
    );
    expect(await strangerSends(`SRS0=AbCd=AA=target.example=x@${srsDomain}`)).toMatch(/^550 5\.1\.1 /);
    expect(await strangerSends('x@target.example')).toMatch(/^554 5\.7\.1 /);
    // A valid SRS address leads only to the one address it encodes (here: friend@outside.example).
    const before = (await withSubject(friend, 'stranger')).length;
    expect(await strangerSends(srs.forward(friend))).toBe('accepted');
    await until(
      async () => (await withSubject(friend, 'stranger')).length === before + 1,
      'the bounce-like mail',
    );
  });

  it("sends an alias's and a routing address's targets in other domains with an SRS sender; the alias's local member keeps the sender", async () => {
    // An alias of a department with a member outside and one inside; a user routed outside.
    const list = 'outside-list@alpha.example';
    await fx.ldap.addAlias({ mail: list, forwardTo: [friend, dave.mail] });
    await sendTo(list, 'alias-outside');
    await until(
      async () => (await withSubject(friend, 'alias-outside')).length === 1,
      'the alias copy at friend@',
    );
    const [copy] = await withSubject(friend, 'alias-outside');
    const envelopeSender = returnPath(copy) as string;
    expect(envelopeSender).toMatch(
      /^SRS0=[A-Za-z0-9+/]{4}=[A-Z2-7]{2}=outside\.example=sender@director01\.test$/,
    );
    expect(srs.reverse(envelopeSender)).toEqual({ ok: true, address: sender });
    // Not a user's forward: no Delivered-To of ours (Postfix adds its own at the final delivery).
    expect(copy).not.toMatch(/Delivered-To: \S*@(alpha|beta)\.example/);
    await until(
      async () => (await fx.inbox('store01', dave.mail)).some((t) => t.includes('Subject: alias-outside')),
      "dave's copy of the alias's mail",
    );
    const local = (await fx.inbox('store01', dave.mail)).find((t) => t.includes('Subject: alias-outside'));
    expect(returnPath(local)).toBe(sender);

    await fx.ldap.modifyUser(alice.mail, { mailRoutingAddress: friend });
    try {
      await sendTo(alice.mail, 'routed-outside');
      await until(async () => (await withSubject(friend, 'routed-outside')).length === 1, 'the routed copy');
      const [routed] = await withSubject(friend, 'routed-outside');
      expect(srs.reverse(returnPath(routed) as string)).toEqual({ ok: true, address: sender });
    } finally {
      await fx.ldap.modifyUser(alice.mail, { mailRoutingAddress: null });
    }
  });
});
