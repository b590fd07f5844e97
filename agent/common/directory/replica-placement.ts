/**
 * Where each logical store's replica lives (the `mailfleetReplicaNode` of its entry). The default
 * placement is a ring over the store nodes in name order: the store served by the k-th store node
 * is replicated on the (k+1)-th, the last on the first. So every store node holds at most one
 * other store's replica, and the spare holds none: it stays free to take a failed store over.
 */
import type { LogicalStoreEntry, ServerEntry } from './fleet-entries.js';

/** A logical store and the node proposed for its replica. */
export interface ReplicaPlacement {
  store: string;
  replicaNode: string;
}

/**
 * The ring: for each logical store served by a store node, the next store node (in name order).
 * Stores served by a spare or an unknown node, and fleets of fewer than two store nodes, get none.
 */
export function ringPlacement(
  stores: readonly LogicalStoreEntry[],
  servers: readonly Pick<ServerEntry, 'name' | 'role'>[],
): ReplicaPlacement[] {
  const ring = servers
    .filter((server) => server.role === 'store')
    .map((server) => server.name)
    .sort();
  if (ring.length < 2) return [];
  const placements: ReplicaPlacement[] = [];
  for (const store of [...stores].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const at = ring.indexOf(store.servedBy);
    if (at < 0) continue;
    placements.push({ store: store.name, replicaNode: ring[(at + 1) % ring.length]! });
  }
  return placements;
}

/**
 * Why a node cannot hold a store's replica, in words, or undefined when it can: it must be a store
 * node (the spare stays free for failover), and not the node that serves the store.
 */
export function placementRefusal(
  store: LogicalStoreEntry,
  replicaNode: string,
  servers: readonly Pick<ServerEntry, 'name' | 'role'>[],
): string | undefined {
  const server = servers.find((candidate) => candidate.name === replicaNode);
  if (!server) return `there is no node ${replicaNode}`;
  if (server.name === store.servedBy)
    return `${replicaNode} serves ${store.name}: its replica must be on another node`;
  if (server.role !== 'store')
    return `${replicaNode} is a ${server.role} node: replicas go on store nodes (the spare stays free to take a failed store over)`;
  return undefined;
}

/** The logical stores whose replica the directory places on `node`. */
export function storesReplicatedOn(stores: readonly LogicalStoreEntry[], node: string): LogicalStoreEntry[] {
  return stores.filter((store) => store.replicaNode === node);
}
