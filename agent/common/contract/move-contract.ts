/**
 * Mailbox moves in the wire contract (docs/moves.md): what a console asks of the agent that runs a
 * move (the TARGET store's), what that agent asks of the source store's agent and of every
 * director during a move, and the progress stream. methods.ts spreads these into the one method
 * map, so tiers (access-matrix.ts) and audit are enforced by the dispatcher as for every method.
 *
 * Who calls what:
 * - `move.*`: administrators, on the agent of the store a mailbox goes to (`move.plan`,
 *   `move.start`, `move.list`, `move.show`, `move.cancel`, `move.rollback`, the progress stream),
 *   or on the store that keeps a moved mailbox's old copy (`move.purge`);
 * - `sync.*`: the target's agent on the source's, with its own host key (peer); the source serves
 *   a user's mailbox only to the node the user's move lock names as target;
 * - `cutover.*`: the target's agent on every director (peer), again only for a locked user.
 * Bulk mail data does not travel in JSON lines: it has its own SSH channel (`mailfleet-sync`,
 * agent/moves/sync-channel-protocol.ts).
 */
import { z } from 'zod';
import { logicalStoreName, mailUser } from './mail-user.js';
import type { MethodSpec } from './methods.js';

/**
 * A move job's id: `mv-<target node>-<time>-<random>` (also in the directory's move lock). Here
 * and not beside the lock: the lock's code brings the LDAP client, which the console's page and
 * preload must not bundle.
 */
export const moveJobId = z.string().regex(/^mv-[A-Za-z0-9._-]{1,80}$/, 'a move job id (mv-...)');

/** A batch of moves started by one `move.start`: `mb-<node>-<time>-<random>`. */
export const moveBatchId = z.string().regex(/^mb-[A-Za-z0-9._-]{1,80}$/, 'a move batch id (mb-...)');

/**
 * Where a move job is:
 * - `waiting`: queued in its batch (the batch's concurrency limit);
 * - `copy`: the first, bulk copy, while the user reads and receives mail as usual;
 * - `catch-up`: rounds that copy only what changed since the last one;
 * - `cutover`: the user's mail held on every director, logins refused, the last changes copied
 *   and verified, `mailHost` flipped;
 * - `finishing`: flipped; holds released, the source copy marked kept;
 * - `rolling-back`: undoing a move that did not reach the flip;
 * - `done`, `failed` (rolled back after an error: the user stays where they were), `cancelled`
 *   (rolled back on an administrator's request).
 */
export const movePhases = [
  'waiting',
  'copy',
  'catch-up',
  'cutover',
  'finishing',
  'rolling-back',
  'done',
  'failed',
  'cancelled',
] as const;
export type MovePhase = (typeof movePhases)[number];

/** Phases after which a job changes no more. */
export const finishedMovePhases: ReadonlySet<MovePhase> = new Set(['done', 'failed', 'cancelled']);

/** Why a user cannot be moved, as a code the console translates (the `reason` says it in English). */
export const moveRefusalCodes = [
  'same-store',
  'no-such-user',
  'already-moving',
  'no-such-store',
  'not-served-here',
  'target-down',
  'target-full',
  'source-down',
  'out-of-scope',
  'duplicate',
] as const;
export type MoveRefusalCode = (typeof moveRefusalCodes)[number];

/** One refused user. */
export const moveRefusal = z.object({
  user: z.string(),
  code: z.enum(moveRefusalCodes),
  reason: z.string(),
});
export type MoveRefusal = z.infer<typeof moveRefusal>;

const count = z.number().int().nonnegative();
const bytes = z.number().nonnegative();

/** A move job as lists, details and the progress stream show it. */
export const moveJob = z.object({
  job: moveJobId,
  batch: moveBatchId,
  /** Primary address. */
  user: z.string(),
  source: logicalStoreName,
  target: logicalStoreName,
  /** The node that runs the job (the one serving the target). */
  node: z.string(),
  phase: z.enum(movePhases),
  /** The administrator who started it (or whose rollback it is). */
  requestedBy: z.string(),
  /** ms since the epoch. */
  createdAt: z.number(),
  startedAt: z.number().optional(),
  finishedAt: z.number().optional(),
  progress: z.object({
    folders: count,
    messagesTotal: count,
    messagesCopied: count,
    bytesTotal: bytes,
    bytesCopied: bytes,
    /** Over the last few seconds of copying. */
    rateBytesPerSecond: bytes,
    /** Until the copy is done, at the current rate; absent before it is known. */
    etaSeconds: z.number().nonnegative().optional(),
  }),
  /** Catch-up rounds done. */
  rounds: count,
  /** How long the user's mail and logins were held (the cutover pause), once measured. */
  cutoverPauseMs: z.number().nonnegative().optional(),
  /** What the verification compared, once it passed. */
  verified: z.object({ folders: count, messages: count, bytes }).optional(),
  /** What happened, in words: "moved 1,204 messages (88 MB) to store07 in 2 min; held 1.2 s". */
  result: z.string(),
  /** The error that made it roll back. */
  error: z.string().optional(),
  /** The job this one undoes (a rollback of a finished move). */
  rollbackOf: moveJobId.optional(),
  /** When the source keeps the old copy until (ms since the epoch), after a move that is done. */
  sourceCopyKeptUntil: z.number().optional(),
});
export type MoveJob = z.infer<typeof moveJob>;

/** One line of a job's history. */
export const moveEvent = z.object({
  at: z.number(),
  phase: z.enum(movePhases),
  text: z.string(),
});
export type MoveEvent = z.infer<typeof moveEvent>;

/** A batch of moves to one store. */
export const moveBatch = z.object({
  batch: moveBatchId,
  target: logicalStoreName,
  requestedBy: z.string(),
  createdAt: z.number(),
  concurrency: z.number().int().min(1),
  /** 0 = no limit. */
  bandwidthBytesPerSecond: bytes,
  jobs: count,
  waiting: count,
  running: count,
  done: count,
  failed: count,
  cancelled: count,
});
export type MoveBatch = z.infer<typeof moveBatch>;

/** The old copy of a moved mailbox, kept on its former store until purged. */
export const keptMailboxCopy = z.object({
  user: z.string(),
  job: moveJobId,
  /** The logical store the user moved to. */
  movedTo: logicalStoreName,
  movedAt: z.number(),
  /** Purged after this (ms since the epoch) by the node's purge job. */
  keepUntil: z.number(),
  messages: count,
  bytes,
});
export type KeptMailboxCopy = z.infer<typeof keptMailboxCopy>;

/** A user in a plan: what would move. */
export const movePlanEntry = z.object({
  user: z.string(),
  /** The store the user is on now (absent for an unknown user). */
  source: logicalStoreName.optional(),
  messages: count,
  bytes,
  refusal: moveRefusal.optional(),
});

/** What `move.plan` (and a dry run of `move.start`) answers. */
export const movePlan = z.object({
  target: logicalStoreName,
  node: z.string(),
  users: z.array(movePlanEntry),
  /** Of the users that can move. */
  mailboxes: count,
  messages: count,
  bytes,
  /**
   * The target's mail file system now and after the move, read as the store's metrics are:
   * `usedPercentAfter` is df's share (used / (used + available), agent/common/disk-use.ts), the
   * percentage the dashboard's tile shows for that disk once the mail is there.
   */
  targetDisk: z.object({
    totalBytes: bytes,
    usedBytes: bytes,
    usedAfterBytes: bytes,
    /** What the agent's mail writers could still use after the move (statfs bavail less the move; root's blocks are not). */
    availableAfterBytes: bytes,
    usedPercentAfter: z.number().nonnegative(),
  }),
  /** At the batch's bandwidth limit and the copy rate this node has seen. */
  estimatedSeconds: z.number().nonnegative(),
  /** The batch speed the estimate is for (absent from agents before it was added). */
  speed: z
    .object({ concurrency: z.number().int().min(1), bandwidthBytesPerSecond: z.number().int().min(0) })
    .optional(),
  refusals: z.array(moveRefusal),
});
export type MovePlan = z.infer<typeof movePlan>;

/** Default moves running at once in a batch: two keep IMAP latency normal on both stores (docs/moves.md). */
export const defaultMoveConcurrency = 2;
/** Default bandwidth of a batch, bytes per second (40 MiB/s; 0 = no limit). */
export const defaultMoveBandwidth = 40 * 1024 * 1024;

const moveRequest = {
  /** Primary addresses or further addresses; in the order given (a batch runs in this order). */
  users: z.array(mailUser).min(1).max(10_000),
  /** The logical store to move to; this node must serve it. */
  to: logicalStoreName,
};

export const moveMethods = {
  'move.plan': {
    params: z
      .object({
        ...moveRequest,
        /** The batch's speed the estimated time is for (the node's defaults when absent). */
        concurrency: z.number().int().min(1).max(16).optional(),
        bandwidthBytesPerSecond: z.number().int().min(0).optional(),
      })
      .strict(),
    result: movePlan,
    audited: false,
    summary:
      'What moving these users to a store would do: mailboxes, messages, bytes, the target disk after, an estimated time, and who cannot move and why. Changes nothing.',
  },
  'move.start': {
    params: z
      .object({
        ...moveRequest,
        /** Moves running at once (default 2). */
        concurrency: z.number().int().min(1).max(16).default(defaultMoveConcurrency),
        /** Bytes per second for the whole batch; 0 = no limit (default 40 MiB/s). */
        bandwidthBytesPerSecond: z.number().int().min(0).default(defaultMoveBandwidth),
      })
      .strict(),
    result: z.object({ batch: moveBatch, jobs: z.array(moveJob) }),
    audited: true,
    summary:
      'Move users to a store served by this node, as one batch: all or none (any refusal refuses the call, with every reason).',
  },
  'move.list': {
    params: z
      .object({
        state: z.enum(['active', 'finished', 'all']).default('all'),
        limit: z.number().int().min(1).max(10_000).default(1000),
      })
      .strict(),
    result: z.object({
      jobs: z.array(moveJob),
      batches: z.array(moveBatch),
      /** Old copies of mailboxes moved away from this node's stores. */
      keptCopies: z.array(keptMailboxCopy),
    }),
    audited: false,
    summary:
      'Move jobs this node runs (newest first), their batches, and the old copies it keeps of mailboxes moved away.',
  },
  'move.show': {
    params: z.object({ job: moveJobId }).strict(),
    result: z.object({ job: moveJob, events: z.array(moveEvent) }),
    audited: false,
    summary: 'One move job and its history.',
  },
  'move.cancel': {
    params: z.union([z.object({ job: moveJobId }).strict(), z.object({ batch: moveBatchId }).strict()]),
    result: z.object({ cancelled: z.array(moveJobId) }),
    audited: true,
    summary:
      'Cancel a move (or every unfinished move of a batch) before its flip: it rolls back and the user stays where they were.',
  },
  'move.rollback': {
    params: z.object({ job: moveJobId }).strict(),
    result: z.object({ job: moveJob }),
    audited: true,
    summary:
      'Move a user back after a finished move, while the source keeps the old copy (only the changes since are copied). Runs on the source store.',
  },
  'move.purge': {
    params: z.object({ user: mailUser }).strict(),
    result: z.object({ purged: z.boolean(), bytes }),
    audited: true,
    summary:
      "Delete now the old copy this node keeps of a mailbox moved away (the purge job does it after the keep time). Never the copy a user's mailHost points to.",
  },
  'move.subscribe': {
    params: z.object({}).strict(),
    result: z.object({ subscription: z.string() }),
    audited: false,
    summary:
      'Start `move.progress` notifications on this channel: one per job change, at most one a second per job while copying.',
  },
  'move.unsubscribe': {
    params: z.object({ subscription: z.string() }).strict(),
    result: z.object({ stopped: z.boolean() }),
    audited: false,
    summary: 'Stop a move progress stream.',
  },
  'sync.figures': {
    params: z.object({ user: mailUser }).strict(),
    result: z.object({ exists: z.boolean(), folders: count, messages: count, bytes }),
    audited: false,
    summary:
      "Peers: the size of one user's mailbox on this store (what a plan needs; no folder names, no mail).",
  },
  'sync.hold': {
    params: z.object({ job: moveJobId, user: mailUser }).strict(),
    result: z.object({ sessionsClosed: count }),
    audited: true,
    summary:
      "Peers (the move's target): refuse the locked user's deliveries and logins on this store, durably, and close their sessions, once deliveries in flight are durable.",
  },
  'sync.release': {
    params: z.object({ job: moveJobId, user: mailUser }).strict(),
    result: z.object({ released: z.boolean() }),
    audited: true,
    summary: "Peers (the move's target): lift the hold of sync.hold (a move rolled back before its flip).",
  },
  'sync.finish': {
    params: z.object({ job: moveJobId, user: mailUser, keepUntil: z.number() }).strict(),
    result: z.object({ kept: z.boolean() }),
    audited: true,
    summary:
      "Peers (the move's target, after the flip): keep this store's copy as the old copy until keepUntil; the user stays refused here.",
  },
  'sync.reverse': {
    params: z.object({ job: moveJobId, requestedBy: z.string().min(1).max(200) }).strict(),
    result: z.object({ job: moveJob }),
    audited: true,
    summary:
      'Peers (the node that ran a finished move): start moving the user back here, from the old copy this store keeps.',
  },
  'cutover.hold': {
    params: z.object({ job: moveJobId, user: mailUser }).strict(),
    result: z.object({ sessionsClosed: count }),
    audited: true,
    summary:
      "Peers (a move's target), on a director: hold the locked user's queued and new mail and their proxy logins, and close their proxied sessions.",
  },
  'cutover.release': {
    params: z.object({ job: moveJobId, user: mailUser }).strict(),
    result: z.object({ released: z.boolean() }),
    audited: true,
    summary:
      "Peers (a move's target), on a director: drop the user's cached route, then release their mail and logins (after the flip they go to the new store).",
  },
} as const satisfies Record<string, MethodSpec>;

/** Notifications of the move stream. */
export const moveNotifications = {
  'move.progress': z.object({ subscription: z.string(), job: moveJob }),
} as const;
