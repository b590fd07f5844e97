/**
 * The figures every agent publishes once a second (`metrics.subscribe`, `node.metrics`, `/metrics`).
 * Role-specific counters (queue depth, sessions, deliveries...) go in `counters` so later roles
 * add figures without changing the wire shape.
 */
import { z } from 'zod';
import { directoryLinkStatus } from '../directory/directory-urls.js';
import { nodeRoles } from '../directory/fleet-entries.js';

export const serviceStates = ['running', 'starting', 'stopping', 'stopped', 'failed'] as const;
export type ServiceState = (typeof serviceStates)[number];

/** One mail or control service run by the agent. */
export const serviceStatus = z.object({
  name: z.string(),
  state: z.enum(serviceStates),
  /** When the service entered this state (ms since the epoch). */
  since: z.number(),
  /** Human-readable detail: the last error, or what the service is listening on. */
  detail: z.string().optional(),
  restarts: z.number().int().nonnegative(),
});
export type ServiceStatus = z.infer<typeof serviceStatus>;

/** A mailbox near its quota, for the console's "top quota users" list. */
export const quotaUser = z.object({
  user: z.string(),
  usedBytes: z.number().nonnegative(),
  /** The mailbox's quota; only mailboxes with a quota are listed. */
  limitBytes: z.number().positive(),
});
export type QuotaUser = z.infer<typeof quotaUser>;

/** Figures of a store (or spare) that a counter cannot carry because they have names in them. */
export const storeMetrics = z.object({
  /** Mailboxes with the highest share of their quota used, highest first (at most 10). */
  topQuotaUsers: z.array(quotaUser).max(100),
});
export type StoreMetrics = z.infer<typeof storeMetrics>;

/** Protection of a logical store by its replica (docs/replication.md). */
export const replicationStates = ['protected', 'catching-up', 'unprotected'] as const;

/** One logical store this node serves, and how its replica keeps up. */
export const storeReplication = z.object({
  store: z.string(),
  replicaNode: z.string(),
  state: z.enum(replicationStates),
  /** Changes not yet acknowledged plus users the replica has yet to copy in. */
  lagChanges: z.number().int().nonnegative(),
  /** Age of the oldest of those, seconds. */
  lagSeconds: z.number().nonnegative(),
  head: z.number().int().nonnegative(),
  acked: z.number().int().nonnegative(),
  /** ms since the epoch of the last change of state. */
  since: z.number(),
  /** Why it is unprotected, in words (English; the console shows the state in its own words). */
  reason: z.string().max(500).optional(),
});
export type StoreReplication = z.infer<typeof storeReplication>;

export const nodeMetrics = z.object({
  node: z.string(),
  role: z.enum(nodeRoles),
  /** Sample time, ms since the epoch, taken on the agent. */
  at: z.number(),
  /** Increases by one per sample; a gap means samples were dropped. */
  seq: z.number().int().nonnegative(),
  uptimeSec: z.number().nonnegative(),
  cpu: z.object({
    /** Whole-machine busy share over the last interval, 0..100. */
    percent: z.number(),
    /** This agent process's CPU share over the last interval, 0..100 of one core. */
    agentPercent: z.number(),
    cores: z.number().int().positive(),
  }),
  load: z.tuple([z.number(), z.number(), z.number()]),
  memory: z.object({ totalBytes: z.number(), usedBytes: z.number(), agentRssBytes: z.number() }),
  disk: z.object({
    path: z.string(),
    totalBytes: z.number(),
    usedBytes: z.number(),
    /** What unprivileged writers can still use (statfs bavail); absent from older agents. */
    availableBytes: z.number().optional(),
  }),
  network: z.object({ rxBytesPerSec: z.number(), txBytesPerSec: z.number() }),
  services: z.array(serviceStatus),
  /** Role counters, e.g. `queue_depth`, `imap_sessions`; names are snake_case Prometheus-safe. */
  counters: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), z.number()),
  /** Only on nodes that run mail services (store, spare). */
  store: storeMetrics.optional(),
  /** Which directory server the agent uses now, and which did not answer (absent from older agents). */
  directory: directoryLinkStatus.optional(),
  /** Store and spare nodes: each logical store served here that has a replica placed. */
  replication: z.array(storeReplication).optional(),
});
export type NodeMetrics = z.infer<typeof nodeMetrics>;
