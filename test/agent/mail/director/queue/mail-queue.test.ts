import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  DeliveryDestination,
  DeliveryOutcome,
  MessageTransport,
  OutgoingMessage,
  RouteDecision,
} from '../../../../../agent/mail/director/queue/delivery-transport.js';
import { MailQueue } from '../../../../../agent/mail/director/queue/mail-queue.js';
import { makeTempDir, removeTempDir } from '../../store/maildir/maildir-test-support.js';

// The queue's own logic against a scripted transport; the real LMTP path is in test/agent/mail/director.
class ScriptedTransport implements MessageTransport {
  readonly calls: { destination: string; id: string; addresses: string[]; content: string }[] = [];
  reply: (address: string) => DeliveryOutcome['outcome'] = () => 'delivered';
  active = 0;
  maxActive = 0;
  gate: Promise<void> | undefined;

  async deliver(destination: DeliveryDestination, message: OutgoingMessage, addresses: string[]) {
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    try {
      if (this.gate) await this.gate;
      this.calls.push({
        destination: destination.key,
        id: message.id,
        addresses,
        content: message.content.toString(),
      });
      return addresses.map((address) => ({
        address,
        outcome: this.reply(address),
        reason: `scripted ${this.reply(address)}`,
      }));
    } finally {
      this.active--;
    }
  }
}

const storeOf: Record<string, string> = {
  'a@x.test': 'store01',
  'b@x.test': 'store02',
  'c@x.test': 'store01',
};

async function route(address: string): Promise<RouteDecision> {
  const store = storeOf[address];
  if (!store) return { kind: 'bounce', reason: '5.1.1 unknown' };
  return {
    kind: 'deliver',
    destination: { key: `lmtp:${store}`, logicalStore: store, host: '127.0.0.1', port: 1, protocol: 'lmtp' },
  };
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('MailQueue', () => {
  let root: string;
  let now: number;
  let transport: ScriptedTransport;
  const queues: MailQueue[] = [];

  async function startQueue(limit = 10): Promise<MailQueue> {
    const queue = new MailQueue({
      root,
      clock: { now: () => now },
      route,
      transports: { lmtp: transport },
      backoff: { firstMs: 60_000, maxMs: 600_000 },
      concurrencyPerDestination: limit,
    });
    await queue.start();
    queues.push(queue);
    return queue;
  }

  const message = (to: string[], text = 'Subject: t\r\n\r\nbody\r\n') => ({
    sender: 's@sender.test',
    recipients: to.map((address) => ({ address, original: address })),
    content: Buffer.from(text),
  });

  beforeEach(async () => {
    root = await makeTempDir('queue-');
    now = 1_000_000;
    transport = new ScriptedTransport();
  });
  afterEach(async () => {
    for (const queue of queues.splice(0)) await queue.stop();
    await removeTempDir(root);
  });

  it('hands each destination to the transport of its protocol; remote mail waits when there is no smtp transport', async () => {
    const remoteRoute = async (address: string): Promise<RouteDecision> =>
      address.endsWith('@far.test')
        ? {
            kind: 'deliver',
            destination: { key: 'smtp:far.test', host: 'far.test', port: 25, protocol: 'smtp' },
          }
        : route(address);
    const mx = new ScriptedTransport();
    const both = new MailQueue({
      root,
      clock: { now: () => now },
      route: remoteRoute,
      transports: { lmtp: transport, smtp: mx },
    });
    queues.push(both);
    await both.start();
    await both.enqueue(message(['a@x.test', 'z@far.test']));
    await until(() => both.list().length === 0);
    expect(transport.calls.map((c) => [c.destination, c.addresses])).toEqual([
      ['lmtp:store01', ['a@x.test']],
    ]);
    expect(mx.calls.map((c) => [c.destination, c.addresses])).toEqual([['smtp:far.test', ['z@far.test']]]);
    await both.stop();

    const lmtpOnly = new MailQueue({
      root: join(root, 'lmtp-only'),
      clock: { now: () => now },
      route: remoteRoute,
      transports: { lmtp: transport },
    });
    queues.push(lmtpOnly);
    await lmtpOnly.start();
    const id = await lmtpOnly.enqueue(message(['z@far.test']));
    await until(() => lmtpOnly.list()[0]?.recipients[0]?.state === 'deferred');
    expect(lmtpOnly.list()[0]).toMatchObject({
      id,
      recipients: [{ address: 'z@far.test', lastReason: 'no outbound transport configured' }],
    });
    expect(transport.calls).toHaveLength(1);
  });

  it('delivers per destination, then forgets the message and its spool files', async () => {
    const queue = await startQueue();
    const id = await queue.enqueue(message(['a@x.test', 'b@x.test', 'c@x.test']));
    await until(() => queue.list().length === 0);
    const byDestination = Object.fromEntries(transport.calls.map((c) => [c.destination, c.addresses.sort()]));
    expect(byDestination).toEqual({ 'lmtp:store01': ['a@x.test', 'c@x.test'], 'lmtp:store02': ['b@x.test'] });
    expect(transport.calls.every((c) => c.id === id && c.content.includes('body'))).toBe(true);
    // The entry leaves the list before its files are unlinked: wait for the attempt to finish.
    await queue.settled();
    expect(await readdir(join(root, 'messages'))).toEqual([]);
  });

  it('defers 4xx with exponential backoff on the injected clock, bounces 5xx', async () => {
    transport.reply = (address) => (address === 'a@x.test' ? 'deferred' : 'bounced');
    const queue = await startQueue();
    await queue.enqueue(message(['a@x.test', 'b@x.test']));
    await until(() => queue.list()[0]?.recipients.every((r) => r.state !== 'pending') ?? false);
    const [entry] = queue.list();
    expect(entry?.recipients.map((r) => [r.address, r.state, r.attempts])).toEqual([
      ['a@x.test', 'deferred', 1],
      ['b@x.test', 'bounced', 0],
    ]);
    expect(entry?.recipients[0]?.nextAttemptAt).toBe(now + 60_000);
    expect(entry?.recipients[0]?.lastReason).toBe('scripted deferred');
    // Not due yet: waking the queue does not attempt it.
    queue.wake();
    await queue.settled();
    expect(transport.calls).toHaveLength(2);
    now += 60_000;
    queue.wake();
    await until(() => transport.calls.length === 3);
    await queue.settled();
    expect(queue.list()[0]?.recipients[0]?.nextAttemptAt).toBe(now + 120_000);
    transport.reply = () => 'delivered';
    now += 120_000;
    queue.wake();
    await until(() => queue.list().length === 0);
  });

  it('holds by message, user and logical store until released', async () => {
    const queue = await startQueue();
    await queue.hold({ user: 'A@x.test' });
    await queue.hold({ logicalStore: 'store02' });
    await queue.enqueue(message(['a@x.test', 'b@x.test', 'c@x.test']));
    await until(() => transport.calls.length === 1);
    await queue.settled();
    expect(transport.calls[0]?.addresses).toEqual(['c@x.test']);
    expect(queue.summary().recipients).toEqual({ pending: 1, deferred: 0, held: 1 });
    // Parked behind a store hold first, so the message hold is in place before any attempt.
    await queue.hold({ logicalStore: 'store01' });
    const held = await queue.enqueue(message(['c@x.test']));
    await queue.hold({ messageId: held });
    await queue.release({ logicalStore: 'store01' });
    await queue.settled();
    expect(queue.list().map((e) => e.id)).toContain(held);
    expect(await queue.release({ user: 'a@x.test' })).toBe(true);
    await until(() => transport.calls.some((c) => c.addresses.includes('a@x.test')));
    await queue.release({ logicalStore: 'store02' });
    await until(() => transport.calls.some((c) => c.addresses.includes('b@x.test')));
    await queue.settled();
    expect(queue.list().map((e) => e.id)).toEqual([held]);
    await queue.release({ messageId: held });
    await until(() => queue.list().length === 0);
  });

  it('keeps holds and queued mail across a restart; delivered recipients are not delivered again', async () => {
    transport.reply = (address) => (address === 'a@x.test' ? 'delivered' : 'deferred');
    const first = await startQueue();
    await first.hold({ logicalStore: 'store01' });
    await first.release({ logicalStore: 'store01' });
    await first.hold({ user: 'c@x.test' });
    await first.enqueue(message(['a@x.test', 'b@x.test', 'c@x.test']));
    await until(() => transport.calls.length === 2);
    await first.stop();
    // A torn write that never got its 250 sits in incoming/.
    await writeFile(join(root, 'incoming', 'torn'), '{"v":1,"id":"torn"');
    transport.calls.length = 0;
    transport.reply = () => 'delivered';
    now += 60_000;
    const second = await startQueue();
    await until(() => transport.calls.length === 1);
    await second.settled();
    expect(transport.calls[0]?.addresses).toEqual(['b@x.test']);
    expect(second.summary().holds).toEqual([{ user: 'c@x.test' }]);
    await second.release({ user: 'c@x.test' });
    await until(() => second.list().length === 0);
    expect(transport.calls.flatMap((c) => c.addresses).sort()).toEqual(['b@x.test', 'c@x.test']);
    expect(await readdir(join(root, 'incoming'))).toEqual([]);
  });

  it('limits deliveries in flight per destination', async () => {
    let open: () => void = () => {};
    transport.gate = new Promise((resolve) => {
      open = resolve;
    });
    const queue = await startQueue(2);
    await Promise.all(Array.from({ length: 6 }, () => queue.enqueue(message(['a@x.test']))));
    await until(() => transport.active === 2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(transport.maxActive).toBe(2);
    expect(queue.summary().destinations['lmtp:store01']).toEqual({ active: 2, waiting: 4 });
    open();
    await until(() => queue.list().length === 0);
    expect(transport.maxActive).toBe(2);
    expect(transport.calls).toHaveLength(6);
  });

  it('hold resolves only after deliveries already in flight have finished', async () => {
    let open: () => void = () => {};
    transport.gate = new Promise((resolve) => {
      open = resolve;
    });
    const queue = await startQueue();
    await queue.enqueue(message(['a@x.test']));
    await until(() => transport.active === 1);
    let holdDone = false;
    const holding = queue.hold({ user: 'a@x.test' }).then(() => {
      holdDone = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(holdDone).toBe(false);
    open();
    await holding;
    expect(transport.calls.map((c) => c.addresses)).toEqual([['a@x.test']]);
    await queue.enqueue(message(['a@x.test']));
    await queue.settled();
    expect(transport.calls).toHaveLength(1);
    expect(queue.summary().recipients.held).toBe(1);
  });
});
