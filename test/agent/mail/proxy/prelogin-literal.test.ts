/**
 * Issue 10, finding 3: `a APPEND INBOX {52428800}` before LOGIN, on a store's IMAP server and through
 * the director's IMAP proxy. Before login a literal may be no bigger than a login needs: the big
 * synchronising one gets a tagged refusal and never a `+`, the non-synchronising one closes the
 * connection. A hundred such connections (from a hundred 127.x addresses), each sending 2 MiB
 * after its announcement as an attacker would, do not grow the process by anything like what they
 * sent, and a normal client (imapflow) is served on both afterwards.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImapProxy } from '../../../../agent/mail/proxy/imap-proxy.js';
import { inboxSubjects } from '../../../support/inbox-subjects.js';
import { storeUsers } from '../../../support/store-seed.js';
import { type ProxyTestFleet, startProxyTestFleet } from './proxy-test-fleet.js';

const { alice } = storeUsers;
const announced = 50 * 1024 * 1024;

let fleet: ProxyTestFleet;
let proxy: ImapProxy;
/** The IMAP port of store01 (its agent's published endpoint). */
let storePort = 0;

beforeAll(async () => {
  fleet = await startProxyTestFleet();
  proxy = new ImapProxy(await fleet.proxyOptions());
  await proxy.start();
  const entry = await fleet.reader.getServer('store01');
  storePort = Number(entry?.endpoints.imap?.split(':').pop());
  await fleet.deliver('store01', alice.mail, 'for alice');
}, 60_000);

afterAll(async () => {
  await proxy?.stop();
  await fleet?.stop();
});

/** A raw connection from `localAddress`, greeted. */
async function greeted(
  port: number,
  localAddress = '127.0.0.1',
): Promise<{ socket: Socket; text: () => string }> {
  const socket = connect({ port, host: '127.0.0.1', localAddress });
  let received = '';
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString('latin1');
  });
  socket.on('error', () => undefined);
  await until(() => received.includes('\r\n'));
  return { socket, text: () => received };
}

async function until(test: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function closed(socket: Socket): Promise<void> {
  let ended = socket.destroyed || socket.readableEnded;
  socket.once('close', () => {
    ended = true;
  });
  return until(() => ended);
}

/** Writes with backpressure; stops quietly when the server hung up. */
async function writeAll(socket: Socket, block: Buffer, times: number): Promise<void> {
  for (let i = 0; i < times && !socket.destroyed; i++) {
    if (!socket.write(block)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          socket.off('drain', done);
          socket.off('close', done);
          resolve();
        };
        socket.once('drain', done);
        socket.once('close', done);
      });
    }
  }
}

const servers = [
  { name: "a store's IMAP server", port: () => storePort, base: 20 },
  { name: "the director's IMAP proxy", port: () => proxy.port as number, base: 21 },
];

describe.each(servers)('APPEND before login on $name', ({ port, base }) => {
  it('refuses a 50 MiB synchronising literal with a tagged answer and no continuation', async () => {
    const client = await greeted(port());
    client.socket.write(`a APPEND INBOX {${announced}}\r\n`);
    await until(() => /\r\na (NO|BAD) /.test(client.text()));
    expect(client.text()).toMatch(/\r\na (NO|BAD) \[TOOBIG\] /);
    expect(client.text()).not.toMatch(/\r\n\+ /);
    // The connection goes on: the refusal ended the command.
    client.socket.write('b NOOP\r\n');
    await until(() => /\r\nb OK/.test(client.text()));
    client.socket.destroy();
  });

  it('closes the connection on a 50 MiB non-synchronising literal', async () => {
    const client = await greeted(port());
    client.socket.write(`a APPEND INBOX {${announced}+}\r\n`);
    await closed(client.socket);
    expect(client.text()).toMatch(/\r\na BAD \[TOOBIG\] /);
  });

  it('a hundred connections sending 2 MiB after the announcement do not grow memory, and a normal client is served', async () => {
    const block = Buffer.alloc(64 * 1024, 0x41);
    const before = process.memoryUsage();
    let peak = before.rss;
    const flood = Array.from({ length: 100 }, async (_v, i) => {
      // A hundred source addresses, so no per-address limit decides this test.
      const client = await greeted(port(), `127.0.${base}.${i + 1}`);
      client.socket.write(`a${i} APPEND INBOX {${announced}}\r\n`);
      // An attacker does not wait for the "+": the bytes come anyway.
      await writeAll(client.socket, block, 32);
      peak = Math.max(peak, process.memoryUsage().rss);
      return client;
    });
    const clients = await Promise.all(flood);
    peak = Math.max(peak, process.memoryUsage().rss);
    // Not a timing assert: 200 MiB held would show; a bound with room for the runtime.
    expect(peak - before.rss).toBeLessThan(80 * 1024 * 1024);
    for (const client of clients) expect(client.text()).not.toMatch(/\r\n\+ /);
    expect(await inboxSubjects(port(), alice.mail, alice.password)).toEqual(['for alice']);
    for (const client of clients) client.socket.destroy();
  }, 120_000);
});
