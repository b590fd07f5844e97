/**
 * `queue.summary`, `queue.list`, `queue.hold`, `queue.release` on a director's mail queue; the
 * queue operations (show, flush, requeue, delete) are in queue-admin-methods.ts. Staff tiers, and
 * a department admin reads (list, show) its own domains' messages only (queue-scope.ts); the writes
 * are audited by the dispatcher.
 */
import { rpcErrorCodes } from '../common/contract/json-rpc.js';
import type { RecipientRouter } from '../mail/director/inbound/recipient-router.js';
import type { MailQueue } from '../mail/director/queue/mail-queue.js';
import type { QueueSubjects } from '../mail/director/queue/queue-subjects.js';
import { type AdminDomains, callerDomains } from './domain-scope.js';
import { roleGroups } from './method-groups.js';
import { MethodError, type MethodHandlers } from './method-handler.js';
import { queueAdminMethods, queueListEntryOf, selectFor } from './queue-admin-methods.js';

/** What the queue methods act on. */
export interface QueueMethodDeps {
  /** The node's queue; undefined on nodes that do not run one. */
  queue: () => MailQueue | undefined;
  /** The node's recipient routing, whose cached lookups queue.requeue drops; undefined on nodes that do not route. */
  router: () => RecipientRouter | undefined;
  /** Clock for message ages in filters (default Date.now; the queue's clock in tests). */
  now?: () => number;
  /** Decoded subjects of queued messages, for the list's subject column. */
  subjects?: QueueSubjects;
  /** A department admin's domains, read from the directory at each call. */
  adminDomains: AdminDomains;
}

type QueueMethods = Pick<
  MethodHandlers,
  | 'queue.summary'
  | 'queue.list'
  | 'queue.hold'
  | 'queue.release'
  | 'queue.show'
  | 'queue.showBody'
  | 'queue.flush'
  | 'queue.requeue'
  | 'queue.delete'
>;

/** Handlers of the queue group. */
export function queueMethods(deps: QueueMethodDeps): QueueMethods {
  const needQueue = (): MailQueue => {
    const queue = deps.queue();
    if (!queue) throw new MethodError(rpcErrorCodes.notFound, roleGroups.queue.absent);
    return queue;
  };
  return {
    'queue.summary': () => needQueue().summary(),
    'queue.list': async ({ offset, limit, ...filter }, { caller }) => {
      const queue = needQueue();
      const domains = await callerDomains(caller, deps.adminDomains);
      const matching = selectFor(queue, (deps.now ?? Date.now)(), filter, undefined, domains);
      // Only the page is copied out: the filter itself walks the live entries.
      const page = matching.slice(offset, offset + limit);
      const entries = await Promise.all(
        page.map(async (entry) => {
          const listed = queueListEntryOf(queue, entry);
          const subjects = deps.subjects;
          if (!subjects) return listed;
          // A message delivered meanwhile has no content left: listed without a subject.
          const subject = await subjects
            .subjectOf(entry.id, () => queue.content(entry.id))
            .catch(() => undefined);
          return subject === undefined ? listed : { ...listed, subject };
        }),
      );
      return { entries, total: matching.length, offset };
    },
    'queue.hold': async ({ hold }) => {
      const queue = needQueue();
      await queue.hold(hold);
      return { holds: queue.listHolds() };
    },
    'queue.release': async ({ hold }) => {
      const queue = needQueue();
      const released = await queue.release(hold);
      return { released, holds: queue.listHolds() };
    },
    ...queueAdminMethods(deps, needQueue),
  };
}
