/**
 * `sync.*` on a store node: what a mailbox move's target store asks of the source store (a peer;
 * no administrator may call them, access-matrix.ts). Each acts only on a user whose move lock
 * names the caller's store as target and the job given, checked by the moves themselves
 * (agent/moves/peer-lock.ts); `sync.figures` gives a mailbox's size only, for plans.
 */
import type { MoveNode } from '../moves/move-node.js';
import type { MethodHandlers } from './method-handler.js';
import { movesOf } from './move-methods.js';

/** What the sync methods act on. */
export interface SyncMethodDeps {
  /** The node's moves; undefined on a store that runs no mail services. */
  moves: () => MoveNode | undefined;
}

/** Handlers of the sync group. */
export function syncMethods(
  deps: SyncMethodDeps,
): Pick<MethodHandlers, 'sync.figures' | 'sync.hold' | 'sync.release' | 'sync.finish' | 'sync.reverse'> {
  const needMoves = movesOf(deps.moves);
  return {
    'sync.figures': ({ user }) => needMoves().figures(user.toLowerCase()),
    'sync.hold': ({ job, user }, { caller }) => needMoves().holdForMove(job, user, caller.id),
    'sync.release': ({ job, user }, { caller }) => needMoves().releaseForMove(job, user, caller.id),
    'sync.finish': ({ job, user, keepUntil }, { caller }) =>
      needMoves().finishForMove(job, user, caller.id, keepUntil),
    'sync.reverse': async ({ job, requestedBy }, { caller }) => ({
      job: await needMoves().reverse(job, caller.id, requestedBy),
    }),
  };
}
