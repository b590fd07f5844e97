/**
 * Issue 10, finding 7, what only the embedded directory has: a bind throttle per client address
 * (the fleet's own nodes left out), a cap on connections per address and in all with the refusal
 * told as an LDAP Notice of Disconnection, and the locked DNs and addresses listed for the
 * helpdesk. Clients connect from several loopback addresses (127.0.0.x).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BerReader, Client, InvalidCredentialsError } from 'ldapts';
import { afterEach, describe, expect, it } from 'vitest';
import { FleetTree } from '../../../../agent/common/directory/fleet-entries.js';
import { LdapFleetDirectory } from '../../../../agent/common/directory/ldap-fleet-directory.js';
import {
  type EmbeddedDirectoryOptions,
  EmbeddedDirectoryServer,
} from '../../../../agent/directory/embedded/embedded-directory-server.js';
import { importDirectoryEntries } from '../../../../agent/directory/embedded/import-entries.js';
import { addressThrottlePolicy } from '../../../../agent/mail/auth/login-throttle.js';
import { seedEntries, seedNames, seedPasswords, testBaseDn } from '../../../support/directory-seed.js';
import { tryBind } from '../../../support/ldap-bind.js';

const tree = new FleetTree(testBaseDn);
const outsider = '127.0.0.2';
const otherClient = '127.0.0.3';
const storeNode = '127.0.0.4';

let running: { server: EmbeddedDirectoryServer; dataDir: string } | undefined;
let clockOffset = 0;
const clients: Client[] = [];
const sockets: Socket[] = [];

async function start(options: Partial<EmbeddedDirectoryOptions> = {}): Promise<EmbeddedDirectoryServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'mailfleet-bind-guard-'));
  await importDirectoryEntries(dataDir, testBaseDn, seedEntries(0));
  clockOffset = 0;
  const server = new EmbeddedDirectoryServer({
    dataDir,
    baseDn: testBaseDn,
    port: 0,
    clock: { now: () => Date.now() + clockOffset },
    ...options,
  });
  await server.start();
  running = { server, dataDir };
  return server;
}

afterEach(async () => {
  for (const client of clients.splice(0)) await client.unbind().catch(() => {});
  for (const socket of sockets.splice(0)) socket.destroy();
  if (running) {
    await running.server.stop();
    await rm(running.dataDir, { recursive: true, force: true });
    running = undefined;
  }
});

/** An ldapts client whose connections come from `localAddress`. */
function clientFrom(server: EmbeddedDirectoryServer, localAddress: string): Client {
  const client = new Client({
    url: server.url,
    createConnection: ((port: number, host: string) =>
      connect({ port, host, localAddress })) as unknown as typeof connect,
  });
  clients.push(client);
  return client;
}

function bindFrom(server: EmbeddedDirectoryServer, localAddress: string, dn: string, password: string) {
  return tryBind(server.url, dn, password, localAddress);
}

/** Opens a raw connection and resolves with the first LDAP message the server sends, if any. */
function firstMessage(server: EmbeddedDirectoryServer, localAddress: string): Promise<Buffer | undefined> {
  const socket = connect({ port: Number(new URL(server.url).port), host: '127.0.0.1', localAddress });
  sockets.push(socket);
  return new Promise((resolve) => {
    let data = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
    });
    socket.on('error', () => {});
    socket.on('close', () => resolve(data.length > 0 ? data : undefined));
  });
}

/** Decodes a Notice of Disconnection: resultCode, message and response name. */
function readNotice(message: Buffer): { messageId: number; code: number; text: string; oid: string } {
  const reader = new BerReader(message);
  reader.readSequence();
  const messageId = reader.readInt() ?? -1;
  reader.readSequence(0x78);
  const code = reader.readEnumeration() ?? -1;
  reader.readString();
  const text = reader.readString() ?? '';
  const oid = reader.readString(0x8a) ?? '';
  return { messageId, code, text, oid };
}

describe('the embedded directory guards binds and connections', () => {
  it('throttles a guessing run from one address across many DNs, and keeps serving the others', async () => {
    const server = await start();
    const wait = (address: string) =>
      server.lockouts().find((l) => l.kind === 'address' && l.key === address)?.retryAfterMs ?? 0;
    // One guess for each of many DNs (the per-DN throttle never triggers), waiting out each delay.
    for (let i = 0; i < addressThrottlePolicy.lockAfterFailures; i++) {
      clockOffset += wait(outsider);
      const dn = `uid=user${i},${tree.domain('beta.example')}`;
      expect(await bindFrom(server, outsider, dn, 'guess')).toBeInstanceOf(InvalidCredentialsError);
    }
    const locked = server.lockouts().find((l) => l.kind === 'address' && l.key === outsider);
    expect(locked).toMatchObject({ locked: true, failures: addressThrottlePolicy.lockAfterFailures });
    // From the locked address even a right password is refused, with the words of a wrong one.
    const refused = await bindFrom(server, outsider, tree.user(seedNames.alice), seedPasswords.alice);
    expect(refused).toBeInstanceOf(InvalidCredentialsError);
    expect(
      await bindFrom(server, otherClient, tree.user(seedNames.alice), seedPasswords.alice),
    ).toBeUndefined();
    expect(server.guardFigures()).toMatchObject({
      bindsFailed: addressThrottlePolicy.lockAfterFailures,
      bindsThrottled: 1,
      lockedAddresses: 1,
      lockedDns: 0,
    });
    // The lock ends after its time.
    clockOffset += addressThrottlePolicy.lockMs;
    expect(await bindFrom(server, outsider, tree.user(seedNames.alice), seedPasswords.alice)).toBeUndefined();
  });

  it('does not throttle per address a fleet node (it binds for every mail user), but still per DN', async () => {
    const server = await start();
    // A store agent binds as its server entry from its address, as every agent does at start.
    const store = clientFrom(server, storeNode);
    await store.bind(tree.server('store01'), seedPasswords.server('store01'));
    // Many users mistype their password on that store: more failures than the address lock.
    for (let i = 0; i < addressThrottlePolicy.lockAfterFailures + 5; i++) {
      const dn = `uid=user${i},${tree.domain('alpha.example')}`;
      expect(await bindFrom(server, storeNode, dn, 'typo')).toBeInstanceOf(InvalidCredentialsError);
    }
    expect(
      await bindFrom(server, storeNode, tree.user(seedNames.alice), seedPasswords.alice),
    ).toBeUndefined();
    expect(server.lockouts().filter((l) => l.kind === 'address')).toEqual([]);
    // One user guessed through the store is still locked per DN.
    const bob = tree.user(seedNames.bob);
    for (let i = 0; i < 10; i++) {
      expect(await bindFrom(server, storeNode, bob, `guess-${i}`)).toBeInstanceOf(InvalidCredentialsError);
    }
    expect(await bindFrom(server, storeNode, bob, 'bob-secret')).toBeInstanceOf(InvalidCredentialsError);
    expect(server.lockouts()).toEqual([
      expect.objectContaining({ kind: 'dn', key: bob, locked: true, failures: 10 }),
    ]);
  });

  it('caps connections per address and in all, telling the refused client why, and serves the others', async () => {
    const server = await start({
      connectionLimits: { maxConnections: 5, maxConnectionsPerAddress: 3 },
      exemptAddresses: ['127.0.0.64/26'],
    });
    const viewer = [tree.admin(seedNames.admins.viewer), seedPasswords.viewer] as const;
    const fromOutsider = [
      clientFrom(server, outsider),
      clientFrom(server, outsider),
      clientFrom(server, outsider),
    ];
    for (const client of fromOutsider) await client.bind(...viewer);
    // The fourth from the same address is told why and closed.
    const notice = await firstMessage(server, outsider);
    expect(notice).toBeDefined();
    expect(readNotice(notice as Buffer)).toEqual({
      messageId: 0,
      code: 52,
      text: `too many connections from ${outsider}: close some and try again`,
      oid: '1.3.6.1.4.1.1466.20036',
    });
    const fourth = clientFrom(server, outsider);
    await expect(fourth.bind(...viewer)).rejects.toThrow();
    // Another client is served meanwhile.
    const other = clientFrom(server, otherClient);
    await other.bind(...viewer);
    expect((await other.search(tree.servers, { scope: 'one' })).searchEntries).toHaveLength(
      seedNames.servers.length,
    );
    // Five outsiders in all: a third address is refused as "too many connections" in all...
    const fifth = clientFrom(server, otherClient);
    await fifth.bind(...viewer);
    const total = await firstMessage(server, '127.0.0.5');
    expect(readNotice(total as Buffer).text).toBe('too many connections to this directory: try again later');
    // ...but not a fleet node listed in exemptAddresses.
    const node = clientFrom(server, '127.0.0.70');
    await node.bind(tree.server('store01'), seedPasswords.server('store01'));
    expect(server.guardFigures()).toMatchObject({ connections: 6, connectionsRefused: 3 });
    // A closed connection makes room again.
    await fromOutsider[0]?.unbind();
    while (server.guardFigures().connections > 5) await new Promise((r) => setTimeout(r, 10));
    const again = clientFrom(server, outsider);
    await again.bind(...viewer);
    expect(await again.exop('1.3.6.1.4.1.4203.1.11.3')).toMatchObject({ value: `dn:${viewer[0]}` });
  });

  it('lets the fleet directory client write on after its idle connection was closed', async () => {
    const server = await start({ connectionLimits: { idleTimeoutMs: 300 } });
    const helpdesk = LdapFleetDirectory.withPassword({
      url: server.url,
      baseDn: testBaseDn,
      bindDn: tree.admin(seedNames.admins.helpdesk),
      bindPassword: seedPasswords.helpdesk,
    });
    try {
      expect((await helpdesk.findUserByAddress(seedNames.alice))?.displayName).toBe('Alice Smith');
      while (server.guardFigures().idleClosed < 1) await new Promise((r) => setTimeout(r, 50));
      // The count drops when the socket's close event arrives, a moment after the idle close.
      for (let waited = 0; server.guardFigures().connections > 0 && waited < 5_000; waited += 20) {
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(server.guardFigures().connections).toBe(0);
      // Writes are not retried by the client: it must see the closed connection and open a new one.
      const changed = await helpdesk.modifyUser(seedNames.alice, { displayName: 'Alice After Idle' });
      expect(changed.displayName).toBe('Alice After Idle');
    } finally {
      await helpdesk.close();
    }
  });
});
