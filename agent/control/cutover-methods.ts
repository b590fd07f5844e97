/**
 * `cutover.hold` and `cutover.release` on a director: a mailbox move's target store (a peer) holds
 * and releases one user's mail and logins (agent/moves/cutover-holds.ts). Only for a user whose
 * move lock names the calling node's store as target and the job given (agent/moves/peer-lock.ts).
 */
import { rpcErrorCodes } from '../common/contract/json-rpc.js';
import type { CutoverHolds } from '../moves/cutover-holds.js';
import { type MoveLockSource, requireMoveLock } from '../moves/peer-lock.js';
import { MethodError, type MethodHandlers } from './method-handler.js';

/** What the cutover methods act on. */
export interface CutoverMethodDeps {
  /** The director's cutover holds; undefined on other nodes. */
  holds: () => CutoverHolds | undefined;
  directory: MoveLockSource;
}

/** Handlers of the cutover group. */
export function cutoverMethods(
  deps: CutoverMethodDeps,
): Pick<MethodHandlers, 'cutover.hold' | 'cutover.release'> {
  const needHolds = (): CutoverHolds => {
    const holds = deps.holds();
    if (!holds) throw new MethodError(rpcErrorCodes.notFound, 'this node is not a director');
    return holds;
  };
  return {
    'cutover.hold': async ({ job, user }, { caller }) => {
      const holds = needHolds();
      const locked = await requireMoveLock(deps.directory, caller.id, job, user);
      return holds.hold(job, locked.user);
    },
    'cutover.release': async ({ job, user }, { caller }) => {
      const holds = needHolds();
      const locked = await requireMoveLock(deps.directory, caller.id, job, user);
      return holds.release(job, locked.user);
    },
  };
}
