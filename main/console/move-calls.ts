/**
 * The mailbox-move calls of the console contract (`move.*`), merged into `consoleCalls`. They reuse
 * the agent's move contract (agent/common/contract/move-contract.ts); main/core/moves/fleet-moves.ts finds
 * the node to ask (the one serving the target store for plans and starts, the one a job's id names
 * for the rest); a purge names the node keeping the old copy. Refusals of a batch come back as data (`started: false`
 * with every reason), so the dialog can say each one in words.
 */
import { z } from 'zod';
import { mailUser } from '../../agent/common/contract/mail-user.js';
import {
  keptMailboxCopy,
  moveBatch,
  moveBatchId,
  moveEvent,
  moveJob,
  moveJobId,
  moveMethods,
  movePlan,
  moveRefusal,
} from '../../agent/common/contract/move-contract.js';
import { nodeFailure } from './console-fleet-queues.js';

const node = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'a node name (store07...)');

/** `move.list` in the console: every store and spare node's moves, merged. */
export const fleetMoveList = z.object({
  jobs: z.array(moveJob),
  batches: z.array(moveBatch.extend({ node })),
  keptCopies: z.array(keptMailboxCopy.extend({ node })),
  failures: z.array(nodeFailure),
});
export type FleetMoveListResult = z.infer<typeof fleetMoveList>;

/** `move.start` in the console: the batch started, or refused as a whole with every reason. */
export const moveStartAnswer = z.discriminatedUnion('started', [
  z.object({ started: z.literal(true), batch: moveBatch, jobs: z.array(moveJob) }),
  z.object({ started: z.literal(false), message: z.string(), refusals: z.array(moveRefusal) }),
]);
export type MoveStartAnswer = z.infer<typeof moveStartAnswer>;

/** A logical store and the node serving it. */
export const storeOnNode = z.object({ store: z.string(), node, replicaNode: node.optional() });
export type StoreOnNode = z.infer<typeof storeOnNode>;

/** `move.suggest`: moves that even out the mail the stores hold (main/core/moves/move-suggestions.ts). */
export const moveSuggestion = z.object({
  moves: z.array(z.object({ user: z.string(), from: z.string(), to: z.string(), bytes: z.number() })),
  /** The moves to one store: one batch when the administrator takes them. */
  batches: z.array(
    z.object({
      to: z.string(),
      node,
      users: z.array(z.string()),
      /** Stores the users leave, by name. */
      from: z.array(z.string()),
      bytes: z.number(),
    }),
  ),
  /** The most mail a store holds minus the least, before and after the moves. */
  spreadBefore: z.number(),
  spreadAfter: z.number(),
  stores: z.array(z.object({ store: z.string(), node, bytesBefore: z.number(), bytesAfter: z.number() })),
});
export type MoveSuggestion = z.infer<typeof moveSuggestion>;

/** The `move.progress` event: a job as its node reported it. */
export const moveProgressEvent = z.object({ job: moveJob });

/** Every `move.*` call of the console. */
export const moveConsoleCalls = {
  'move.plan': {
    params: moveMethods['move.plan'].params,
    result: movePlan,
    summary:
      'What moving users to a logical store would do (mailboxes, messages, bytes, disk after, time, refusals), from the agent serving that store. Changes nothing.',
  },
  'move.start': {
    params: moveMethods['move.start'].params,
    result: moveStartAnswer,
    summary: 'Start moving users to a logical store as one batch, on the agent serving it; all or none.',
  },
  'move.list': {
    params: moveMethods['move.list'].params,
    result: fleetMoveList,
    summary: "Every store and spare node's move jobs (newest first), batches and kept old copies, merged.",
  },
  'move.show': {
    params: z.object({ job: moveJobId }).strict(),
    result: z.object({ job: moveJob, events: z.array(moveEvent) }),
    summary: 'One move job and its history, from the node running it.',
  },
  'move.cancel': {
    params: z.union([z.object({ job: moveJobId }).strict(), z.object({ batch: moveBatchId }).strict()]),
    result: z.object({ cancelled: z.array(moveJobId) }),
    summary: 'Cancel a move (or the unfinished moves of a batch) before its flip, on the node its id names.',
  },
  'move.rollback': {
    params: z.object({ job: moveJobId }).strict(),
    result: z.object({ job: moveJob }),
    summary:
      'Move a user back after a finished move while the old copy is kept (asked of the node that ran it).',
  },
  'move.purge': {
    params: z.object({ node, user: mailUser }).strict(),
    result: z.object({ purged: z.boolean(), bytes: z.number() }),
    summary: 'Delete now the old copy a node keeps of a mailbox moved away (system tier).',
  },
  'move.stores': {
    params: z.object({}).strict(),
    result: z.object({ stores: z.array(storeOnNode) }),
    summary: 'Every logical store and the node serving it now, from the directory.',
  },
  'move.suggest': {
    params: z
      .object({
        maxMoves: z.number().int().min(1).max(10_000).optional(),
        /** A move must narrow the gap by this much (default 1 MB). */
        minGainBytes: z.number().int().min(1).optional(),
      })
      .strict(),
    result: moveSuggestion,
    summary:
      "Moves that would even out the store nodes' disk use: which users, how much, spread before and after.",
  },
} as const;
