/**
 * `move.*` (administrators) on a store node's moves (agent/moves/); the peers' `sync.*` are in
 * sync-methods.ts. Authorization beyond the dispatcher's (access-matrix.ts):
 * - a `domain` admin acts only on users of its delegated domains: every address of a plan or a
 *   start is checked before anything is read about it, and the user it resolves to as well (an
 *   alias in its domain may belong to another department); a job is shown, cancelled or rolled
 *   back only when its user is theirs; listings and the progress stream leave others out;
 * - a peer acts only on users whose move lock names it (agent/moves/peer-lock.ts, checked by the
 *   moves themselves).
 */
import { randomBytes } from 'node:crypto';
import { isAllowed } from '../common/contract/access-matrix.js';
import { rpcErrorCodes } from '../common/contract/json-rpc.js';
import type { NotificationParams } from '../common/contract/methods.js';
import type { MoveNode, MoveRequester } from '../moves/move-node.js';
import type { Caller } from './caller-key-cache.js';
import { type AdminDomains, callerDomains, domainOf, requireUserInScope } from './domain-scope.js';
import { MethodError, type MethodHandlers } from './method-handler.js';

/** What the move methods act on. */
export interface MoveMethodDeps {
  /** The node's moves; undefined on nodes that run none. */
  moves: () => MoveNode | undefined;
  adminDomains: AdminDomains;
}

type MoveMethods = Pick<
  MethodHandlers,
  | 'move.plan'
  | 'move.start'
  | 'move.list'
  | 'move.show'
  | 'move.cancel'
  | 'move.rollback'
  | 'move.purge'
  | 'move.subscribe'
  | 'move.unsubscribe'
>;

// A console follows one node's moves with one stream; a few allow for a second window.
const maxSubscriptionsPerChannel = 4;

/** Handlers of the move group; subscriptions live as long as this object. */
export function moveMethods(deps: MoveMethodDeps): MoveMethods {
  const needMoves = movesOf(deps.moves);
  const requesterOf = async (caller: Caller): Promise<MoveRequester> => {
    const domains = await callerDomains(caller, deps.adminDomains);
    return {
      id: caller.id,
      mayTouch: (user) => requireUserInScope(caller, user, deps.adminDomains),
      sees: (user) => !domains || domains.has(domainOf(user)),
    };
  };
  /** A domain admin's addresses are checked before anything about them is looked up. */
  const checkGiven = async (caller: Caller, users: readonly string[]): Promise<void> => {
    for (const user of users) await requireUserInScope(caller, user, deps.adminDomains);
  };
  const subscriptions = new Map<string, { channelId: string; stop: () => void }>();

  return {
    'move.plan': async ({ users, to, concurrency, bandwidthBytesPerSecond }, { caller }) => {
      const moves = needMoves();
      await checkGiven(caller, users);
      return moves.plan({ users, to }, await requesterOf(caller), {
        ...(concurrency === undefined ? {} : { concurrency }),
        ...(bandwidthBytesPerSecond === undefined ? {} : { bandwidthBytesPerSecond }),
      });
    },
    'move.start': async (params, { caller }) => {
      const moves = needMoves();
      await checkGiven(caller, params.users);
      return moves.start(params, await requesterOf(caller));
    },
    'move.list': async (filter, { caller }) => needMoves().list(filter, await requesterOf(caller)),
    'move.show': async ({ job }, { caller }) => needMoves().show(job, await requesterOf(caller)),
    'move.cancel': async (which, { caller }) => ({
      cancelled: await needMoves().cancel(which, await requesterOf(caller)),
    }),
    'move.rollback': async ({ job }, { caller }) => ({
      job: await needMoves().rollback(job, await requesterOf(caller)),
    }),
    'move.purge': ({ user }) => needMoves().purge(user.toLowerCase()),
    'move.subscribe': async (_params, { channel, caller }) => {
      const moves = needMoves();
      const open = [...subscriptions.values()].filter((s) => s.channelId === channel.id).length;
      if (open >= maxSubscriptionsPerChannel)
        throw new MethodError(
          rpcErrorCodes.unavailable,
          `at most ${maxSubscriptionsPerChannel} move subscriptions per channel`,
        );
      const subscription = `moves-${randomBytes(6).toString('hex')}`;
      const requester = await requesterOf(caller);
      const stopJobs = moves.onJobChange((job) => {
        // A caller whose tier was lowered since it subscribed stops getting what it may not ask for.
        if (!isAllowed('move.subscribe', channel.caller.kind)) return stop();
        if (!requester.sees(job.user)) return;
        const params: NotificationParams<'move.progress'> = { subscription, job };
        channel.notify('move.progress', params);
      });
      const cancelClose = channel.onClose(() => stop());
      const stop = (): void => {
        stopJobs();
        cancelClose();
        subscriptions.delete(subscription);
      };
      subscriptions.set(subscription, { channelId: channel.id, stop });
      return { subscription };
    },
    'move.unsubscribe': ({ subscription }, { channel }) => {
      const found = subscriptions.get(subscription);
      // Only the channel that subscribed may stop a stream.
      if (!found || found.channelId !== channel.id) return { stopped: false };
      found.stop();
      return { stopped: true };
    },
  };
}

/** The node's moves at call time, or not-found in words (a store without mail services runs none). */
export function movesOf(moves: () => MoveNode | undefined): () => MoveNode {
  return () => {
    const found = moves();
    if (!found) throw new MethodError(rpcErrorCodes.notFound, 'this node runs no mailbox moves');
    return found;
  };
}
