/**
 * Turns the outcomes of one delivery attempt into the state records the spool appends: deferred
 * recipients get their next attempt time from the backoff, every record keeps the peer's reply
 * (bounded) and the remote MTA for DSNs.
 */
import type { DeliveryOutcome } from './delivery-transport.js';
import type { QueueEntry, StateRecord } from './queue-entry.js';
import { type RetryBackoff, retryDelayMs } from './retry-backoff.js';

/** One recipient's outcome, by its index in the message. */
export interface IndexedOutcome {
  index: number;
  outcome: DeliveryOutcome;
}

/** The state records for `outcomes`, stamped `at`. */
export function outcomeRecords(
  entry: QueueEntry,
  outcomes: IndexedOutcome[],
  at: number,
  backoff: RetryBackoff,
): StateRecord[] {
  return outcomes.map(({ index, outcome }) => {
    const attempts = (entry.recipients[index]?.attempts ?? 0) + 1;
    const base = {
      i: index,
      at,
      // The spool's record schema bounds these: a peer's reply can be arbitrarily long.
      r: outcome.reason.slice(0, 2000),
      ...(outcome.remoteMta ? { mta: outcome.remoteMta.slice(0, 255) } : {}),
    };
    if (outcome.outcome === 'deferred')
      return { ...base, s: 'deferred', next: at + retryDelayMs(backoff, attempts) };
    return { ...base, s: outcome.outcome };
  });
}
