/**
 * The spare's part of a switch-over (docs/failover.md, "The switch-over"), asked by the node that
 * serves the store (`failover.takeOver`, a peer call the method checks: only from the store's
 * failover node). `promote`, while the store is `switching`: the replica copies what it still owes
 * (the serving node refuses the store by now, so nothing new comes), its stream is closed and its
 * copies put in the store's place, as a failover's promotion does; the redeliveries a refused 250
 * may cause are noted. `serve`, once the store's entry names this node: the cached proofs and
 * store list are dropped, so the next login and delivery read the new entry, and replication
 * streams the store to its new replica.
 *
 * Both can run twice: copies already installed are gone from the replicas' directory, and the
 * count is of the store's mailboxes in place.
 */

import { rpcErrorCodes } from '../common/contract/json-rpc.js';
import { MethodError } from '../control/method-handler.js';
import type { FailoverContext } from './failover-steps.js';
import { installReplicaCopies, usersWithCopies } from './replica-promotion.js';
import { countMessages } from './switchover-steps.js';

/** How long the replica may take to copy what it still owes before the switch-over is refused. */
const settleWaitMs = 15_000;

/** Runs one phase of a switch-over on the node that takes the store over. */
export async function takeOverHere(
  context: FailoverContext,
  request: { store: string; job: string; phase: 'settle' | 'promote' | 'serve' },
): Promise<{ users: number; messages: number }> {
  const { store, job, phase } = request;
  const refuse = (text: string) => new MethodError(rpcErrorCodes.refused, text);
  const entry = await context.directory.getLogicalStore(store);
  if (!entry) throw new MethodError(rpcErrorCodes.notFound, `there is no logical store ${store}`);
  const users = await context.storeUsers(store);
  if (phase === 'serve') {
    if (entry.servedBy !== context.node || entry.state !== 'serving')
      throw refuse(`the directory does not name ${context.node} as the server of ${store} yet`);
    context.forgetStore(store);
    await context
      .replication()
      ?.refreshNow()
      .catch(() => undefined);
    return { users: users.length, ...(await countMessages(context.mailRoot, users)) };
  }
  if (entry.replicaNode !== context.node)
    throw refuse(`the replica of ${store} is on ${entry.replicaNode ?? 'no node'}, not on ${context.node}`);
  const replicas = context.replication()?.replicas;
  if (!replicas) throw new Error('the replica side of this node is not running');
  if (phase === 'settle') {
    // Before the hold: whatever is owed is copied while the store still serves.
    const owed = await replicas.settle(store, settleWaitMs);
    return { users: users.length, messages: owed };
  }
  if (entry.state !== 'switching')
    throw refuse(`${store} is ${entry.state} (epoch ${entry.epoch}), not being switched over`);
  const owed = await replicas.settle(store, settleWaitMs, { deliveriesWritten: true });
  if (owed > 0)
    throw refuse(`${owed} mailbox(es) of ${store} still owe changes after ${settleWaitMs / 1000} s`);
  const copiesRoot = await replicas.closeForPromotion(store);
  const installing = await usersWithCopies(copiesRoot);
  await installReplicaCopies({ copiesRoot, mailRoot: context.mailRoot, job, storage: context.storage() });
  await context.noteRedeliveries(installing);
  await replicas.forgetStore(store);
  context.logger.info('took a switched store over', { store, job, installed: installing.length });
  return { users: users.length, ...(await countMessages(context.mailRoot, users)) };
}
