/**
 * What `queue.summary` and the dashboard show of the queue: recipients by state, deliveries per
 * destination, the holds, and messages by age as Postfix's qshape buckets them.
 */

import type { QueueHold } from '../../../common/contract/methods.js';
import { isFinal, type QueueEntry } from './queue-entry.js';

/** Counts for the dashboard and `queue.summary`. */
export interface QueueSummary {
  messages: number;
  recipients: { pending: number; deferred: number; held: number };
  /** Deliveries in flight and waiting per destination. */
  destinations: Record<string, { active: number; waiting: number }>;
  holds: QueueHold[];
  /** Messages by age since their 250, as Postfix's qshape buckets them. */
  ages: Record<QueueAgeBucket, number>;
}

/** Age buckets of queued messages. */
export type QueueAgeBucket = '<5m' | '<1h' | '<4h' | '<1d' | '>=1d';

const ageBuckets: [QueueAgeBucket, number][] = [
  ['<5m', 5 * 60_000],
  ['<1h', 3_600_000],
  ['<4h', 4 * 3_600_000],
  ['<1d', 86_400_000],
];

/** What the summary reads from the queue. */
export interface QueueSummarySource {
  entries: Iterable<QueueEntry>;
  messageCount: number;
  isHeld(messageId: string, address: string): boolean;
  holds: QueueHold[];
  destinations: Record<string, { active: number; waiting: number }>;
  now: number;
}

/** Counts the queue's messages and recipients. */
export function summarizeQueue(source: QueueSummarySource): QueueSummary {
  const recipients = { pending: 0, deferred: 0, held: 0 };
  const ages: Record<QueueAgeBucket, number> = { '<5m': 0, '<1h': 0, '<4h': 0, '<1d': 0, '>=1d': 0 };
  for (const entry of source.entries) {
    const age = source.now - entry.receivedAt;
    ages[ageBuckets.find(([, limit]) => age < limit)?.[0] ?? '>=1d']++;
    for (const r of entry.recipients) {
      if (isFinal(r.state)) continue;
      if (source.isHeld(entry.id, r.address)) recipients.held++;
      else if (r.state === 'deferred') recipients.deferred++;
      else recipients.pending++;
    }
  }
  return {
    messages: source.messageCount,
    recipients,
    destinations: source.destinations,
    holds: source.holds,
    ages,
  };
}
