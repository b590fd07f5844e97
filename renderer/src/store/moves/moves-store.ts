/** The moves store: every move job, the move dialog, and the Stores list with its suggestion. */
import { create } from 'zustand';
import { createMoveDialogSlice, type MoveDialogActions, type MoveDialogState } from './move-dialog-slice';
import { createMoveJobsSlice, type MoveJobsActions, type MoveJobsState } from './move-jobs-slice';
import { createStoreListSlice, type StoreListActions, type StoreListState } from './store-list-slice';

export type MovesStore = MoveJobsState &
  MoveJobsActions &
  MoveDialogState &
  MoveDialogActions &
  StoreListState &
  StoreListActions;

/** Creates a moves store (one per window; tests make their own). */
export function createMovesStore() {
  return create<MovesStore>()((...a) => ({
    ...createMoveJobsSlice(...a),
    ...createMoveDialogSlice(...a),
    ...createStoreListSlice(...a),
  }));
}

/** The window's moves store. */
export const useMovesStore = createMovesStore();
