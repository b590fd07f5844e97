/**
 * The director's IMAP proxy in front of two real store agents (store01, store02) with the real
 * embedded directory: imapflow logs in through the proxy as a store01 user and a store02 user and
 * reads mail delivered over the stores' LMTP; wrong passwords, held users, kick, and a stopped store.
 */
import { connect, type Socket } from 'node:net';
import { ImapFlow } from 'imapflow';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../../../agent/daemon/agent.js';
import { parseAgentConfig } from '../../../../agent/daemon/agent-config.js';
import { productionDependencies } from '../../../../agent/daemon/production-dependencies.js';
import type { LdapFleetDirectory } from '../../../../agent/directory/ldap-fleet-directory.js';
import { ImapProxy } from '../../../../agent/mail/proxy/imap-proxy.js';
import { ProxyAuthenticator } from '../../../../agent/mail/proxy/proxy-authenticator.js';
import { StoreLocator } from '../../../../agent/mail/proxy/store-locator.js';
import { loadMailTls } from '../../../../agent/mail/tls/mail-tls.js';
import { AgentTestDirectory } from '../../../support/agent-test-directory.js';
import { storeSeedEntries, storeUsers } from '../../../support/store-seed.js';
import { makeTestCertificates, type TestCertificates } from '../../../support/test-certificates.js';

const { alice, bob, carol } = storeUsers;
const clock = { now: () => Date.now() };

let directory: AgentTestDirectory;
let certificates: TestCertificates;
const agents = new Map<string, Agent>();
let reader: LdapFleetDirectory;
let locator: StoreLocator;
let proxy: ImapProxy;

async function startStore(node: string): Promise<Agent> {
  const config = await directory.agentConfig(node, {
    tls: { certFile: certificates.certFile, keyFile: certificates.keyFile },
    mail: { host: '127.0.0.1', lmtpPort: 0, imapPort: 0, pop3Port: 0 },
  });
  const agent = new Agent(
    parseAgentConfig(config),
    productionDependencies({ clock, logSink: () => undefined }),
  );
  await agent.start();
  return agent;
}

async function deliver(node: string, to: string, subject: string): Promise<void> {
  const entry = await reader.getServer(node);
  const port = Number(entry?.endpoints.lmtp?.split(':').pop());
  const transport = createTransport({ host: '127.0.0.1', port, lmtp: true, ignoreTLS: true });
  await transport.sendMail({
    envelope: { from: 'sender@example.org', to: [to] },
    raw: `From: sender@example.org\r\nTo: ${to}\r\nSubject: ${subject}\r\n\r\nhello ${to}\r\n`,
  });
  transport.close();
}

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

/** A raw connection: greeting read, then one command and its tagged reply. */
async function rawLogin(user: string, password: string): Promise<string> {
  const socket: Socket = connect(proxy.port as number, '127.0.0.1');
  let text = '';
  socket.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  await new Promise((resolve) => socket.once('connect', resolve));
  await waitFor(() => text.includes('\r\n'));
  socket.write(`a1 LOGIN "${user}" "${password}"\r\n`);
  await waitFor(() => /\r\na1 [^\r]*\r\n/.test(text));
  socket.destroy();
  return /\r\n(a1 [^\r]*)\r\n/.exec(text)?.[1] ?? '';
}

async function waitFor(test: () => boolean): Promise<void> {
  while (!test()) await new Promise((resolve) => setTimeout(resolve, 10));
}

beforeAll(async () => {
  directory = await AgentTestDirectory.start({
    servers: [
      { name: 'store01', role: 'store' },
      { name: 'store02', role: 'store' },
      { name: 'director01', role: 'director' },
    ],
    admins: [],
    extraEntries: storeSeedEntries,
  });
  certificates = await makeTestCertificates('director01');
  agents.set('store01', await startStore('store01'));
  agents.set('store02', await startStore('store02'));
  reader = directory.reader('director01');
  locator = new StoreLocator({ directory: reader, clock });
  proxy = new ImapProxy({
    authenticator: new ProxyAuthenticator({ directory: reader, clock }),
    locator,
    tls: await loadMailTls({ certFile: certificates.certFile, keyFile: certificates.keyFile }),
    host: '127.0.0.1',
    port: 0,
    tlsPort: 0,
    limits: { failedLoginDelayMs: 0 },
  });
  await proxy.start();
  await deliver('store01', alice.mail, 'for alice on store01');
  await deliver('store02', bob.mail, 'for bob on store02');
}, 60_000);

afterAll(async () => {
  await proxy?.stop();
  for (const agent of agents.values()) await agent.stop();
  await reader?.close();
  await directory?.stop();
  await certificates?.remove();
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
    const socket = connect(proxy.port as number, '127.0.0.1');
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
    });
    await waitFor(() => text.includes('\r\n'));
    socket.write('c1 CAPABILITY\r\nc2 SELECT INBOX\r\n');
    await waitFor(() => text.includes('c2 '));
    socket.destroy();
    expect(text).toMatch(/\* CAPABILITY IMAP4rev1 LITERAL\+ SASL-IR STARTTLS AUTH=PLAIN\r\n/);
    expect(text).toMatch(/c1 OK/);
    expect(text).toMatch(/c2 BAD/);
  });

  it('refuses a wrong password and an unknown user alike', async () => {
    expect(await rawLogin(carol.mail, 'wrong')).toMatch(/^a1 NO \[AUTHENTICATIONFAILED\]/);
    expect(await rawLogin('nobody@alpha.example', 'x')).toMatch(/^a1 NO \[AUTHENTICATIONFAILED\]/);
  });

  it('refuses a held user with [UNAVAILABLE] until released', async () => {
    proxy.hold(carol.mail);
    expect(await rawLogin(carol.mail, carol.password)).toMatch(/^a1 NO \[UNAVAILABLE\] .*being moved/);
    expect(proxy.release(carol.mail)).toBe(true);
    expect(await rawLogin(carol.mail, carol.password)).toMatch(/^a1 OK \[CAPABILITY IMAP4rev1 /);
  });

  it('kick closes the proxied session', async () => {
    const imap = client(alice.mail, alice.password);
    await imap.connect();
    const closed = new Promise((resolve) => imap.once('close', resolve));
    expect(proxy.kick(alice.mail.toUpperCase())).toBe(1);
    await closed;
    expect(proxy.sessions()).toEqual([]);
  });

  it('answers [UNAVAILABLE] for a stopped store and keeps serving the others', async () => {
    await agents.get('store02')?.stop();
    expect(await rawLogin(bob.mail, bob.password)).toMatch(
      /^a1 NO \[UNAVAILABLE\] the mail store store02 is not available/,
    );
    const imap = client(alice.mail, alice.password);
    await imap.connect();
    expect(await readSubjects(imap)).toEqual(['for alice on store01']);
    await imap.logout();
  });
});
