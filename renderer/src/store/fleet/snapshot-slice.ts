/**
 * The whole fleet snapshot, merged from what main pushes (a whole snapshot, then partial pushes of
 * the nodes that changed), and whether it has arrived (loading, ready, error). Everything else in
 * the page (history, alarms, selectors, views) reads the merged `snapshot`, the same shape as a
 * whole one.
 */
import type { StateCreator } from 'zustand';
import type { ConsoleFleetPush, ConsoleFleetSnapshot } from '../../../../main/console/console-contract';
import type { FleetStore } from './fleet-store';

export interface SnapshotState {
  snapshot: ConsoleFleetSnapshot | undefined;
  status: 'loading' | 'ready' | 'error';
  error: string | undefined;
}

export interface SnapshotActions {
  /** Takes a whole snapshot or merges a partial push; returns whether the store changed. */
  receiveSnapshot(push: ConsoleFleetPush): boolean;
  failSnapshot(message: string): void;
}

export const snapshotInitialState: SnapshotState = {
  snapshot: undefined,
  status: 'loading',
  error: undefined,
};

const byName = (a: { name: string }, b: { name: string }) =>
  a.name.localeCompare(b.name, 'en', { numeric: true });

/**
 * `base` with `push` applied: a whole snapshot replaces it; a partial push replaces the nodes it
 * names (each arrives whole), adds new ones in name order and drops the removed ones. Nodes not in
 * the push keep their object, and with no node changed the `nodes` array is the same one, so
 * memoised views of unchanged nodes do nothing. Undefined when a partial push has nothing to merge
 * into, or is older than `base` (a late answer to the first call may follow a push).
 */
export function mergeFleetPush(
  base: ConsoleFleetSnapshot | undefined,
  push: ConsoleFleetPush,
): ConsoleFleetSnapshot | undefined {
  if (base && push.at < base.at) return undefined;
  if (!push.partial) return { at: push.at, directory: push.directory, nodes: push.nodes };
  if (!base) return undefined;
  const removed = new Set(push.removed ?? []);
  if (push.nodes.length === 0 && removed.size === 0) {
    return { at: push.at, directory: push.directory, nodes: base.nodes };
  }
  const changed = new Map(push.nodes.map((node) => [node.name, node]));
  const nodes: ConsoleFleetSnapshot['nodes'] = [];
  for (const node of base.nodes) {
    if (removed.has(node.name)) continue;
    const next = changed.get(node.name);
    nodes.push(next ?? node);
    changed.delete(node.name);
  }
  if (changed.size > 0) {
    nodes.push(...changed.values());
    nodes.sort(byName);
  }
  return { at: push.at, directory: push.directory, nodes };
}

export const createSnapshotSlice: StateCreator<FleetStore, [], [], SnapshotState & SnapshotActions> = (
  set,
  get,
) => ({
  ...snapshotInitialState,
  receiveSnapshot: (push) => {
    const snapshot = mergeFleetPush(get().snapshot, push);
    if (!snapshot) return false;
    set({ snapshot, status: 'ready', error: undefined });
    return true;
  },
  // A failure after a snapshot arrived keeps the figures on screen; the banner says what broke.
  failSnapshot: (message) => set((state) => ({ status: state.snapshot ? 'ready' : 'error', error: message })),
});
