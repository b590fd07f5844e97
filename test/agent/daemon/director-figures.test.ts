/**
 * The director's queue counters on a real MailQueue (spool on disk) with a scripted transport: the
 * depth gauges and the per-second rates of recipients received, delivered, deferred and bounced
 * that the console's fleet message-rate chart draws.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerQueueCounters } from '../../../agent/daemon/modules/director-figures.js';
import type {
  DeliveryDestination,
  DeliveryOutcome,
  MessageTransport,
  OutgoingMessage,
  RouteDecision,
} from '../../../agent/mail/director/queue/delivery-transport.js';
import { MailQueue } from '../../../agent/mail/director/queue/mail-queue.js';
import { CounterRegistry } from '../../../agent/metrics/counter-registry.js';
import { makeTempDir, removeTempDir } from '../mail/store/maildir/maildir-test-support.js';

// Each recipient's fate by its local part: a@ delivered, b@ deferred, c@ bounced by the store.
const replies: Record<string, DeliveryOutcome['outcome']> = {
  'a@x.test': 'delivered',
  'b@x.test': 'deferred',
  'c@x.test': 'bounced',
};

const transport: MessageTransport = {
  async deliver(_destination: DeliveryDestination, _message: OutgoingMessage, addresses: string[]) {
    return addresses.map((address) => ({
      address,
      outcome: replies[address] ?? 'bounced',
      reason: `scripted ${replies[address]}`,
    }));
  },
};

async function route(): Promise<RouteDecision> {
  return {
    kind: 'deliver',
    destination: {
      key: 'lmtp:store01',
      logicalStore: 'store01',
      host: '127.0.0.1',
      port: 1,
      protocol: 'lmtp',
    },
  };
}

describe('director queue counters', () => {
  let root: string;
  let queue: MailQueue;
  let now: number;

  beforeEach(async () => {
    root = await makeTempDir();
    now = 1_800_000_000_000;
    queue = new MailQueue({ root, clock: { now: () => now }, route, transports: { lmtp: transport } });
    await queue.start();
  });

  afterEach(async () => {
    await queue.stop();
    await removeTempDir(root);
  });

  it('publishes received, delivered, deferred and bounced recipients per second, and received and delivered in the last minute', async () => {
    const counters = new CounterRegistry();
    const remove = registerQueueCounters(counters, queue, { now: () => now });
    // The first read sets the rate meters' baseline.
    expect(counters.readAll()).toMatchObject({
      queue_received_per_sec: 0,
      queue_delivered_per_sec: 0,
      queue_deferred_per_sec: 0,
      queue_bounced_per_sec: 0,
    });
    for (let n = 0; n < 2; n++) {
      await queue.enqueue({
        // The null sender: no bounce notice is queued, so the counts are the scripted ones only.
        sender: '',
        recipients: ['a@x.test', 'b@x.test', 'c@x.test'].map((address) => ({ address, original: address })),
        content: Buffer.from(`Subject: ${n}\r\n\r\nhello\r\n`),
      });
    }
    while (queue.activity().delivered + queue.activity().deferred + queue.activity().bounced < 6) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(queue.activity()).toEqual({ received: 6, delivered: 2, deferred: 2, bounced: 2 });
    now += 2000;
    const figures = counters.readAll();
    // Over the 2 s since the baseline: 6 recipients in, 2 of each outcome.
    expect(figures).toMatchObject({
      queue_received_per_sec: 3,
      queue_delivered_per_sec: 1,
      queue_deferred_per_sec: 1,
      queue_bounced_per_sec: 1,
      // Both messages still wait for b@ (deferred); their other recipients are final.
      queue_messages: 2,
      queue_recipients_deferred: 2,
    });
    now += 1000;
    // The per-second rates fall back to 0 a second later; the tile's last-minute counts do not.
    expect(counters.readAll()).toMatchObject({
      queue_received_per_sec: 0,
      queue_delivered_per_sec: 0,
      queue_received_last_minute: 6,
      queue_delivered_last_minute: 2,
    });
    now += 61_000;
    expect(counters.readAll()).toMatchObject({
      queue_received_last_minute: 0,
      queue_delivered_last_minute: 0,
    });
    remove();
    expect(counters.readAll()).toEqual({});
  });
});
