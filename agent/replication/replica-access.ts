/**
 * The checks behind both replication channels, made by the agent that serves them, from the
 * directory at each request: a peer replicates only what the directory says.
 *
 * - The replica holder accepts a store's change stream only from the node that serves that store,
 *   and only when the store's entry names this node as its replica node.
 * - The primary answers a replica's pulls (`rp-<store>` jobs on `mailfleet-sync`) only when the
 *   calling node is the store's replica node, this node serves the store, and the user's mailHost
 *   is that store.
 */
import type { FleetDirectory } from '../common/directory/fleet-directory.js';
import type { LogicalStoreEntry } from '../common/directory/fleet-entries.js';

/** A peer asked for what the directory does not give it; the message says why. */
export class ReplicaRefused extends Error {
  override readonly name = 'ReplicaRefused';
}

/** The directory reads of the checks. */
export type ReplicaAccessSource = Pick<FleetDirectory, 'getLogicalStore' | 'findUserByAddress'>;

/** Throws ReplicaRefused unless `primary` serves `store` and its replica is placed on `self`. */
export async function requireReplicaOf(
  directory: ReplicaAccessSource,
  self: string,
  primary: string,
  store: string,
): Promise<LogicalStoreEntry> {
  const entry = await directory.getLogicalStore(store);
  if (!entry) throw new ReplicaRefused(`there is no logical store ${store}`);
  if (entry.replicaNode !== self)
    throw new ReplicaRefused(`the directory does not place the replica of ${store} on ${self}`);
  if (entry.servedBy !== primary) throw new ReplicaRefused(`${primary} does not serve ${store}`);
  // A fenced primary (docs/failover.md) gets no ack: without one it gives no 250 while protected.
  if (entry.state === 'failed')
    throw new ReplicaRefused(`${store} was failed over (epoch ${entry.epoch}): ${primary} is fenced`);
  return entry;
}

/**
 * Throws ReplicaRefused unless `peer` holds the replica of `store` and `self` serves it. Resolves
 * with the user's primary address and whether the user is one of the store's now: a replica is
 * told only that others have no mailbox here (it then drops its copy), never their mail.
 */
export async function requireReplicaPull(
  directory: ReplicaAccessSource,
  self: string,
  peer: string,
  store: string,
  address: string,
): Promise<{ user: string; ofStore: boolean }> {
  const entry = await directory.getLogicalStore(store);
  if (!entry) throw new ReplicaRefused(`there is no logical store ${store}`);
  if (entry.servedBy !== self) throw new ReplicaRefused(`${self} does not serve ${store}`);
  if (entry.replicaNode !== peer)
    throw new ReplicaRefused(`the directory does not place the replica of ${store} on ${peer}`);
  const user = await directory.findUserByAddress(address.toLowerCase());
  if (!user || user.mailHost !== store) return { user: address.toLowerCase(), ofStore: false };
  return { user: user.mail.toLowerCase(), ofStore: true };
}
