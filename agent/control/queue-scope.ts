/**
 * A department (domain-tier) admin's view of a director's queue: only messages with a sender or a
 * recipient in its delegated domains, read-only (queue.list and queue.show; the matrix refuses it
 * every action). Filtered here, on the agent, at each call (docs/delegation.md).
 */
import type { QueueListEntry } from '../common/contract/queue-admin-contract.js';
import type { QueueEntry } from '../mail/director/queue/queue-entry.js';
import { domainOf } from './domain-scope.js';

/**
 * The department's messages as it may see them, for its filters to match against: a recipient it
 * may not see cannot be found by a recipient, reason or state filter either.
 */
export function* queueEntriesOfDomains(
  entries: Iterable<Readonly<QueueEntry>>,
  domains: ReadonlySet<string>,
): Generator<Readonly<QueueEntry>> {
  for (const entry of entries) {
    if (!queueEntryInDomains(entry, domains)) continue;
    if (entry.sender !== '' && domains.has(domainOf(entry.sender))) yield entry;
    else yield { ...entry, recipients: entry.recipients.filter((r) => recipientInDomains(r, domains)) };
  }
}

function recipientInDomains(r: { address: string; original: string }, domains: ReadonlySet<string>): boolean {
  return domains.has(domainOf(r.address)) || domains.has(domainOf(r.original));
}

/** Whether a department with these domains may see the message (its sender or a recipient is theirs). */
export function queueEntryInDomains(entry: Readonly<QueueEntry>, domains: ReadonlySet<string>): boolean {
  if (entry.sender !== '' && domains.has(domainOf(entry.sender))) return true;
  return entry.recipients.some((r) => recipientInDomains(r, domains));
}

/**
 * The message as the department sees it. When its own domain sent it, every recipient is shown (it
 * is the department's own outgoing mail); otherwise only its own recipients, so the addresses of
 * another department's users on the same message stay hidden.
 */
export function queueEntryForDomains(entry: QueueListEntry, domains: ReadonlySet<string>): QueueListEntry {
  if (entry.sender !== '' && domains.has(domainOf(entry.sender))) return entry;
  return { ...entry, recipients: entry.recipients.filter((r) => recipientInDomains(r, domains)) };
}
