/**
 * What the move RPCs (agent/control/move-methods.ts) ask of a store node's moves: the target side
 * (plans, jobs, batches, the progress stream) and the source side (figures, holds, the old copy,
 * moving a user back). `MoveEngine` (move-engine.ts) implements it on store and spare nodes.
 */
import type { Duplex } from 'node:stream';
import type {
  KeptMailboxCopy,
  MoveBatch,
  MoveEvent,
  MoveJob,
  MovePlan,
} from '../common/contract/move-contract.js';

/** An administrator's request to move users to a store this node serves. */
export interface MoveRequest {
  users: string[];
  to: string;
}

/** Who asks, and the check a domain admin's users must pass (throws `forbidden` in words). */
export interface MoveRequester {
  id: string;
  /** Throws unless the caller may act on this user (primary address); staff pass everyone. */
  mayTouch(user: string): Promise<void>;
  /** Whether a listing may show this user (a domain admin sees only its domains). */
  sees(user: string): boolean;
}

/** A batch's speed: moves at once, and bytes per second for the whole batch (0 = no limit). */
export interface MoveSpeed {
  concurrency: number;
  bandwidthBytesPerSecond: number;
}

/** The moves of one store node. */
export interface MoveNode {
  // Target side: administrators, through the console or the CLI.
  /** `speed`: the batch's, for the estimated time (the node's defaults when absent). */
  plan(request: MoveRequest, requester: MoveRequester, speed?: Partial<MoveSpeed>): Promise<MovePlan>;
  start(
    request: MoveRequest & MoveSpeed,
    requester: MoveRequester,
  ): Promise<{ batch: MoveBatch; jobs: MoveJob[] }>;
  list(
    filter: { state: 'active' | 'finished' | 'all'; limit: number },
    requester: MoveRequester,
  ): Promise<{ jobs: MoveJob[]; batches: MoveBatch[]; keptCopies: KeptMailboxCopy[] }>;
  show(job: string, requester: MoveRequester): Promise<{ job: MoveJob; events: MoveEvent[] }>;
  cancel(which: { job: string } | { batch: string }, requester: MoveRequester): Promise<string[]>;
  rollback(job: string, requester: MoveRequester): Promise<MoveJob>;
  purge(user: string): Promise<{ purged: boolean; bytes: number }>;
  /** Every change of a job; returns the function that stops listening. */
  onJobChange(listener: (job: MoveJob) => void): () => void;

  // Source side: the target's agent (a peer), for a user whose lock names it.
  figures(user: string): Promise<{ exists: boolean; folders: number; messages: number; bytes: number }>;
  holdForMove(job: string, user: string, peer: string): Promise<{ sessionsClosed: number }>;
  releaseForMove(job: string, user: string, peer: string): Promise<{ released: boolean }>;
  finishForMove(job: string, user: string, peer: string, keepUntil: number): Promise<{ kept: boolean }>;
  reverse(job: string, peer: string, requestedBy: string): Promise<MoveJob>;
  /** Serves one `mailfleet-sync` channel a peer opened (the bulk data of a move). */
  serveSyncChannel(stream: Duplex, peer: string): Promise<void>;
}
