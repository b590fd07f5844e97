/**
 * The director's queue figures as counters of the node's metrics (the dashboard's queue depth):
 * messages queued and recipients pending, deferred and held. One queue summary serves all four
 * counters of a sample.
 */
import type { MailQueue, QueueSummary } from '../../mail/queue/mail-queue.js';
import type { CounterRegistry } from '../../metrics/counter-registry.js';
import type { Clock } from '../clock.js';

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
  ];
  return () => {
    for (const remove of removers) remove();
  };
}
