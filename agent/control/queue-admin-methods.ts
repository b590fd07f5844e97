/**
 * `queue.show`, `queue.showBody`, `queue.flush`, `queue.requeue` and `queue.delete` on a director's
 * queue. Tiers and audit come from the contract (queue-admin-contract.ts) and are enforced by the
 * dispatcher; every bulk action takes ids and/or a filter and, with `dryRun`, only counts.
 */
import { rpcErrorCodes } from '../common/contract/json-rpc.js';
import type { QueueFilterParams, QueueListEntry } from '../common/contract/queue-admin-contract.js';
import { isMissing } from '../common/durable-fs.js';
import type { MailQueue } from '../mail/director/queue/mail-queue.js';
import { isFinal, type QueueEntry } from '../mail/director/queue/queue-entry.js';
import { selectQueueEntries } from '../mail/director/queue/queue-filter.js';
import { bodyOffset, readQueuedHeaders } from '../mail/director/queue/queue-headers.js';
import { callerDomains } from './domain-scope.js';
import { MethodError, type MethodHandlers } from './method-handler.js';
import type { QueueMethodDeps } from './queue-methods.js';
import { queueEntriesOfDomains, queueEntryForDomains, queueEntryInDomains } from './queue-scope.js';

type QueueAdminMethods = Pick<
  MethodHandlers,
  'queue.show' | 'queue.showBody' | 'queue.flush' | 'queue.requeue' | 'queue.delete'
>;

/** Header fields a department admin is shown of its own domains' queued mail. */
const departmentHeaders = new Set(['from', 'subject', 'date', 'message-id']);

// A body larger than this is shown cut: an answer line must stay under the RPC line limit (1 MiB).
const maxBodyBytes = 256 * 1024;

/** A queued message as the contract shows it (with its holds). */
export function queueListEntryOf(queue: MailQueue, entry: Readonly<QueueEntry>): QueueListEntry {
  return {
    id: entry.id,
    sender: entry.sender,
    receivedAt: entry.receivedAt,
    expiresAt: queue.expiresAt(entry.receivedAt),
    sizeBytes: entry.size,
    recipients: entry.recipients.map((r) => ({
      address: r.address,
      original: r.original,
      state: r.state,
      attempts: r.attempts,
      nextAttemptAt: r.nextAttemptAt,
      ...(r.lastReason === undefined ? {} : { lastReason: r.lastReason }),
      ...(r.destination === undefined ? {} : { destination: r.destination }),
      held: queue.isHeld(entry.id, r.address),
    })),
  };
}

/** The messages a list or bulk action means, oldest first (with `domains`, a department's view of them). */
export function selectFor(
  queue: MailQueue,
  now: number,
  filter: QueueFilterParams | undefined,
  ids?: readonly string[],
  domains?: ReadonlySet<string>,
): Readonly<QueueEntry>[] {
  const context = { now, isHeld: (id: string, address: string) => queue.isHeld(id, address) };
  // A department's filter matches only what it may see (queue-scope.ts).
  const entries = domains ? queueEntriesOfDomains(queue.entriesView(), domains) : queue.entriesView();
  return selectQueueEntries(entries, filter ?? {}, context, ids);
}

function unfinished(entries: readonly Readonly<QueueEntry>[]): number {
  let count = 0;
  for (const entry of entries) for (const r of entry.recipients) if (!isFinal(r.state)) count++;
  return count;
}

/** Handlers of the queue operations. */
export function queueAdminMethods(deps: QueueMethodDeps, needQueue: () => MailQueue): QueueAdminMethods {
  const now = deps.now ?? Date.now;
  const needEntry = (queue: MailQueue, id: string): Readonly<QueueEntry> => {
    const entry = queue.entry(id);
    if (!entry) throw new MethodError(rpcErrorCodes.notFound, `no queued message ${id}`);
    return entry;
  };
  // The message may be delivered (and its spool file removed) between the lookup and the read.
  const contentOf = async (queue: MailQueue, id: string): Promise<Buffer> => {
    try {
      return await queue.content(id);
    } catch (error) {
      if (isMissing(error)) throw new MethodError(rpcErrorCodes.notFound, `no queued message ${id}`);
      throw error;
    }
  };
  return {
    'queue.show': async ({ id }, { caller }) => {
      const queue = needQueue();
      const found = needEntry(queue, id);
      // Another department's message answers as if it were not there: the id tells them nothing.
      const domains = await callerDomains(caller, deps.adminDomains);
      if (domains && !queueEntryInDomains(found, domains))
        throw new MethodError(rpcErrorCodes.notFound, `no queued message ${id}`);
      const whole = queueListEntryOf(queue, found);
      const entry = domains ? queueEntryForDomains(whole, domains) : whole;
      const parsed = await readQueuedHeaders(await contentOf(queue, id));
      // A department sees the fields that name the message, not To/Cc/Received (other departments' addresses).
      const headers = domains
        ? parsed.headers.filter((h) => departmentHeaders.has(h.name.toLowerCase()))
        : parsed.headers;
      return {
        entry,
        headers,
        ...(parsed.subject === undefined ? {} : { subject: parsed.subject }),
        headersTruncated: parsed.truncated,
      };
    },
    'queue.showBody': async ({ id }) => {
      const queue = needQueue();
      needEntry(queue, id);
      const content = await contentOf(queue, id);
      const start = bodyOffset(content);
      const body = start < 0 ? Buffer.alloc(0) : content.subarray(start);
      return {
        id,
        body: body.subarray(0, maxBodyBytes).toString('utf8'),
        bodyBytes: body.length,
        truncated: body.length > maxBodyBytes,
      };
    },
    'queue.flush': ({ ids, filter, dryRun }) => {
      const queue = needQueue();
      const selected = selectFor(queue, now(), filter, ids);
      if (!dryRun) queue.flush(selected.map((e) => e.id));
      return { messages: selected.length, recipients: unfinished(selected), dryRun };
    },
    'queue.requeue': ({ ids, filter, dryRun }) => {
      const queue = needQueue();
      const selected = selectFor(queue, now(), filter, ids);
      if (!dryRun) {
        // Fresh lookups: the point of a requeue is usually a directory change (mailHost flip, new alias).
        const router = deps.router();
        if (router) {
          const users = new Set(selected.flatMap((e) => e.recipients.map((r) => r.address)));
          for (const user of users) router.invalidate({ user });
        }
        queue.flush(
          selected.map((e) => e.id),
          { resetBackoff: true },
        );
      }
      return { messages: selected.length, recipients: unfinished(selected), dryRun };
    },
    'queue.delete': async ({ ids, filter, dryRun, bounce }, { caller }) => {
      const queue = needQueue();
      const selected = selectFor(queue, now(), filter, ids);
      const recipients = unfinished(selected);
      if (dryRun) return { messages: selected.length, recipients, dryRun };
      // With a bounce the recipients are recorded bounced (the sender's DSN follows that record once
      // DSNs exist: MailQueue.bounce); without, the message is removed silently but durably.
      const deleted = await queue.discard(
        selected.map((e) => e.id),
        bounce ? `5.0.0 deleted by ${caller.id} (${caller.kind} administrator)` : undefined,
      );
      return { messages: deleted, recipients, dryRun };
    },
  };
}
