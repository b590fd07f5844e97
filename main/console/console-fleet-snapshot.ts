/**
 * The fleet as the console window sees it: per node what the directory says, what
 * the console observes (`up`, `down`, or `stale` when the link is open but the figures stopped), its
 * newest sample and how old that is. Built from main/core's FleetSnapshot; serialisable. Pushed as
 * changes (`partial`: only the nodes whose view changed) after a whole one.
 */
import { z } from 'zod';
import { nodeMetrics } from '../../agent/common/contract/node-metrics.js';
import { directoryLinkStatus } from '../../agent/common/directory/directory-urls.js';
import { nodeRoles, nodeStates } from '../../agent/common/directory/fleet-entries.js';
import type { FleetChanges, FleetSnapshot, NodeView } from '../core/fleet-snapshot.js';

/** What the console sees of a node right now. */
export const nodeTileStates = ['up', 'down', 'stale'] as const;
export type NodeTileState = (typeof nodeTileStates)[number];

export const consoleNodeView = z.object({
  name: z.string(),
  role: z.enum(nodeRoles),
  /** State recorded in the directory (active, maintenance, failed...). */
  directoryState: z.enum(nodeStates),
  address: z.string(),
  controlPort: z.number().int(),
  state: z.enum(nodeTileStates),
  /**
   * When `state` last changed (ms since the epoch, console clock); for `stale`, when the last
   * figures arrived.
   */
  since: z.number(),
  /** How old the newest figures are at snapshot time, in ms; absent if the node never answered. */
  ageMs: z.number().nonnegative().optional(),
  sample: nodeMetrics.optional(),
  /** Why the node is not up, in words. */
  problem: z
    .object({
      kind: z.enum(['unreachable', 'host-key-mismatch', 'refused', 'stale', 'not-pinned']),
      message: z.string(),
    })
    .optional(),
});
export type ConsoleNodeView = z.infer<typeof consoleNodeView>;

export const consoleFleetSnapshot = z.object({
  /** Snapshot time, ms since the epoch (console clock). */
  at: z.number(),
  directory: z.object({
    reachable: z.boolean(),
    error: z.string().optional(),
    /** Which directory server the console uses now, and which did not answer. */
    link: directoryLinkStatus.optional(),
  }),
  nodes: z.array(consoleNodeView),
});
export type ConsoleFleetSnapshot = z.infer<typeof consoleFleetSnapshot>;

/**
 * What the `fleet.snapshot` event carries: a whole snapshot (no `partial`), or with `partial` only
 * the nodes whose view changed since the previous push, each whole, and the names of nodes gone
 * from the directory. A page merges a partial push into the whole snapshot it holds; with none yet
 * (before its first `fleet.snapshot` call answers) it drops the push: the answer covers it.
 */
export const consoleFleetPush = consoleFleetSnapshot.extend({
  partial: z.literal(true).optional(),
  /** Nodes no longer in the directory (partial pushes only). */
  removed: z.array(z.string()).optional(),
});
export type ConsoleFleetPush = z.infer<typeof consoleFleetPush>;

/** The console's view of one node of a core snapshot taken at `at`. */
export function consoleNodeViewOf(node: NodeView, at: number): ConsoleNodeView {
  const state: NodeTileState =
    node.observed === 'up' ? 'up' : node.problem?.kind === 'stale' ? 'stale' : 'down';
  const view: ConsoleNodeView = {
    name: node.name,
    role: node.role,
    directoryState: node.directoryState,
    address: node.address,
    controlPort: node.controlPort,
    state,
    // The link has been open all along; what stopped is the figures, so that is when it went silent.
    since: state === 'stale' && node.staleMs !== undefined ? at - node.staleMs : node.since,
  };
  if (node.staleMs !== undefined) view.ageMs = node.staleMs;
  if (node.metrics) view.sample = node.metrics;
  if (node.problem) view.problem = { kind: node.problem.kind, message: node.problem.message };
  return view;
}

/** The console's view of a core snapshot (or of the nodes of a change set). */
export function consoleSnapshotOf(
  snapshot: Pick<FleetSnapshot, 'at' | 'directory' | 'nodes'>,
): ConsoleFleetSnapshot {
  const directory: ConsoleFleetSnapshot['directory'] = { reachable: snapshot.directory.reachable };
  if (snapshot.directory.error) directory.error = snapshot.directory.error;
  if (snapshot.directory.link) directory.link = snapshot.directory.link;
  return {
    at: snapshot.at,
    directory,
    nodes: snapshot.nodes.map((node) => consoleNodeViewOf(node, snapshot.at)),
  };
}

/** The console's push of a core change set: partial unless it lists every node. */
export function consolePushOf(changes: FleetChanges): ConsoleFleetPush {
  const push: ConsoleFleetPush = consoleSnapshotOf(changes);
  if (changes.full) return push;
  push.partial = true;
  if (changes.removed.length > 0) push.removed = changes.removed;
  return push;
}
