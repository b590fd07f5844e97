/**
 * Choosing the node a failover or a switch-over moves a logical store to (docs/failover.md): the
 * rules `planFailover` and `planSwitchToSpare` share, so both refuse the same nodes in the same
 * words.
 */
import type { LogicalStoreEntry, ServerEntry } from '../../../agent/common/directory/fleet-entries.js';

/** The first node of role `spare` that serves no store and holds no replica, if any. */
export function firstFreeSpare(
  stores: readonly LogicalStoreEntry[],
  servers: readonly ServerEntry[],
): string | undefined {
  const busy = new Set(stores.flatMap((s) => [s.servedBy, ...(s.replicaNode ? [s.replicaNode] : [])]));
  return servers.find((server) => server.role === 'spare' && !busy.has(server.name))?.name;
}

/**
 * The reason, in words, that the node an admin named cannot take a store at all (there is no
 * such node, or it is neither a store nor a spare node); undefined when it can.
 */
export function refusalOfNode(servers: readonly ServerEntry[], name: string): string | undefined {
  const server = servers.find((s) => s.name === name);
  if (!server) return `there is no node ${name}`;
  if (server.role !== 'spare' && server.role !== 'store')
    return `${name} is a ${server.role}, not a store or spare node`;
  return undefined;
}
