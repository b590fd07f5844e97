/** The fleet store: what the console knows of every node, built from slices (snapshot, history). */
import { create } from 'zustand';
import { createHistorySlice, type HistoryActions, type HistoryState } from './history-slice';
import { createSnapshotSlice, type SnapshotActions, type SnapshotState } from './snapshot-slice';

export type FleetStore = SnapshotState & SnapshotActions & HistoryState & HistoryActions;

/** Creates a fleet store (one per window; tests make their own). */
export function createFleetStore() {
  return create<FleetStore>()((...a) => ({ ...createSnapshotSlice(...a), ...createHistorySlice(...a) }));
}

/** The window's fleet store. */
export const useFleetStore = createFleetStore();
