/**
 * LmtpTransport keeps connections to a store open between messages: sequential deliveries share one
 * LMTP session (RSET between them), concurrent ones use one session each, and per-recipient outcomes
 * stay exact. A store that closes an idle connection (its own timeout), or one that drops the
 * connection just as the next transaction starts, costs a reconnect, never a lost or doubled message.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LmtpTransport } from '../../../../../agent/mail/director/outbound/lmtp-transport.js';
import type { DeliveryDestination } from '../../../../../agent/mail/director/queue/delivery-transport.js';
import { LmtpServer } from '../../../../../agent/mail/store/lmtp/lmtp-server.js';
import { MaildirStorage } from '../../../../../agent/mail/store/maildir/maildir-storage.js';
import { makeTempDir, removeTempDir } from '../../store/maildir/maildir-test-support.js';

const known = new Set(['a@s.test', 'b@s.test', 'c@s.test']);

/** A TCP relay to the store that drops a connection when a second MAIL FROM arrives on it. */
async function dropOnSecondTransaction(
  storePort: number,
): Promise<{ server: Server; port: number; drops: () => number }> {
  let drops = 0;
  const server = createServer((client: Socket) => {
    const store = connect(storePort, '127.0.0.1');
    let transactions = 0;
    store.pipe(client);
    client.on('data', (chunk: Buffer) => {
      transactions += chunk.toString('latin1').match(/^MAIL FROM:/gim)?.length ?? 0;
      if (transactions >= 2) {
        drops++;
        client.destroy();
        store.destroy();
        return;
      }
      store.write(chunk);
    });
    client.on('error', () => store.destroy());
    store.on('error', () => client.destroy());
    client.on('close', () => store.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0, drops: () => drops };
}

describe('LmtpTransport connection reuse (real store LMTP server)', () => {
  let root: string;
  let storage: MaildirStorage;
  let store: LmtpServer;
  let impatient: LmtpServer;
  const transports: LmtpTransport[] = [];
  const newTransport = () => {
    const transport = new LmtpTransport({ clientName: 'director.test', maxConnectionsPerDestination: 4 });
    transports.push(transport);
    return transport;
  };
  const at = (port: number, key = 'lmtp:s'): DeliveryDestination => ({
    key,
    logicalStore: 's',
    protocol: 'lmtp',
    host: '127.0.0.1',
    port,
  });
  let sequence = 0;
  const message = () => ({
    id: `m${++sequence}`,
    sender: 'from@outside.example',
    content: Buffer.from(`Subject: t${sequence}\r\nX-Seq: ${sequence}\r\n\r\nbody\r\n`),
  });
  const inbox = async (user: string) => {
    const view = await (await storage.mailbox(user, 0)).openFolder('INBOX');
    const count = view.messages().length;
    view.close();
    return count;
  };
  const lmtpServer = (socketTimeoutMs?: number) =>
    new LmtpServer({
      host: '127.0.0.1',
      port: 0,
      storage,
      serverName: 'store.test',
      maxMessageBytes: 100_000,
      ...(socketTimeoutMs === undefined ? {} : { socketTimeoutMs }),
      recipientLookup: async (address) => (known.has(address) ? { user: address, quotaBytes: 0 } : undefined),
    });

  beforeAll(async () => {
    root = await makeTempDir('lmtp-reuse-');
    storage = new MaildirStorage({ root, hostName: 's' });
    store = lmtpServer();
    await store.start();
    // Closes a connection left idle for 300 ms, as a store with a short idle timeout does.
    impatient = lmtpServer(300);
    await impatient.start();
  });
  afterAll(async () => {
    for (const transport of transports) transport.close();
    await store.stop();
    await impatient.stop();
    await storage.close();
    await removeTempDir(root);
  });

  it('sequential deliveries share one session; concurrent ones one session each; outcomes stay per recipient', async () => {
    const transport = newTransport();
    const before = store.counters.sessions;
    for (let i = 0; i < 5; i++) {
      const outcomes = await transport.deliver(at(store.port), message(), ['a@s.test', 'nobody@s.test']);
      expect(outcomes.map((o) => [o.address, o.outcome])).toEqual([
        ['a@s.test', 'delivered'],
        ['nobody@s.test', 'bounced'],
      ]);
      // Let the RSET after the transaction be answered, so the connection is parked for the next one.
      while (Object.keys(await idle(transport)).length === 0) await new Promise((r) => setTimeout(r, 5));
    }
    expect(store.counters.sessions - before).toBe(1);
    // Every recipient refused at RCPT: the session survives it and is used again.
    const refused = await transport.deliver(at(store.port), message(), ['nobody@s.test']);
    expect(refused.map((o) => o.outcome)).toEqual(['bounced']);
    while (Object.keys(await idle(transport)).length === 0) await new Promise((r) => setTimeout(r, 5));
    await transport.deliver(at(store.port), message(), ['b@s.test']);
    expect(store.counters.sessions - before).toBe(1);
    while (Object.keys(await idle(transport)).length === 0) await new Promise((r) => setTimeout(r, 5));

    const concurrent = await Promise.all(
      [1, 2, 3].map(() => transport.deliver(at(store.port), message(), ['c@s.test'])),
    );
    expect(concurrent.flat().map((o) => o.outcome)).toEqual(['delivered', 'delivered', 'delivered']);
    // One parked session is used again, two more are opened.
    expect(store.counters.sessions - before).toBe(3);
    expect(await inbox('a@s.test')).toBe(5);
    expect(await inbox('b@s.test')).toBe(1);
    expect(await inbox('c@s.test')).toBe(3);
  });

  it('a store that closes an idle connection: the next message gets a new session', async () => {
    const transport = newTransport();
    const before = impatient.counters.sessions;
    const start = await inbox('b@s.test');
    expect((await transport.deliver(at(impatient.port), message(), ['b@s.test']))[0]?.outcome).toBe(
      'delivered',
    );
    // Wait until the store has timed the idle session out and the pool has noticed.
    while (impatient.counters.sessions === before || Object.keys(await idle(transport)).length > 0)
      await new Promise((r) => setTimeout(r, 20));
    expect((await transport.deliver(at(impatient.port), message(), ['b@s.test']))[0]?.outcome).toBe(
      'delivered',
    );
    expect(impatient.counters.sessions - before).toBe(2);
    expect(await inbox('b@s.test')).toBe(start + 2);
  });

  it('a connection dropped as the next transaction starts is retried once on a new one', async () => {
    const relay = await dropOnSecondTransaction(store.port);
    try {
      const transport = newTransport();
      const start = await inbox('a@s.test');
      const destination = at(relay.port, 'lmtp:relay');
      expect((await transport.deliver(destination, message(), ['a@s.test']))[0]?.outcome).toBe('delivered');
      while (Object.keys(await idle(transport)).length === 0) await new Promise((r) => setTimeout(r, 5));
      const second = await transport.deliver(destination, message(), ['a@s.test', 'nobody@s.test']);
      expect(second.map((o) => o.outcome)).toEqual(['delivered', 'bounced']);
      expect(relay.drops()).toBe(1);
      expect(await inbox('a@s.test')).toBe(start + 2);
    } finally {
      relay.server.close();
    }
  });
});

async function idle(transport: LmtpTransport): Promise<Record<string, number>> {
  return transport.idleConnections();
}
