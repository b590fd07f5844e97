/**
 * The settings of a store's own jobs in the agent's configuration file (`moves`, `replication`,
 * `failover`; agent-config.ts): every one optional, with the defaults the jobs use when absent
 * (docs/moves.md, docs/replication.md, docs/failover.md).
 */
import { z } from 'zod';

/** Mailbox moves on a store: how long old copies are kept, how patient jobs are with peers. */
export const moveSettingsSchema = z
  .object({
    /** Days the old copy of a moved mailbox is kept on its former store (default 7). */
    keepDays: z.number().min(0).max(3650).default(7),
    /** Waits between attempts when a peer fails (ms; default 1 s rising to 60 s, 7 attempts). */
    retryDelaysMs: z.array(z.number().int().min(0).max(3_600_000)).min(1).max(50).optional(),
    /** Cutover attempts before a move fails (default 3). */
    cutoverAttempts: z.number().int().min(1).max(100).optional(),
    /**
     * A pause after every journaled step of a move (ms; default 0): for failure drills, where an
     * operator (or a test) stops a node at a chosen step and watches the move recover.
     */
    stepPauseMs: z.number().int().min(0).max(600_000).optional(),
    /**
     * Bytes to copy from which a copy round writes its files without an fsync each and flushes
     * the file system once at its end (default 32 MiB; docs/moves.md "Durability of the copy").
     */
    bulkRoundBytes: z
      .number()
      .int()
      .min(0)
      .max(2 ** 40)
      .optional(),
  })
  .strict();

/** A store's replication to its replica: how long a delivery waits for it, how far behind it may be. */
export const replicationSettingsSchema = z
  .object({
    /** A delivery's wait for the replica's ack before the store goes unprotected (ms; default 5 s). */
    ackTimeoutMs: z.number().int().min(50).max(600_000).optional(),
    /** How far behind (ms) the replica's copies may be and the store still count as protected (default 30 s). */
    lagBoundMs: z.number().int().min(100).max(3_600_000).optional(),
    /** Changes a journal keeps for an absent replica; beyond, it needs a full resync (default 200,000). */
    maxJournalRecords: z.number().int().min(10).max(100_000_000).optional(),
  })
  .strict();

/** Failover of a store to the node holding its replica: the primary's lease, automatic failover. */
export const failoverSettingsSchema = z
  .object({
    /** How long a store node's proof that it still serves a store lasts (ms; default 4 s; docs/failover.md). */
    leaseMs: z.number().int().min(500).max(120_000).optional(),
    /**
     * Automatic failover: a store whose replica this node holds, and whose entry names this node
     * as its failover node, is failed over when its primary sent no stream for this long (s).
     * Absent: off (the default).
     */
    autoAfterSeconds: z.number().int().min(1).max(86_400).optional(),
    /** Pause after every journaled step of a failover job, for failure drills (ms; default 0). */
    stepPauseMs: z.number().int().min(0).max(600_000).optional(),
  })
  .strict();
