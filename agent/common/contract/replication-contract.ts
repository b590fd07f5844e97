/**
 * The replication RPCs of a store node (docs/replication.md). The change stream itself does not
 * travel in JSON lines: it has its own SSH channel between agents (`mailfleet-replica`), and a
 * replica's pulls use the sync channel of moves (`mailfleet-sync`).
 */
import { z } from 'zod';
import { storeReplication } from './node-metrics.js';

/** One replica this node holds. */
export const heldReplica = z.object({
  store: z.string(),
  /** The node that serves the store (the stream's sender). */
  primary: z.string(),
  /** The last sequence number of the store's journal held here. */
  held: z.number().int().nonnegative(),
  /** Users whose changes are held but not yet copied in. */
  pendingUsers: z.number().int().nonnegative(),
});

export const replicationMethods = {
  'replication.status': {
    params: z.object({}).strict(),
    result: z.object({
      /** The logical stores this node serves that have a replica placed, and how each keeps up. */
      streams: z.array(storeReplication),
      /** The replicas the directory places on this node, as far as their streams have come. */
      replicas: z.array(heldReplica),
    }),
    audited: false,
    summary:
      'How each logical store served here is protected by its replica (protected, catching up, unprotected; the lag), and the replicas this node holds.',
  },
} as const;
