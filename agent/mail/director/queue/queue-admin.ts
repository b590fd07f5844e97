/**
 * The administrator's operations on a running queue (`postsuper` and `postqueue` in Postfix
 * terms): hold and release mail, bounce recipients, make mail due now, delete messages, list and
 * count them. They act on the state the
 * delivery state machine in mail-queue.ts keeps, through {@link QueueInternals}, and write through
 * the same durable record path as deliveries.
 */
import type { Clock } from '../../../common/clock.js';
import type { QueueHold } from '../../../common/contract/methods.js';
import type { DestinationSlots } from './destination-slots.js';
import type { QueueEntry, StateRecord } from './queue-entry.js';
import type { QueueHolds } from './queue-holds.js';
import { adminBounceRecords } from './queue-lifetime.js';
import type { QueueSpool } from './queue-spool.js';
import { type QueueSummary, summarizeQueue } from './queue-summary.js';

/** What the admin operations reach of a running MailQueue. */
export interface QueueInternals {
  readonly clock: Clock;
  readonly spool: QueueSpool;
  readonly holds: QueueHolds;
  readonly slots: DestinationSlots;
  /** Queued messages by id. */
  readonly entries: Map<string, QueueEntry>;
  /** `<id>:<recipient index>` of recipients being routed, delivered or recorded now. */
  readonly inFlight: Set<string>;
  /** `<id>:<index>` of recipients parked behind a held logical store. */
  readonly parked: Map<string, number>;
  /** Ids being deleted: not attempted any more. */
  readonly discarding: Set<string>;
  /** Resolves once every attempt in flight now has recorded its outcomes. */
  attemptsSettled(): Promise<void>;
  /** Writes records durably, applies them, sends their DSNs, forgets a finished message. */
  commit(entry: QueueEntry, records: StateRecord[]): Promise<void>;
  /** Takes a message out of the queue: out of memory, then its spool files (not yet fsynced). */
  retire(entry: QueueEntry): Promise<void>;
  /** Schedules a pass over the queue. */
  kick(): void;
}

/**
 * Bounces queued recipients of message `id` (all when `addresses` is absent) with `reason`; the
 * sender gets a bounce DSN unless the message has the null sender. Recipients in a delivery attempt
 * right now are left alone (an RPC must not wait for a slow remote host). Returns how many.
 */
export async function bounceRecipients(
  queue: QueueInternals,
  id: string,
  addresses: readonly string[] | undefined,
  reason: string,
): Promise<number> {
  const entry = queue.entries.get(id);
  if (!entry) return 0;
  const records = adminBounceRecords(entry, addresses, reason, queue.clock.now(), (index) =>
    queue.inFlight.has(`${id}:${index}`),
  );
  const keys = records.map((r) => `${id}:${r.i}`);
  for (const key of keys) queue.inFlight.add(key);
  try {
    await queue.commit(entry, records);
  } finally {
    for (const key of keys) queue.inFlight.delete(key);
  }
  return records.length;
}

/**
 * Makes the recipients of these messages (every message when absent) due now. With `resetBackoff`
 * (`postsuper -r`), attempts count from zero again and store-held parking is re-checked at once.
 * The reset lives in memory: after a restart the recorded backoff applies again.
 */
export function flushMessages(
  queue: QueueInternals,
  ids: Iterable<string> | undefined,
  options: { resetBackoff?: boolean },
): void {
  const entries = ids ? [...ids].map((id) => queue.entries.get(id)) : queue.entries.values();
  for (const entry of entries) {
    if (!entry) continue;
    entry.recipients.forEach((r, index) => {
      r.nextAttemptAt = 0;
      if (!options.resetBackoff) return;
      r.attempts = 0;
      queue.parked.delete(`${entry.id}:${index}`);
    });
  }
  queue.kick();
}

/**
 * Deletes messages for good; resolves with how many were deleted once that is durable. With
 * `bounceReason`, every unfinished recipient is first recorded `bounced` through the same durable
 * record path as a store's 5xx; without, the spool files are removed and the directory fsynced.
 * Attempts in flight finish first, so a recipient a store already accepted stays delivered.
 */
export async function discardMessages(
  queue: QueueInternals,
  ids: string[],
  bounceReason: string | undefined,
): Promise<number> {
  const wanted = [...new Set(ids)].filter((id) => queue.entries.has(id));
  for (const id of wanted) queue.discarding.add(id);
  try {
    await queue.attemptsSettled();
    let deleted = 0;
    for (const id of wanted) {
      const entry = queue.entries.get(id);
      // Delivered to everyone while we waited: nothing left to delete.
      if (!entry) continue;
      // With a bounce, the sender gets a DSN and the message leaves the queue once every recipient
      // is final (commit); without, it is dropped here.
      if (bounceReason !== undefined) await bounceRecipients(queue, id, undefined, bounceReason);
      if (queue.entries.has(id)) await queue.retire(entry);
      deleted++;
    }
    // The removals are durable only once the spool directory is: a deleted message must not come back.
    await queue.spool.syncRemovals();
    return deleted;
  } finally {
    for (const id of wanted) queue.discarding.delete(id);
  }
}

/** Queued messages (copies), oldest first. */
export function listMessages(queue: QueueInternals): QueueEntry[] {
  return [...queue.entries.values()]
    .sort((a, b) => a.receivedAt - b.receivedAt)
    .map((e) => ({ ...e, recipients: e.recipients.map((r) => ({ ...r })) }));
}

/**
 * Holds mail (by message id, user or logical store). Resolves once every attempt that was in
 * flight has finished, so after it no delivery matching the hold can still reach a store (mailbox
 * cutover relies on it).
 */
export async function holdMail(queue: QueueInternals, hold: QueueHold): Promise<void> {
  await queue.holds.add(hold);
  // Attempts started from now on skip held recipients; the ones already running may not.
  await queue.attemptsSettled();
}

/** Releases a hold; held mail is attempted at once. True when the hold existed. */
export async function releaseMail(queue: QueueInternals, hold: QueueHold): Promise<boolean> {
  const removed = await queue.holds.remove(hold);
  queue.parked.clear();
  queue.kick();
  return removed;
}

/** Counts for the dashboard. */
export function summarizeMessages(queue: QueueInternals): QueueSummary {
  return summarizeQueue({
    entries: queue.entries.values(),
    messageCount: queue.entries.size,
    isHeld: (id, address) => queue.holds.holdsRecipient(id, address),
    holds: queue.holds.list(),
    destinations: queue.slots.snapshot(),
    now: queue.clock.now(),
  });
}
