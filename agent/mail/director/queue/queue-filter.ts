/**
 * Which queued messages an administrator means: the filter of `queue.list` and of the bulk actions
 * (flush, requeue, delete). A message matches when every given criterion matches; a criterion about
 * recipients matches when one recipient satisfies it. Matching walks the live entries without
 * copying, so a queue of many thousands of messages is filtered in milliseconds.
 */
import { isFinal, type QueueEntry, type RecipientState } from './queue-entry.js';

/** Criteria of a queue filter (all optional; none = every message). */
export interface QueueFilter {
  /** Substring of a recipient's delivered-to or given address (case-insensitive). */
  recipient?: string;
  /** Substring of the sender (case-insensitive). */
  sender?: string;
  /** A recipient's domain, exactly (case-insensitive). */
  domain?: string;
  /** Destination key a recipient was last routed to (`lmtp:store07`). */
  destination?: string;
  /** Received at least this long ago. */
  olderThanSeconds?: number;
  /** Received less than this long ago. */
  youngerThanSeconds?: number;
  /** Substring of a recipient's last delivery reply (case-insensitive). */
  reason?: string;
  /** A recipient in this state. */
  state?: RecipientState;
  /** Whether a recipient is held by a message or user hold. */
  held?: boolean;
}

/** What matching needs besides the entry. */
export interface QueueFilterContext {
  now: number;
  isHeld: (messageId: string, address: string) => boolean;
}

/** A predicate over queued messages for one filter. */
export function queueFilterPredicate(
  filter: QueueFilter,
  context: QueueFilterContext,
): (entry: Readonly<QueueEntry>) => boolean {
  // Texts lower-cased once, not once per entry.
  const f: QueueFilter = {
    ...filter,
    ...(filter.recipient === undefined ? {} : { recipient: filter.recipient.toLowerCase() }),
    ...(filter.sender === undefined ? {} : { sender: filter.sender.toLowerCase() }),
    ...(filter.domain === undefined ? {} : { domain: filter.domain.toLowerCase() }),
    ...(filter.reason === undefined ? {} : { reason: filter.reason.toLowerCase() }),
  };
  const { now, isHeld } = context;
  return (entry) => {
    const age = now - entry.receivedAt;
    if (f.olderThanSeconds !== undefined && age < f.olderThanSeconds * 1000) return false;
    if (f.youngerThanSeconds !== undefined && age >= f.youngerThanSeconds * 1000) return false;
    if (f.sender !== undefined && !entry.sender.toLowerCase().includes(f.sender)) return false;
    const recipients = entry.recipients;
    const some = (test: (r: QueueEntry['recipients'][number]) => boolean) => recipients.some(test);
    if (
      f.recipient !== undefined &&
      !some(
        (r) =>
          r.address.includes(f.recipient as string) ||
          r.original.toLowerCase().includes(f.recipient as string),
      )
    )
      return false;
    if (f.domain !== undefined && !some((r) => r.address.slice(r.address.lastIndexOf('@') + 1) === f.domain))
      return false;
    if (f.destination !== undefined && !some((r) => r.destination === f.destination)) return false;
    if (
      f.reason !== undefined &&
      !some((r) => r.lastReason?.toLowerCase().includes(f.reason as string) === true)
    )
      return false;
    if (f.state !== undefined && !some((r) => r.state === f.state)) return false;
    if (f.held !== undefined) {
      const held = some((r) => !isFinal(r.state) && isHeld(entry.id, r.address));
      if (held !== f.held) return false;
    }
    return true;
  };
}

/** The entries matching `filter` (and `ids`, when given), oldest first. */
export function selectQueueEntries(
  entries: Iterable<Readonly<QueueEntry>>,
  filter: QueueFilter,
  context: QueueFilterContext,
  ids?: readonly string[],
): Readonly<QueueEntry>[] {
  const matches = queueFilterPredicate(filter, context);
  const wanted = ids ? new Set(ids) : undefined;
  const found: Readonly<QueueEntry>[] = [];
  for (const entry of entries) if ((!wanted || wanted.has(entry.id)) && matches(entry)) found.push(entry);
  // Ids start with the time of the 250 in base 36, so the tie-break keeps one order between pages.
  return found.sort((a, b) => a.receivedAt - b.receivedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
