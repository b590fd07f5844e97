/** Directory entries for the failover planning tests (no directory needed: the plans read entries). */
import type { LogicalStoreEntry, ServerEntry } from '../../agent/common/directory/fleet-entries.js';

/** A server entry of `role`. */
export const serverEntryOf = (name: string, role: ServerEntry['role']): ServerEntry => ({
  dn: `cn=${name},ou=servers,dc=test`,
  name,
  role,
  state: 'active',
  address: '127.0.0.1',
  controlPort: 1,
  hostKeys: [],
  endpoints: {},
});

/** A logical store served by `servedBy`, with its replica on `replicaNode`. */
export const logicalStoreOf = (
  name: string,
  servedBy: string,
  replicaNode?: string,
  state: LogicalStoreEntry['state'] = 'serving',
): LogicalStoreEntry => ({
  dn: `cn=${name},ou=stores,dc=test`,
  name,
  servedBy,
  state,
  epoch: 0,
  ...(replicaNode ? { replicaNode } : {}),
});

/** The planning tests' fleet: three stores, two spares, a director. */
export const failoverTestServers: ServerEntry[] = [
  serverEntryOf('store01', 'store'),
  serverEntryOf('store02', 'store'),
  serverEntryOf('store03', 'store'),
  serverEntryOf('spare01', 'spare'),
  serverEntryOf('spare02', 'spare'),
  serverEntryOf('director01', 'director'),
];
