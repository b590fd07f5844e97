/**
 * "Make spare" (docs/failover.md, "Make spare"): after a failed node is repaired, its agent wipes
 * the mail it kept of the stores it served, then the node gets the role `spare` with the admin's
 * own directory bind, read back. `mailfleet make-spare` and the console's button both use this.
 */
import type { FleetDirectory } from '../../../agent/common/directory/fleet-directory.js';
import type { LogicalStoreEntry, ServerEntry } from '../../../agent/common/directory/fleet-entries.js';
import type { FleetClient } from '../fleet-client.js';

/** What making a node the spare wiped. */
export interface MadeSpare {
  node: string;
  role: 'spare';
  /** The logical stores whose old mailboxes were deleted there. */
  stores: string[];
  mailboxes: number;
}

/** The stores `node` serves and those whose replica it holds: either keeps it from being the spare. */
export function makeSpareBlockers(
  stores: readonly LogicalStoreEntry[],
  node: string,
): { serves: string[]; holdsReplicaOf: string[] } {
  return {
    serves: stores.filter((s) => s.servedBy === node).map((s) => s.name),
    holdsReplicaOf: stores.filter((s) => s.replicaNode === node).map((s) => s.name),
  };
}

/**
 * Why `node` cannot be made the spare now, in words, or undefined when it can. The agent checks
 * the same (and refuses) before it wipes anything: this only says it before the admin asks.
 */
export function makeSpareRefusal(
  stores: readonly LogicalStoreEntry[],
  servers: readonly ServerEntry[],
  node: string,
): string | undefined {
  const server = servers.find((s) => s.name === node);
  if (!server) return `there is no node ${node}`;
  if (server.role !== 'store' && server.role !== 'spare')
    return `${node} is a ${server.role}: only a store node can be made the spare`;
  const { serves, holdsReplicaOf } = makeSpareBlockers(stores, node);
  if (serves.length > 0)
    return `${node} still serves ${serves.join(', ')}: switch it to a spare or fail it over first`;
  if (holdsReplicaOf.length > 0)
    return `${node} holds the replica of ${holdsReplicaOf.join(', ')}, which keeps it protected: place it on another node first`;
  return undefined;
}

/**
 * Makes `node` the spare: its agent wipes its old mail (`failover.makeSpare`, system admins only;
 * it refuses in words while the node serves a store or holds a replica), then the directory gets
 * the role `spare` with the admin's own bind, read back.
 */
export async function makeSpare(
  directory: Pick<FleetDirectory, 'getServer' | 'updateServer'>,
  fleet: Pick<FleetClient, 'call'>,
  node: string,
): Promise<MadeSpare> {
  const server = await directory.getServer(node);
  if (!server) throw new Error(`there is no node ${node}`);
  if (server.role !== 'store' && server.role !== 'spare')
    throw new Error(`${node} is a ${server.role}: only a store node can be made the spare`);
  const wiped = await fleet.call(node, 'failover.makeSpare', {});
  await directory.updateServer(node, { role: 'spare' });
  const after = await directory.getServer(node);
  if (after?.role !== 'spare')
    throw new Error(
      `${node}'s old mail is wiped, but the directory did not take the role spare (it says ${after?.role ?? 'nothing'})`,
    );
  return { node, role: 'spare', stores: wiped.stores, mailboxes: wiped.mailboxes };
}
