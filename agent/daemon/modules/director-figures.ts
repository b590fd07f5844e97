/**
 * The director's queue figures as counters of the node's metrics (the dashboard's queue depth and
 * fleet message rate): messages queued and recipients pending, deferred and held (one queue summary
 * serves them all in a sample), and per-second rates of recipients received, delivered, deferred
 * and bounced, and recipients received and delivered in the last minute (the tile's throughput).
 */

import type { Clock } from '../../common/clock.js';
import type { MailQueue, QueueSummary } from '../../mail/director/queue/mail-queue.js';
import type { QueueActivityTotals } from '../../mail/director/queue/queue-activity.js';
import type { CounterRegistry } from '../../metrics/counter-registry.js';
import { LastMinuteCount } from '../../metrics/last-minute-count.js';
import { RateMeter } from '../../metrics/rate-meter.js';

/** Registers the queue counters; returns the function that removes them. */
export function registerQueueCounters(counters: CounterRegistry, queue: MailQueue, clock: Clock): () => void {
  let last: { at: number; summary: QueueSummary } | undefined;
  const summary = (): QueueSummary => {
    const now = clock.now();
    // The sampler reads the counters one after the other: summarise the queue once for them all.
    if (!last || now - last.at > 100) last = { at: now, summary: queue.summary() };
    return last.summary;
  };
  const removers = [
    counters.register({
      name: 'queue_messages',
      kind: 'gauge',
      help: "Messages in the director's queue.",
      read: () => summary().messages,
    }),
    ...(['pending', 'deferred', 'held'] as const).map((state) =>
      counters.register({
        name: `queue_recipients_${state}`,
        kind: 'gauge',
        help: `Queued recipients ${state === 'pending' ? 'due for delivery' : state}.`,
        read: () => summary().recipients[state],
      }),
    ),
    ...(Object.keys(rateHelp) as Array<keyof QueueActivityTotals>).map((outcome) => {
      const meter = new RateMeter(clock, () => queue.activity()[outcome]);
      return counters.register({
        name: `queue_${outcome}_per_sec`,
        kind: 'gauge',
        help: rateHelp[outcome],
        read: () => meter.read(),
      });
    }),
    // The tile's throughput: the minute itself, not the last second times 60 (last-minute-count.ts).
    ...(['received', 'delivered'] as const).map((outcome) => {
      const count = new LastMinuteCount(clock, () => queue.activity()[outcome]);
      return counters.register({
        name: `queue_${outcome}_last_minute`,
        kind: 'gauge',
        help: `Recipients ${outcome} by the queue in the last 60 seconds.`,
        read: () => count.read(),
      });
    }),
  ];
  return () => {
    for (const remove of removers) remove();
  };
}

const rateHelp: Record<keyof QueueActivityTotals, string> = {
  received: 'Recipients queued per second (one per recipient of each message the director accepted).',
  delivered: 'Recipients delivered per second (to a store or the outside).',
  deferred: 'Delivery attempts deferred per second (temporary failures, retried later).',
  bounced: 'Recipients bounced per second (failed for good: 5xx, expired, deleted with a bounce).',
};
