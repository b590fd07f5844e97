/** The newest fleet snapshot and whether it has arrived (loading, ready, error). */
import type { StateCreator } from 'zustand';
import type { ConsoleFleetSnapshot } from '../../../../main/console/console-fleet-snapshot';
import type { FleetStore } from './fleet-store';

export interface SnapshotState {
  snapshot: ConsoleFleetSnapshot | undefined;
  status: 'loading' | 'ready' | 'error';
  error: string | undefined;
}

export interface SnapshotActions {
  receiveSnapshot(snapshot: ConsoleFleetSnapshot): void;
  failSnapshot(message: string): void;
}

export const snapshotInitialState: SnapshotState = {
  snapshot: undefined,
  status: 'loading',
  error: undefined,
};

export const createSnapshotSlice: StateCreator<FleetStore, [], [], SnapshotState & SnapshotActions> = (
  set,
) => ({
  ...snapshotInitialState,
  receiveSnapshot: (snapshot) => set({ snapshot, status: 'ready', error: undefined }),
  // A failure after a snapshot arrived keeps the figures on screen; the banner says what broke.
  failSnapshot: (message) => set((state) => ({ status: state.snapshot ? 'ready' : 'error', error: message })),
});
