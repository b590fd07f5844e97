/**
 * The figures of the node the Node view shows, over time: one point per fleet snapshot for that one
 * node (so 38 or 1,000 nodes cost nothing), at most `nodeHistoryPoints` (10 minutes at 1 Hz).
 * Opening another node starts a new window.
 */
import type { StateCreator } from 'zustand';
import type { ConsoleNodeView } from '../../../../main/console/console-contract';
import { nodeFigures } from '../fleet/fleet-figures';
import type { NodeStore } from './node-store';

/** 10 minutes of 1 Hz samples. */
export const nodeHistoryPoints = 600;

/** One point of a node's history; null where the node does not publish the figure. */
export interface NodePoint {
  at: number;
  cpuPercent: number | null;
  memoryPercent: number | null;
  diskPercent: number | null;
  deliveriesPerMin: number | null;
  sessions: number | null;
  queueDepth: number | null;
  rxKiBPerSec: number | null;
  txKiBPerSec: number | null;
}

export interface NodeHistoryState {
  watchedNode: string | undefined;
  points: NodePoint[];
}

export interface NodeHistoryActions {
  watchNode(node: string | undefined): void;
  recordNode(view: ConsoleNodeView): void;
}

const orNull = (value: number | undefined) => (value === undefined ? null : value);

/** The point a node's newest sample adds. */
export function nodePointOf(view: ConsoleNodeView): NodePoint | undefined {
  const sample = view.sample;
  if (!sample) return undefined;
  const f = nodeFigures(view);
  const pct = (s: number | undefined) => (s === undefined ? null : Math.round(s * 1000) / 10);
  return {
    at: sample.at,
    cpuPercent: sample.cpu.percent,
    memoryPercent: pct(f.memoryShare),
    diskPercent: pct(f.diskShare),
    deliveriesPerMin: orNull(f.deliveriesPerMin),
    sessions: orNull(f.sessions),
    queueDepth: orNull(f.queueDepth),
    rxKiBPerSec: sample.network.rxBytesPerSec / 1024,
    txKiBPerSec: sample.network.txBytesPerSec / 1024,
  };
}

export const createNodeHistorySlice: StateCreator<
  NodeStore,
  [],
  [],
  NodeHistoryState & NodeHistoryActions
> = (set) => ({
  watchedNode: undefined,
  points: [],
  watchNode: (watchedNode) => set((s) => (s.watchedNode === watchedNode ? {} : { watchedNode, points: [] })),
  recordNode: (view) =>
    set((s) => {
      if (view.name !== s.watchedNode) return s;
      const point = nodePointOf(view);
      const last = s.points[s.points.length - 1];
      // A node that stopped answering repeats its last sample: that is not a new point.
      if (!point || (last && last.at >= point.at)) return s;
      const points = [...s.points, point];
      return { points: points.length > nodeHistoryPoints ? points.slice(-nodeHistoryPoints) : points };
    }),
});
