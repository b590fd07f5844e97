/**
 * What a failover of a logical store would do, in the administrator's words (docs/failover.md),
 * and starting one: the console's button and `mailfleet failover` both use this. The failover runs
 * on the node that holds the store's replica (it takes the store over at once); the new replica
 * is built on the spare.
 */
import type { FailoverJobView } from '../../../agent/common/contract/failover-contract.js';
import type { FleetDirectory } from '../../../agent/common/directory/fleet-directory.js';
import type { LogicalStoreEntry, ServerEntry } from '../../../agent/common/directory/fleet-entries.js';
import type { FleetClient } from '../fleet-client.js';
import { firstFreeSpare, refusalOfNode } from './spare-choice.js';

/** A failover as it would run. */
export interface FailoverPlan {
  store: string;
  /** The node that serves the store now (fenced). */
  failedNode: string;
  /** The node holding the replica: it serves the store from the failover on. */
  takeOverNode: string;
  /** Where the new replica is built; absent when no spare is free. */
  spare?: string;
}

/**
 * The plan for a store, or the reason there is none (in words). `spare` chooses the node for the
 * new replica; by default the first node of role `spare` that serves nothing and holds no replica.
 */
export function planFailover(
  stores: readonly LogicalStoreEntry[],
  servers: readonly ServerEntry[],
  storeName: string,
  spare?: string,
): FailoverPlan | { refusal: string } {
  const store = stores.find((s) => s.name === storeName);
  if (!store) return { refusal: `there is no logical store ${storeName}` };
  if (!store.replicaNode) return { refusal: `${storeName} has no replica: there is nothing to fail over to` };
  // A store left `failed` by a job that stopped is failed over again.
  if (store.state === 'switching')
    return {
      refusal: `${storeName} is being switched over by ${store.servedBy}: it finishes or rolls back on its own; if ${store.servedBy} never comes back, run: mailfleet failover ${storeName} --abandon-switch-over`,
    };
  const chosen = spare ?? firstFreeSpare(stores, servers);
  if (spare !== undefined) {
    const refusal = refusalOfNode(servers, spare);
    if (refusal) return { refusal };
    if (spare === store.servedBy || spare === store.replicaNode)
      return { refusal: `${spare} cannot hold the new replica of ${storeName}` };
  }
  return {
    store: store.name,
    failedNode: store.servedBy,
    takeOverNode: store.replicaNode,
    ...(chosen ? { spare: chosen } : {}),
  };
}

/**
 * Starts a planned failover: names the take-over node as the store's failover node with the
 * admin's own directory bind (only a system admin may write it), then asks that node to start.
 */
export async function startFailover(
  directory: Pick<FleetDirectory, 'setFailoverNode'>,
  fleet: Pick<FleetClient, 'call'>,
  plan: FailoverPlan,
): Promise<FailoverJobView> {
  await directory.setFailoverNode(plan.store, plan.takeOverNode);
  const { job } = await fleet.call(plan.takeOverNode, 'failover.start', {
    store: plan.store,
    ...(plan.spare ? { spare: plan.spare } : {}),
  });
  return job;
}
