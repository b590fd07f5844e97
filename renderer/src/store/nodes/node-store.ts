/** The node store: the Node view's history window, queue summary and restart, built from slices. */
import { create } from 'zustand';
import { createNodeActionsSlice, type NodeActionsActions, type NodeActionsState } from './node-actions-slice';
import { createNodeHistorySlice, type NodeHistoryActions, type NodeHistoryState } from './node-history-slice';

export type NodeStore = NodeHistoryState & NodeHistoryActions & NodeActionsState & NodeActionsActions;

/** Creates a node store (one per window; tests make their own). */
export function createNodeStore() {
  return create<NodeStore>()((...a) => ({
    ...createNodeHistorySlice(...a),
    ...createNodeActionsSlice(...a),
  }));
}

/** The window's node store. */
export const useNodeStore = createNodeStore();
