/**
 * Issue 10, finding 8 (proxy part): the director's IMAP/POP3 proxy caps connections per client
 * address before login (anvil-style) and relayed sessions per user and address (Dovecot's
 * mail_max_userip_connections), so one address's flood does not lock out another. The proxy here
 * has a global cap of 80 connections: 200 idle connections from 127.0.40.1 would take all of it.
 */
import { connect, type Socket } from 'node:net';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImapProxy } from '../../../../agent/mail/proxy/imap-proxy.js';
import { Pop3Proxy } from '../../../../agent/mail/proxy/pop3-proxy.js';
import { storeUsers } from '../../../support/store-seed.js';
import { type ProxyTestFleet, startProxyTestFleet } from './proxy-test-fleet.js';

const { alice, dave } = storeUsers;
let fleet: ProxyTestFleet;
let imap: ImapProxy;
let pop3: Pop3Proxy;

beforeAll(async () => {
  fleet = await startProxyTestFleet();
  const limits = { failedLoginDelayMs: 0, maxConnections: 80 };
  imap = new ImapProxy({ ...(await fleet.proxyOptions()), limits });
  pop3 = new Pop3Proxy({ ...(await fleet.proxyOptions()), limits });
  await imap.start();
  await pop3.start();
}, 60_000);

afterAll(async () => {
  await imap?.stop();
  await pop3?.stop();
  await fleet?.stop();
});

/** A raw connection from `localAddress` and what it received until it closed (or `wait` ms). */
async function firstWords(
  port: number,
  localAddress: string,
): Promise<{ socket: Socket; text: () => string }> {
  const socket = connect({ port, host: '127.0.0.1', localAddress });
  let text = '';
  socket.on('data', (chunk: Buffer) => {
    text += chunk.toString('latin1');
  });
  socket.on('error', () => undefined);
  let closed = false;
  socket.once('close', () => {
    closed = true;
  });
  const deadline = Date.now() + 10_000;
  while (!text.includes('\r\n') && !closed && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 5));
  return { socket, text: () => text };
}

function imapClient(user: string, pass: string, localAddress: string): ImapFlow {
  return new ImapFlow({
    host: '127.0.0.1',
    port: imap.port as number,
    secure: false,
    auth: { user, pass },
    logger: false,
    // Plain text is allowed from loopback; a transport of our own picks the source address.
    doSTARTTLS: false,
    transport: {
      connect: (options: { host: string; port: number }, onConnect: () => void) =>
        connect({ host: options.host, port: options.port, localAddress }, onConnect),
    },
  } as ConstructorParameters<typeof ImapFlow>[0]);
}

describe('proxy connection limits', () => {
  it('a flood of idle connections from one address does not lock out another', async () => {
    const flood = [];
    for (let i = 0; i < 200; i++) flood.push(await firstWords(imap.port as number, '127.0.40.1'));
    const greeted = flood.filter((c) => c.text().startsWith('* OK'));
    const refused = flood.filter((c) =>
      c.text().startsWith('* BYE [UNAVAILABLE] Too many connections from your address'),
    );
    expect(greeted.length).toBe(50);
    expect(refused.length).toBe(150);
    // The same for POP3, whose proxy counts on its own.
    const popFlood = [];
    for (let i = 0; i < 60; i++) popFlood.push(await firstWords(pop3.port as number, '127.0.40.1'));
    expect(popFlood.filter((c) => c.text().startsWith('-ERR [SYS/TEMP] too many connections')).length).toBe(
      10,
    );
    // Someone else logs in and reads mail at once.
    const other = imapClient(alice.mail, alice.password, '127.0.40.2');
    await other.connect();
    expect((await other.mailboxOpen('INBOX')).path).toBe('INBOX');
    await other.logout();
    for (const c of [...flood, ...popFlood]) c.socket.destroy();
  }, 60_000);

  it('caps relayed sessions per user and address at 10; another address still logs in', async () => {
    const sessions: ImapFlow[] = [];
    for (let i = 0; i < 10; i++) {
      const client = imapClient(dave.mail, dave.password, '127.0.41.1');
      await client.connect();
      sessions.push(client);
    }
    const eleventh = imapClient(dave.mail, dave.password, '127.0.41.1');
    const refusal = await eleventh.connect().then(
      () => 'logged in',
      (error: { responseText?: string }) => String(error.responseText),
    );
    expect(refusal).toMatch(/maximum number of connections from user\+IP exceeded \(10\)/);
    const fromElsewhere = imapClient(dave.mail, dave.password, '127.0.41.2');
    await fromElsewhere.connect();
    await fromElsewhere.logout();
    for (const client of sessions) await client.logout();
  }, 60_000);
});
