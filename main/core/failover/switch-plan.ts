/**
 * "Switch to spare" (docs/failover.md, "Switch to spare"): what a planned switch-over of a healthy
 * logical store would do, in the administrator's words, and starting one. The console's button
 * and `mailfleet switch-to-spare` both use this. The job runs on the node that serves the store:
 * it builds the store's replica on the spare (when it is elsewhere), then switches over with a
 * pause of about 2 s; the node keeps the store's replica. Nothing is fenced.
 */
import type { FailoverJobView } from '../../../agent/common/contract/failover-contract.js';
import type { FleetDirectory } from '../../../agent/common/directory/fleet-directory.js';
import type { LogicalStoreEntry, ServerEntry } from '../../../agent/common/directory/fleet-entries.js';
import type { FleetClient } from '../fleet-client.js';
import { firstFreeSpare, refusalOfNode } from './spare-choice.js';

/** A switch-over as it would run. */
export interface SwitchPlan {
  store: string;
  /** The node that serves the store now: it runs the job and holds the replica at the end. */
  servingNode: string;
  /** The node that serves the store at the end. */
  spare: string;
  /** Whether the spare holds the store's replica already (else it is built there first). */
  spareHoldsReplica: boolean;
}

/**
 * The plan for a store, or the reason there is none (in words). `spare` chooses the node; by
 * default the store's replica node when it is a spare, else the first node of role `spare` that
 * serves nothing and holds no replica.
 */
export function planSwitchToSpare(
  stores: readonly LogicalStoreEntry[],
  servers: readonly ServerEntry[],
  storeName: string,
  spare?: string,
): SwitchPlan | { refusal: string } {
  const store = stores.find((s) => s.name === storeName);
  if (!store) return { refusal: `there is no logical store ${storeName}` };
  if (store.state !== 'serving')
    return {
      refusal: `${storeName} is ${store.state === 'failed' ? 'failed: fail it over instead' : 'being switched over already'}`,
    };
  const replicaServer = servers.find((s) => s.name === store.replicaNode);
  const chosen =
    spare ?? (replicaServer?.role === 'spare' ? replicaServer.name : firstFreeSpare(stores, servers));
  if (!chosen) return { refusal: `no spare is free: every node of role spare serves or holds a store` };
  const refusal = refusalOfNode(servers, chosen);
  if (refusal) return { refusal };
  if (chosen === store.servedBy) return { refusal: `${chosen} serves ${storeName} already` };
  return {
    store: store.name,
    servingNode: store.servedBy,
    spare: chosen,
    spareHoldsReplica: store.replicaNode === chosen,
  };
}

/** The plan in words: what happens and what the users notice. */
export function switchPlanInWords(plan: SwitchPlan): string {
  return `switching ${plan.store} over to ${plan.spare}: ${plan.spareHoldsReplica ? `${plan.spare} holds its replica` : `its replica is built on ${plan.spare} first (a full copy)`}, then its mail and logins pause for about 2 s while ${plan.spare} takes over; ${plan.servingNode} keeps its replica; nothing is lost`;
}

/**
 * Starts a planned switch-over: names the serving node as the store's failover node with the
 * admin's own directory bind (only a system admin may write it), then asks that node to start.
 */
export async function startSwitchToSpare(
  directory: Pick<FleetDirectory, 'setFailoverNode'>,
  fleet: Pick<FleetClient, 'call'>,
  plan: SwitchPlan,
): Promise<FailoverJobView> {
  await directory.setFailoverNode(plan.store, plan.servingNode);
  const { job } = await fleet.call(plan.servingNode, 'failover.switch', {
    store: plan.store,
    spare: plan.spare,
  });
  return job;
}
