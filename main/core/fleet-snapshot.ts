/**
 * The console's merged view of the fleet: one entry per node, what the directory says about it and
 * what the console observes of it right now. Serialisable (it crosses IPC to the renderer later).
 */
import type { NodeMetrics } from '../../agent/common/contract/node-metrics.js';
import type { DirectoryLinkStatus } from '../../agent/common/directory/directory-urls.js';
import type { NodeRole, NodeState } from '../../agent/common/directory/fleet-entries.js';

/** What the console sees: `up` when the node answers, `down` when it does not. */
export type ObservedState = 'up' | 'down';

/** Why a node is not up, in words for the administrator. */
export type LinkProblem =
  | { kind: 'unreachable'; message: string }
  | { kind: 'host-key-mismatch'; message: string }
  | { kind: 'refused'; message: string }
  | { kind: 'stale'; message: string }
  | { kind: 'not-pinned'; message: string };

export interface NodeView {
  name: string;
  role: NodeRole;
  /** State recorded in the directory (active, maintenance, failed...). */
  directoryState: NodeState;
  address: string;
  controlPort: number;
  observed: ObservedState;
  /** When `observed` last changed (ms since the epoch). */
  since: number;
  /** Agent time of the newest sample or answer. */
  lastSeenAt?: number;
  /** How old the node's figures are, in ms, at snapshot time. */
  staleMs?: number;
  metrics?: NodeMetrics;
  problem?: LinkProblem;
}

export interface FleetSnapshot {
  at: number;
  /** The console's own directory: read last time or not, and which server it uses. */
  directory: { reachable: boolean; error?: string; link?: DirectoryLinkStatus };
  nodes: NodeView[];
}

/** A sample older than this means the node is no longer answering (the stream is 1 Hz). */
export const staleAfterMs = 3000;

/**
 * What the fleet client publishes after samples arrive: the nodes whose view changed since the
 * previous push (each a whole NodeView, so applying a push twice or after a full snapshot taken
 * in between is harmless) and the nodes no longer in the directory. `full` when `nodes` is every
 * node (the first push).
 */
export interface FleetChanges {
  at: number;
  directory: FleetSnapshot['directory'];
  full: boolean;
  nodes: NodeView[];
  removed: string[];
}
