/**
 * The check behind every peer call of a move (`sync.*` on the source, `cutover.*` on a director):
 * the user's move lock in the directory must name the job given, and its target must be a logical
 * store served by the calling node. So a store's agent can pull, hold or release only the
 * mailboxes the directory says it is moving now, whatever it asks.
 */
import { rpcErrorCodes } from '../common/contract/json-rpc.js';
import type { FleetDirectory } from '../common/directory/fleet-directory.js';
import type { MailUserEntry } from '../common/directory/fleet-entries.js';
import type { MoveState } from '../common/directory/move-state.js';
import { MethodError } from '../control/method-handler.js';

/** The directory reads of the check. */
export type MoveLockSource = Pick<FleetDirectory, 'findUserByAddress' | 'listLogicalStores'>;

/** A user and the lock that lets the calling node act on them. */
export interface LockedUser {
  entry: MailUserEntry;
  /** Primary address, lower case. */
  user: string;
  lock: MoveState;
}

/**
 * Throws `refused` (or `notFound`) in words unless `peer` is the target of `job`'s lock on
 * `address`. Not `forbidden`: the peer may call the method (access-matrix.ts), the directory says
 * this user is not its to move.
 */
export async function requireMoveLock(
  directory: MoveLockSource,
  peer: string,
  job: string,
  address: string,
): Promise<LockedUser> {
  const entry = await directory.findUserByAddress(address.toLowerCase());
  if (!entry) throw new MethodError(rpcErrorCodes.notFound, `no user has the address ${address}`);
  const user = entry.mail.toLowerCase();
  const lock = entry.moveState;
  if (!lock || lock.job !== job)
    throw new MethodError(rpcErrorCodes.refused, `${user} is not being moved by job ${job}`);
  const store = (await directory.listLogicalStores()).find((candidate) => candidate.name === lock.target);
  if (store?.servedBy !== peer)
    throw new MethodError(
      rpcErrorCodes.refused,
      `${peer} does not serve ${lock.target}, the store job ${job} moves ${user} to`,
    );
  return { entry, user, lock };
}
