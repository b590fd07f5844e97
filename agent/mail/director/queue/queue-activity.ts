/**
 * Running totals of what the director's queue did since it started: recipients received, and the
 * outcomes recorded for them (delivered, deferred for a retry, bounced). The metrics turn them into
 * per-second rates (`queue_received_per_sec`...), the console's fleet message-rate chart.
 */
import type { StateRecord } from './queue-entry.js';

/** Totals since the queue started (not kept over a restart: rates only need the increase). */
export interface QueueActivityTotals {
  /** Recipients of messages queued (one per recipient, so it compares with the outcomes). */
  received: number;
  /** Recipients handed over (LMTP to a store, SMTP to the outside). */
  delivered: number;
  /** Delivery attempts that ended in a temporary failure (a recipient retried 3 times counts 3). */
  deferred: number;
  /** Recipients that failed for good (5xx, expired, deleted with a bounce). */
  bounced: number;
}

/** A new set of totals at zero. */
export function emptyQueueActivity(): QueueActivityTotals {
  return { received: 0, delivered: 0, deferred: 0, bounced: 0 };
}

/** Adds the outcomes of durably written state records to the totals. */
export function countOutcomes(totals: QueueActivityTotals, records: readonly StateRecord[]): void {
  for (const record of records) totals[record.s] += 1;
}
