/**
 * The director's IMAP proxy in front of two real store agents (store01, store02) with the real
 * embedded directory: imapflow logs in through the proxy as a store01 user and a store02 user and
 * reads mail delivered over the stores' LMTP; wrong passwords, held users, kick, and a stopped store.
 */
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImapProxy } from '../../../../agent/mail/proxy/imap-proxy.js';
import { StoreLocator } from '../../../../agent/mail/proxy/store-locator.js';
import { storeUsers } from '../../../support/store-seed.js';
import { recordingImapFlow } from '../store/imap/support/recording-imapflow.js';
import { type ProxyTestFleet, RawClient, startProxyTestFleet } from './proxy-test-fleet.js';

const { alice, bob, carol } = storeUsers;

let fleet: ProxyTestFleet;
let proxy: ImapProxy;
const logLines: string[] = [];

function client(user: string, password: string): ImapFlow {
  return new ImapFlow({
    host: '127.0.0.1',
    port: proxy.port as number,
    secure: false,
    auth: { user, pass: password },
    logger: false,
    tls: { rejectUnauthorized: false },
  });
}

/** LOGIN over a raw connection; returns the tagged reply line. */
async function rawLogin(user: string, password: string): Promise<string> {
  const raw = await RawClient.connect(proxy.port as number);
  raw.send(`a1 LOGIN "${user}" "${password}"\r\n`);
  const reply = await raw.until(/\r\n(a1 [^\r]*)\r\n/);
  raw.close();
  return reply[1] ?? '';
}

async function waitFor(test: () => boolean): Promise<void> {
  while (!test()) await new Promise((resolve) => setTimeout(resolve, 10));
}

beforeAll(async () => {
  fleet = await startProxyTestFleet();
  proxy = new ImapProxy({
    ...(await fleet.proxyOptions()),
    log: {
      info: (msg, fields) => logLines.push(JSON.stringify({ msg, fields })),
      warn: (msg, fields) => logLines.push(JSON.stringify({ msg, fields })),
    },
  });
  await proxy.start();
  await fleet.deliver('store01', alice.mail, 'for alice on store01');
  await fleet.deliver('store02', bob.mail, 'for bob on store02');
}, 60_000);

afterAll(async () => {
  await proxy?.stop();
  await fleet?.stop();
});

async function readSubjects(imap: ImapFlow): Promise<string[]> {
  await imap.mailboxOpen('INBOX');
  const subjects: string[] = [];
  for await (const message of imap.fetch('1:*', { envelope: true }))
    subjects.push(message.envelope?.subject ?? '');
  return subjects;
}

describe('IMAP proxy', () => {
  it('sends a store01 user and a store02 user to their own stores', async () => {
    const first = client(alice.mail, alice.password);
    await first.connect();
    expect(await readSubjects(first)).toEqual(['for alice on store01']);
    // The store's post-login capabilities reached the client with the tagged OK.
    expect(first.capabilities.has('IDLE')).toBe(true);
    const second = client(bob.mail, bob.password);
    await second.connect();
    expect(await readSubjects(second)).toEqual(['for bob on store02']);
    const sessions = proxy.sessions();
    expect(sessions.map((session) => [session.user, session.storeNode]).sort()).toEqual([
      [alice.mail, 'store01'],
      [bob.mail, 'store02'],
    ]);
    expect(sessions[0]?.clientAddress).toBe('127.0.0.1');
    await first.logout();
    await second.logout();
    await waitFor(() => proxy.sessions().length === 0);
  });

  it('logs in over implicit TLS and with an extra address', async () => {
    const imap = new ImapFlow({
      host: '127.0.0.1',
      port: proxy.tlsPort as number,
      secure: true,
      auth: { user: alice.extra, pass: alice.password },
      logger: false,
      tls: { rejectUnauthorized: false },
    });
    await imap.connect();
    expect(await readSubjects(imap)).toEqual(['for alice on store01']);
    await imap.logout();
  });

  it('answers CAPABILITY itself before login', async () => {
    const raw = await RawClient.connect(proxy.port as number);
    raw.send('c1 CAPABILITY\r\nc2 SELECT INBOX\r\n');
    await raw.until(/c2 [^\r]*\r\n/);
    raw.close();
    const text = raw.received;
    expect(text).toMatch(/\* CAPABILITY IMAP4rev1 LITERAL\+ SASL-IR ID STARTTLS AUTH=PLAIN\r\n/);
    expect(text).toMatch(/c1 OK/);
    expect(text).toMatch(/c2 BAD/);
    // ID is answered before login too (RFC 2971), with the largest ID RFC 2971 allows.
    const id = await RawClient.connect(proxy.port as number);
    const pairs = Array.from({ length: 30 }, (_, i) => `"field${i}" "${'v'.repeat(1024)}"`).join(' ');
    id.send(`i1 ID (${pairs})\r\n`);
    await id.until(/\r\ni1 OK[^\r]*\r\n/);
    expect(id.received).toContain('* ID ("name" "mailfleet")');
    id.close();
  });

  it('refuses a wrong password and an unknown user alike', async () => {
    expect(await rawLogin(carol.mail, 'wrong')).toMatch(/^a1 NO \[AUTHENTICATIONFAILED\]/);
    expect(await rawLogin('nobody@alpha.example', 'x')).toMatch(/^a1 NO \[AUTHENTICATIONFAILED\]/);
  });

  it('closes a connection after three failed logins', async () => {
    const raw = await RawClient.connect(proxy.port as number);
    raw.send(
      'f1 LOGIN ghost1@alpha.example x\r\nf2 LOGIN ghost2@alpha.example x\r\nf3 LOGIN ghost3@alpha.example x\r\n',
    );
    await raw.until(/\r\nf3 NO \[AUTHENTICATIONFAILED\][^\r]*\r\n\* BYE [^\r]*\r\n/);
    expect(await raw.closed()).toBe(true);
  });

  it('refuses a held user with [UNAVAILABLE] until released', async () => {
    proxy.hold(carol.mail);
    expect(await rawLogin(carol.mail, carol.password)).toMatch(/^a1 NO \[UNAVAILABLE\] .*being moved/);
    expect(proxy.release(carol.mail)).toBe(true);
    expect(await rawLogin(carol.mail, carol.password)).toMatch(/^a1 OK \[CAPABILITY IMAP4rev1 /);
  });

  it('does not start a session for a user held while their login was under way', async () => {
    const options = await fleet.proxyOptions();
    let racing: ImapProxy | undefined;
    // The hold lands after the proxy checked holds and found the store, as a cutover racing a login.
    class HoldingLocator extends StoreLocator {
      override async locate(logicalStore: string, service: 'imap' | 'pop3') {
        const endpoint = await super.locate(logicalStore, service);
        racing?.hold(carol.mail);
        return endpoint;
      }
    }
    racing = new ImapProxy({
      ...options,
      tlsPort: undefined,
      locator: new HoldingLocator({ directory: fleet.reader, clock: { now: () => Date.now() } }),
    });
    await racing.start();
    try {
      const raw = await RawClient.connect(racing.port as number);
      raw.send(`a1 LOGIN ${carol.mail} ${carol.password}\r\n`);
      const reply = await raw.until(/\r\n(a1 [^\r]*)\r\n/);
      raw.close();
      expect(reply[1]).toMatch(/^a1 NO \[UNAVAILABLE\] .*being moved/);
      expect(racing.sessions()).toEqual([]);
    } finally {
      await racing.stop();
    }
  });

  it('kick closes the proxied session', async () => {
    const imap = client(alice.mail, alice.password);
    await imap.connect();
    const closed = new Promise((resolve) => imap.once('close', resolve));
    expect(proxy.kick(alice.mail.toUpperCase())).toBe(1);
    await closed;
    expect(proxy.sessions()).toEqual([]);
  });

  it('lets COMPRESS=DEFLATE through end to end: client and store compress, the proxy relays bytes', async () => {
    const { client: imap, sent } = recordingImapFlow({
      host: '127.0.0.1',
      port: proxy.tlsPort as number,
      secure: true,
      auth: { user: alice.mail, pass: alice.password },
      tls: { rejectUnauthorized: false },
    });
    await imap.connect();
    // The proxy does not offer it before login; the store's list after login does.
    expect(imap.capabilities.has('COMPRESS=DEFLATE')).toBe(true);
    expect(sent.some((line) => / COMPRESS DEFLATE$/.test(line))).toBe(true);
    expect(await readSubjects(imap)).toEqual(['for alice on store01']);
    // A kick cuts a compressed relay like any other.
    const closed = new Promise((resolve) => imap.once('close', resolve));
    expect(proxy.kick(alice.mail)).toBe(1);
    await closed;
  });

  it('takes AUTHENTICATE PLAIN after a continuation and LOGIN with literals', async () => {
    const raw = await RawClient.connect(proxy.port as number);
    raw.send('a1 AUTHENTICATE PLAIN\r\n');
    await raw.until(/\r\n\+ \r\n/);
    raw.send(`${Buffer.from(`\0${carol.mail}\0${carol.password}`).toString('base64')}\r\n`);
    await raw.until(/\r\na1 OK \[CAPABILITY [^\r]*IDLE[^\r]*\] [^\r]*\r\n/);
    raw.send('a2 SELECT INBOX\r\n');
    await raw.until(/\r\na2 OK \[READ-WRITE\]/);
    raw.close();

    const literal = await RawClient.connect(proxy.port as number);
    literal.send(`b1 LOGIN {${carol.mail.length}}\r\n`);
    await literal.until(/\r\n\+ [^\r]*\r\n/);
    literal.send(`${carol.mail} {${carol.password.length}+}\r\n${carol.password}\r\n`);
    await literal.until(/\r\nb1 OK \[CAPABILITY /);
    literal.close();
  });

  it('passes commands pipelined after LOGIN on to the store', async () => {
    const raw = await RawClient.connect(proxy.port as number);
    raw.send(`p1 LOGIN ${carol.mail} ${carol.password}\r\np2 SELECT INBOX\r\np3 LOGOUT\r\n`);
    await raw.until(/\r\np3 OK[^\r]*\r\n/);
    expect(raw.received).toMatch(/\r\np1 OK \[CAPABILITY [^\r]*\r\n(.*\r\n)*p2 OK \[READ-WRITE\]/);
    raw.close();
  });

  it('bounds lines and literals before login and keeps serving', async () => {
    const raw = await RawClient.connect(proxy.port as number);
    raw.send(`x1 LOGIN ${'a'.repeat(40_000)} b\r\n`);
    await raw.until(/\r\nx1 BAD \[TOOBIG\][^\r]*\r\n/);
    raw.send('x2 LOGIN {4000000000}\r\n');
    await raw.until(/\r\nx2 BAD \[TOOBIG\][^\r]*\r\n/);
    raw.send('x3 CAPABILITY\r\n');
    await raw.until(/\r\nx3 OK/);
    raw.close();
    expect(await rawLogin(carol.mail, carol.password)).toMatch(/^a1 OK /);
  });

  it('answers a long pipelined burst in order, and closes on junk', async () => {
    const raw = await RawClient.connect(proxy.port as number);
    const burst = Array.from({ length: 5_000 }, (_, index) => `n${index} NOOP\r\n`).join('');
    raw.send(burst);
    await raw.until(/\r\nn4999 OK[^\r]*\r\n/);
    expect(raw.received.match(/\r\nn\d+ OK /g)).toHaveLength(5_000);
    raw.send('j1 FETCH 1 BODY[]\r\n'.repeat(25));
    await raw.until(/\* BYE too many bad commands\r\n/);
    expect(await raw.closed()).toBe(true);
  });

  it('never logs a password', () => {
    expect(logLines.some((line) => line.includes('proxied login'))).toBe(true);
    for (const password of [alice.password, bob.password, carol.password]) {
      expect(logLines.join('\n')).not.toContain(password);
    }
  });

  it('replays the login over STARTTLS to the store and checks its certificate', async () => {
    const options = await fleet.proxyOptions();
    const checked = new ImapProxy({
      ...options,
      tlsPort: undefined,
      storeConnect: { tlsToStores: 'always', ca: fleet.ca },
    });
    const unchecked = new ImapProxy({
      ...options,
      tlsPort: undefined,
      storeConnect: { tlsToStores: 'always' },
    });
    await checked.start();
    await unchecked.start();
    try {
      const imap = new ImapFlow({
        host: '127.0.0.1',
        port: checked.port as number,
        secure: false,
        auth: { user: alice.mail, pass: alice.password },
        logger: false,
        tls: { rejectUnauthorized: false },
      });
      await imap.connect();
      expect(await readSubjects(imap)).toEqual(['for alice on store01']);
      await imap.logout();
      // Without the test CA the store's certificate is not trusted: no login is replayed.
      const raw = await RawClient.connect(unchecked.port as number);
      raw.send(`a1 LOGIN ${alice.mail} ${alice.password}\r\n`);
      const reply = await raw.until(/\r\n(a1 [^\r]*)\r\n/);
      raw.close();
      expect(reply[1]).toMatch(/^a1 NO \[UNAVAILABLE\] the mail store store01 is not available/);
    } finally {
      await checked.stop();
      await unchecked.stop();
    }
  });

  it('logs out silent clients, and a relayed STARTTLS session outlives the pre-login timer', async () => {
    const quick = new ImapProxy({
      ...(await fleet.proxyOptions()),
      tlsPort: undefined,
      limits: { failedLoginDelayMs: 0, preAuthTimeoutMs: 200 },
    });
    await quick.start();
    try {
      const silent = await RawClient.connect(quick.port as number);
      await silent.until(/\* BYE autologout[^\r]*\r\n/);
      expect(await silent.closed()).toBe(true);
      const imap = new ImapFlow({
        host: '127.0.0.1',
        port: quick.port as number,
        secure: false,
        doSTARTTLS: true,
        auth: { user: alice.mail, pass: alice.password },
        logger: false,
        tls: { rejectUnauthorized: false },
      });
      await imap.connect();
      expect(imap.secureConnection).toBe(true);
      // Idle for longer than the pre-login timeout: the relay must not be closed by it.
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(await readSubjects(imap)).toEqual(['for alice on store01']);
      await imap.logout();
      // Both the TLS layer and the TCP socket under it are gone once the client logged out.
      await waitFor(() => quick.connectionCount === 0 && quick.sessions().length === 0);
    } finally {
      await quick.stop();
    }
  });

  it('answers [UNAVAILABLE] for a stopped store and keeps serving the others', async () => {
    await fleet.agents.get('store02')?.stop();
    expect(await rawLogin(bob.mail, bob.password)).toMatch(
      /^a1 NO \[UNAVAILABLE\] the mail store store02 is not available/,
    );
    const imap = client(alice.mail, alice.password);
    await imap.connect();
    expect(await readSubjects(imap)).toEqual(['for alice on store01']);
    await imap.logout();
  });
});
