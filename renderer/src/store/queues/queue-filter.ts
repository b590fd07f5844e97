/**
 * The Queues view's filter as the user types it, and what it means for one queued message. Sender
 * and recipient go to the agent (`queue.list`); domain, state and age are matched here on the
 * listed page until the agent's listing takes them too.
 */
import type { ConsoleCallResult } from '../../../../main/console/console-contract';

/** A queued message as queue.list returns it. */
export type QueueEntry = ConsoleCallResult<'queue.list'>['entries'][number];
/** One recipient of a queued message. */
export type QueueEntryRecipient = QueueEntry['recipients'][number];

/** The recipient states a filter can ask for (`held` is a state for the clerk, a flag for the agent). */
export const queueFilterStates = ['any', 'pending', 'deferred', 'held'] as const;
export type QueueFilterState = (typeof queueFilterStates)[number];

/** Age choices, in the qshape buckets' terms. */
export const queueFilterAges = ['any', 'over5m', 'over1h', 'over4h', 'over1d'] as const;
export type QueueFilterAge = (typeof queueFilterAges)[number];

const ageFloorMs: Record<QueueFilterAge, number> = {
  any: 0,
  over5m: 5 * 60_000,
  over1h: 3_600_000,
  over4h: 4 * 3_600_000,
  over1d: 86_400_000,
};

/** What the user typed and chose. */
export interface QueueFilter {
  sender: string;
  recipient: string;
  domain: string;
  state: QueueFilterState;
  age: QueueFilterAge;
}

export const emptyQueueFilter: QueueFilter = {
  sender: '',
  recipient: '',
  domain: '',
  state: 'any',
  age: 'any',
};

/** The mail domain of an address (lower case); the address itself when it has no `@`. */
export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return (at < 0 ? address : address.slice(at + 1)).toLowerCase();
}

/** Recipients still owed a delivery (delivered and bounced ones are done). */
export function unfinished(recipient: QueueEntryRecipient): boolean {
  return recipient.state === 'pending' || recipient.state === 'deferred';
}

function recipientMatches(r: QueueEntryRecipient, filter: QueueFilter): boolean {
  const domain = filter.domain.trim().toLowerCase();
  if (domain && domainOf(r.address) !== domain && domainOf(r.original) !== domain) return false;
  if (filter.state === 'held') return r.held && unfinished(r);
  if (filter.state !== 'any') return r.state === filter.state && !r.held;
  return true;
}

/** Whether a listed message passes the part of the filter matched in the page. */
export function entryMatches(entry: QueueEntry, filter: QueueFilter, now: number): boolean {
  if (now - entry.receivedAt < ageFloorMs[filter.age]) return false;
  return entry.recipients.some((r) => recipientMatches(r, filter));
}
