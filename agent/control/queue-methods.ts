/**
 * `queue.summary`, `queue.list`, `queue.hold`, `queue.release` on a director's mail queue and
 * `route.invalidate` on its routing caches. Staff tiers only (the contract says so); the writes are
 * audited by the dispatcher.
 */
import { rpcErrorCodes } from '../contract/json-rpc.js';
import type { QueueListEntry } from '../contract/methods.js';
import type { RecipientRouter } from '../mail/director/recipient-router.js';
import type { MailQueue } from '../mail/queue/mail-queue.js';
import type { QueueHold } from '../mail/queue/queue-holds.js';
import { MethodError, type MethodHandlers } from './method-handler.js';

/** What the queue methods act on. */
export interface QueueMethodDeps {
  /** The node's queue; undefined on nodes that do not run one. */
  queue: () => MailQueue | undefined;
  /** The node's recipient routing; undefined on nodes that do not route. */
  router: () => RecipientRouter | undefined;
}

type QueueMethods = Pick<
  MethodHandlers,
  'queue.summary' | 'queue.list' | 'queue.hold' | 'queue.release' | 'route.invalidate'
>;

/** Handlers of the queue group. */
export function queueMethods(deps: QueueMethodDeps): QueueMethods {
  const needQueue = (): MailQueue => {
    const queue = deps.queue();
    if (!queue) throw new MethodError(rpcErrorCodes.notFound, 'this node runs no mail queue');
    return queue;
  };
  return {
    'queue.summary': () => needQueue().summary(),
    'queue.list': ({ recipient, sender, offset, limit }) => {
      const queue = needQueue();
      const wantedRecipient = recipient?.toLowerCase();
      const wantedSender = sender?.toLowerCase();
      const matching = queue
        .list()
        .filter(
          (entry) =>
            (!wantedSender || entry.sender.toLowerCase().includes(wantedSender)) &&
            (!wantedRecipient ||
              entry.recipients.some(
                (r) =>
                  r.address.includes(wantedRecipient) || r.original.toLowerCase().includes(wantedRecipient),
              )),
        );
      const entries = matching.slice(offset, offset + limit).map(
        (entry): QueueListEntry => ({
          id: entry.id,
          sender: entry.sender,
          receivedAt: entry.receivedAt,
          sizeBytes: entry.size,
          recipients: entry.recipients.map((r) => ({
            address: r.address,
            original: r.original,
            state: r.state,
            attempts: r.attempts,
            nextAttemptAt: r.nextAttemptAt,
            ...(r.lastReason === undefined ? {} : { lastReason: r.lastReason }),
            held: queue.isHeld(entry.id, r.address),
          })),
        }),
      );
      return { entries, total: matching.length, offset };
    },
    'queue.hold': async ({ hold }) => {
      const queue = needQueue();
      await queue.hold(hold as QueueHold);
      return { holds: queue.listHolds() };
    },
    'queue.release': async ({ hold }) => {
      const queue = needQueue();
      const released = await queue.release(hold as QueueHold);
      return { released, holds: queue.listHolds() };
    },
    'route.invalidate': ({ target }) => {
      const router = deps.router();
      if (!router) throw new MethodError(rpcErrorCodes.notFound, 'this node does not route mail');
      router.invalidate(target);
      return { invalidated: true as const };
    },
  };
}
