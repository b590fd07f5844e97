/**
 * The store role end to end in a real Agent: the embedded directory with users, LMTP delivery with
 * nodemailer, POP3 logins (poplib-level protocol over a raw socket), and the store RPCs over the
 * real SSH control plane with each tier: mailbox.list, mailbox.stats, session.list, session.kick
 * (audited), the store counters and top quota users in node.metrics, endpoints in the directory.
 */
import { copyFile, readFile } from 'node:fs/promises';
import { ImapFlow } from 'imapflow';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRpc, type RpcConnection } from '../../../../agent/common/rpc/connect-rpc.js';
import { RpcCallError } from '../../../../agent/common/rpc/rpc-errors.js';
import { Agent } from '../../../../agent/daemon/agent.js';
import { parseAgentConfig } from '../../../../agent/daemon/agent-config.js';
import { productionDependencies } from '../../../../agent/daemon/production-dependencies.js';
import { AgentTestDirectory, newKeyPair } from '../../../support/agent-test-directory.js';
import { LineClient } from '../../../support/line-client.js';
import { storeSeedEntries, storeUsers } from '../../../support/store-seed.js';
import { makeTestCertificates, type TestCertificates } from '../../../support/test-certificates.js';

const keys = {
  sys: newKeyPair('sys'),
  hd: newKeyPair('hd'),
  alphaAdmin: newKeyPair('alpha-admin'),
  viewer: newKeyPair('viewer'),
  peer: newKeyPair('store02'),
};
const { alice, carol, dave, bob } = storeUsers;

let directory: AgentTestDirectory;
let certificates: TestCertificates;
let agent: Agent;
let pinned: string[];
let endpoints: Record<string, string>;
/** Added to the agent's clock, to age the mailbox scan without waiting. */
let clockOffset = 0;
const logLines: string[] = [];

beforeAll(async () => {
  directory = await AgentTestDirectory.start({
    servers: [
      { name: 'store01', role: 'store' },
      { name: 'store02', role: 'store', hostKeys: [keys.peer.public] },
    ],
    admins: [
      { uid: 'sys', displayName: 'System', tier: 'system', sshPublicKeys: [keys.sys.public] },
      { uid: 'hd', displayName: 'Help Desk', tier: 'helpdesk', sshPublicKeys: [keys.hd.public] },
      {
        uid: 'alpha-admin',
        displayName: 'Alpha Admin',
        tier: 'domain',
        domains: ['alpha.example'],
        sshPublicKeys: [keys.alphaAdmin.public],
      },
      { uid: 'viewer', displayName: 'Viewer', tier: 'user', sshPublicKeys: [keys.viewer.public] },
    ],
    extraEntries: storeSeedEntries,
  });
  certificates = await makeTestCertificates('store01');
  const config = await directory.agentConfig('store01', {
    tls: { certFile: certificates.certFile, keyFile: certificates.keyFile },
    mail: { host: '127.0.0.1', lmtpPort: 0, imapPort: 0, imapsPort: 0, pop3Port: 0, pop3sPort: 0 },
  });
  agent = new Agent(
    parseAgentConfig(config),
    productionDependencies({
      clock: { now: () => Date.now() + clockOffset },
      logSink: (line) => logLines.push(line),
    }),
  );
  await agent.start();
  const entry = await directory.reader('store01').getServer('store01');
  pinned = entry?.hostKeys ?? [];
  endpoints = entry?.endpoints ?? {};
});

afterAll(async () => {
  await agent?.stop();
  await directory?.stop();
  await certificates?.remove();
});

function portOf(name: string): number {
  const value = endpoints[name];
  if (!value) throw new Error(`no ${name} endpoint published`);
  return Number(value.split(':').pop());
}

function connectAs(uid: string, privateKey: string): Promise<RpcConnection> {
  return connectRpc({
    host: '127.0.0.1',
    port: agent.endpoints().controlPort,
    username: uid,
    privateKey,
    pinnedHostKeys: pinned,
  });
}

async function pop3Login(user: string, password: string): Promise<LineClient> {
  const client = await LineClient.connect(portOf('pop3'));
  await client.readLine();
  const auth = Buffer.from(`\0${user}\0${password}`).toString('base64');
  expect(await client.command(`AUTH PLAIN ${auth}`)).toMatch(/^\+OK/);
  return client;
}

async function denied(call: Promise<unknown>): Promise<RpcCallError> {
  const error = await call.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(RpcCallError);
  return error as RpcCallError;
}

describe('store role', () => {
  it('runs lmtp and pop3 as services and publishes their endpoints', async () => {
    const services = agent.services.list().map((service) => [service.name, service.state]);
    expect(services).toEqual(
      expect.arrayContaining([
        ['lmtp', 'running'],
        ['pop3', 'running'],
      ]),
    );
    expect(Object.keys(endpoints)).toEqual(expect.arrayContaining(['lmtp', 'pop3', 'pop3s', 'control']));
    expect(endpoints.pop3).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it('delivers over LMTP to local users and refuses unknown, other-store and disabled recipients', async () => {
    const transport = createTransport({
      host: '127.0.0.1',
      port: portOf('lmtp'),
      lmtp: true,
      ignoreTLS: true,
    });
    const info = await transport.sendMail({
      envelope: {
        from: 'sender@example.org',
        to: [alice.extra, carol.mail, dave.mail, bob.mail, 'nobody@alpha.example', storeUsers.eve.mail],
      },
      raw: `From: sender@example.org\r\nSubject: welcome\r\n\r\n${'x'.repeat(4000)}\r\n`,
    });
    transport.close();
    expect([...info.accepted].sort()).toEqual([alice.extra, carol.mail, dave.mail].sort());
    expect([...info.rejected].sort()).toEqual([bob.mail, 'nobody@alpha.example', storeUsers.eve.mail].sort());
  });

  it('lets a user read the delivery over POP3 and records the login', async () => {
    const client = await pop3Login(alice.mail, alice.password);
    client.send('RETR 1\r\n');
    const lines = await client.readMultiLine();
    expect(lines).toContain('Subject: welcome');
    expect(lines).toContain(`Delivered-To: ${alice.extra}`);
    expect(await client.command('QUIT')).toMatch(/^\+OK/);
  });

  it('lets a user log in over IMAP with STARTTLS (imapflow), read the delivery, and be kicked', async () => {
    const client = new ImapFlow({
      host: '127.0.0.1',
      port: portOf('imap'),
      secure: false,
      doSTARTTLS: true,
      tls: { ca: [await readFile(certificates.caFile, 'utf8')], servername: 'localhost' },
      auth: { user: carol.mail, pass: carol.password },
      logger: false,
    });
    await client.connect();
    expect(client.secureConnection).toBe(true);
    const lock = await client.getMailboxLock('INBOX');
    try {
      const message = await client.fetchOne('1', { envelope: true, source: true });
      expect(message ? message.envelope?.subject : undefined).toBe('welcome');
    } finally {
      lock.release();
    }
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    const hd = await connectAs('hd', keys.hd.private);
    const listed = await hd.client.call('session.list', { user: carol.mail });
    expect(listed.sessions).toEqual([
      expect.objectContaining({ protocol: 'imap', user: carol.mail, secure: true }),
    ]);
    expect(await hd.client.call('session.kick', { user: carol.mail })).toEqual({ closed: 1 });
    await closed;
    hd.close();
  });

  it('serves IMAP over implicit TLS', async () => {
    const client = new ImapFlow({
      host: '127.0.0.1',
      port: portOf('imaps'),
      secure: true,
      tls: { ca: [await readFile(certificates.caFile, 'utf8')], servername: 'localhost' },
      auth: { user: dave.mail, pass: dave.password },
      logger: false,
    });
    await client.connect();
    const status = await client.status('INBOX', { messages: true });
    expect(status ? status.messages : undefined).toBe(1);
    await client.logout();
  });

  it('logs refused logins with the login name and reason, and never a password', async () => {
    const client = await LineClient.connect(portOf('pop3'));
    await client.readLine();
    const guess = 'Secret-Guess-4711';
    expect(
      await client.command(`AUTH PLAIN ${Buffer.from(`\0${dave.mail}\0${guess}`).toString('base64')}`),
    ).toMatch(/^-ERR \[AUTH\]/);
    client.close();
    const refused = logLines.filter((line) => line.includes('mail login refused'));
    expect(refused.some((line) => line.includes(dave.mail) && line.includes('invalid-credentials'))).toBe(
      true,
    );
    for (const secret of [guess, alice.password, carol.password, dave.password]) {
      expect(logLines.filter((line) => line.includes(secret))).toEqual([]);
    }
  });

  it('lists mailboxes for staff, only their domains for a domain admin, nothing for tier user or peers', async () => {
    const hd = await connectAs('hd', keys.hd.private);
    const listed = await hd.client.call('mailbox.list', {});
    expect(listed.total).toBe(3);
    expect(listed.mailboxes.map((mailbox) => mailbox.user)).toEqual([alice.mail, carol.mail, dave.mail]);
    const aliceBox = listed.mailboxes[0];
    expect(aliceBox).toMatchObject({ messages: 1, quotaBytes: alice.quotaBytes });
    expect(aliceBox?.sizeBytes).toBeGreaterThan(4000);
    expect(aliceBox?.quotaUsedPercent).toBeGreaterThan(0);
    expect(aliceBox?.lastLoginAt).toBeTypeOf('number');
    expect(listed.mailboxes[2]?.quotaUsedPercent).toBeUndefined();
    const page = await hd.client.call('mailbox.list', { offset: 1, limit: 1 });
    expect(page).toMatchObject({ total: 3, offset: 1, mailboxes: [{ user: carol.mail }] });
    hd.close();

    // No agent needs another store's mailboxes: a peer's host key lists nothing (access-matrix.ts).
    const peer = await connectAs('store02', keys.peer.private);
    expect((await denied(peer.client.call('mailbox.list', { prefix: 'dave' }))).codeName).toBe('forbidden');
    peer.close();

    const domainAdmin = await connectAs('alpha-admin', keys.alphaAdmin.private);
    const own = await domainAdmin.client.call('mailbox.list', {});
    expect(own.mailboxes.map((mailbox) => mailbox.user)).toEqual([alice.mail, carol.mail]);
    domainAdmin.close();

    const viewer = await connectAs('viewer', keys.viewer.private);
    expect((await denied(viewer.client.call('mailbox.list', {}))).codeName).toBe('forbidden');
    viewer.close();
  });

  it('shows one mailbox in detail, within a domain admin’s domains only', async () => {
    const hd = await connectAs('hd', keys.hd.private);
    const stats = await hd.client.call('mailbox.stats', { user: 'A.Smith@alpha.example' });
    expect(stats.user).toBe(alice.mail);
    expect(stats.exists).toBe(true);
    expect(stats.folders.find((folder) => folder.name === 'INBOX')).toMatchObject({ messages: 1, unseen: 1 });
    expect(stats.quota).toMatchObject({ messages: 1, limitBytes: alice.quotaBytes });
    const other = await denied(hd.client.call('mailbox.stats', { user: bob.mail }));
    expect(other.codeName).toBe('notFound');
    expect(other.message).toMatch(/store02/);
    const empty = await hd.client.call('mailbox.stats', { user: storeUsers.eve.mail });
    expect(empty).toMatchObject({ exists: false, folders: [] });
    hd.close();

    const domainAdmin = await connectAs('alpha-admin', keys.alphaAdmin.private);
    expect((await domainAdmin.client.call('mailbox.stats', { user: carol.mail })).exists).toBe(true);
    const refused = await denied(domainAdmin.client.call('mailbox.stats', { user: dave.mail }));
    expect(refused.codeName).toBe('forbidden');
    expect(refused.message).toMatch(/beta\.example is not one of their domains/);
    domainAdmin.close();
  });

  it('lists and kicks POP3 sessions by tier, audits the kick, and counts sessions in metrics', async () => {
    const carolSession = await pop3Login(carol.mail, carol.password);
    const daveSession = await pop3Login(dave.mail, dave.password);

    const hd = await connectAs('hd', keys.hd.private);
    const all = await hd.client.call('session.list', {});
    expect(all.sessions.map((session) => session.user).sort()).toEqual([carol.mail, dave.mail]);
    expect(all.sessions[0]).toMatchObject({ protocol: 'pop3', clientAddress: '127.0.0.1', secure: false });
    const metrics = await hd.client.call('node.metrics', {});
    expect(metrics.counters).toHaveProperty('pop3_sessions');
    expect(metrics.counters).toHaveProperty('logins_per_sec');

    const domainAdmin = await connectAs('alpha-admin', keys.alphaAdmin.private);
    const own = await domainAdmin.client.call('session.list', {});
    expect(own.sessions.map((session) => session.user)).toEqual([carol.mail]);
    expect((await denied(domainAdmin.client.call('session.kick', { user: dave.mail }))).codeName).toBe(
      'forbidden',
    );
    expect(await domainAdmin.client.call('session.kick', { user: carol.mail })).toEqual({ closed: 1 });
    await carolSession.closed();
    domainAdmin.close();

    const peer = await connectAs('store02', keys.peer.private);
    expect((await denied(peer.client.call('session.kick', { user: dave.mail }))).codeName).toBe('forbidden');
    peer.close();

    expect(await hd.client.call('session.kick', { user: dave.mail })).toEqual({ closed: 1 });
    await daveSession.closed();
    expect(await hd.client.call('session.kick', { user: dave.mail })).toEqual({ closed: 0 });
    const audit = await hd.client.call('audit.tail', { limit: 20 });
    const kicks = audit.entries.filter((entry) => entry.method === 'session.kick');
    expect(kicks.map((entry) => [entry.caller.id, entry.outcome])).toEqual([
      ['hd', 'ok'], // the IMAP kick above
      ['alpha-admin', 'denied'], // another department's user: refused before the handler runs
      ['alpha-admin', 'ok'],
      ['store02', 'denied'],
      ['hd', 'ok'],
      ['hd', 'ok'],
    ]);
    hd.close();
  });

  it('reports the mailboxes nearest their quota once the scan is due', async () => {
    clockOffset += 31_000;
    const sys = await connectAs('sys', keys.sys.private);
    let metrics = await sys.client.call('node.metrics', {});
    for (let i = 0; i < 50 && !metrics.store?.topQuotaUsers.length; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      metrics = await sys.client.call('node.metrics', {});
    }
    // carol's quota is the domain default (1 MB), alice's her own 5 MB: carol has used the larger share.
    expect(metrics.store?.topQuotaUsers.map((entry) => entry.user)).toEqual([carol.mail, alice.mail]);
    expect(metrics.store?.topQuotaUsers[1]).toMatchObject({ limitBytes: alice.quotaBytes });
    expect(metrics.counters.mailbox_count).toBe(3);
    expect(metrics.counters.mail_disk_bytes).toBeGreaterThan(3 * 4000);
    sys.close();
  });

  it('restarts pop3 with service.restart and publishes where it listens now', async () => {
    const sys = await connectAs('sys', keys.sys.private);
    const { service } = await sys.client.call('service.restart', { service: 'pop3' });
    expect(service).toMatchObject({ name: 'pop3', state: 'running', restarts: 1 });
    const pop3s = /pop3s on 127\.0\.0\.1:(\d+)/.exec(service.detail ?? '')?.[1];
    expect(pop3s).toBeDefined();
    // Port 0 in the configuration: the restart may land elsewhere, and the directory must say where.
    let published = (await directory.reader('store01').getServer('store01'))?.endpoints.pop3s;
    for (let i = 0; i < 50 && published !== `127.0.0.1:${pop3s}`; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      published = (await directory.reader('store01').getServer('store01'))?.endpoints.pop3s;
    }
    expect(published).toBe(`127.0.0.1:${pop3s}`);
    const client = await LineClient.connectTls(Number(pop3s), await readFile(certificates.caFile, 'utf8'));
    expect(await client.readLine()).toMatch(/^\+OK/);
    client.close();
    sys.close();
  });

  it('serves a renewed certificate after service.restart', async () => {
    const renewed = await makeTestCertificates('store01');
    try {
      await copyFile(renewed.certFile, certificates.certFile);
      await copyFile(renewed.keyFile, certificates.keyFile);
      const sys = await connectAs('sys', keys.sys.private);
      const { service } = await sys.client.call('service.restart', { service: 'pop3' });
      sys.close();
      const port = Number(/pop3s on 127\.0\.0\.1:(\d+)/.exec(service.detail ?? '')?.[1]);
      // The renewed certificate comes from another CA: only that CA's trust works now.
      await expect(LineClient.connectTls(port, await readFile(certificates.caFile, 'utf8'))).rejects.toThrow(
        /self[- ]signed|unable to verify|certificate/i,
      );
      const client = await LineClient.connectTls(port, await readFile(renewed.caFile, 'utf8'));
      expect(await client.readLine()).toMatch(/^\+OK/);
      client.close();
    } finally {
      await renewed.remove();
    }
  });
});
