/**
 * The Stores list: every logical store and the server serving it (`move.stores`; the live figures
 * come from the fleet store), and the suggestion of moves that even out disk use (`move.suggest`).
 */
import type { StateCreator } from 'zustand';
import type { MoveSuggestion, StoreOnNode } from '../../../../main/console/console-contract';
import type { LoadStatus } from '../queues/load-state';
import type { ShownError } from '../shown-error';
import type { MovesStore } from './moves-store';

export interface StoreListState {
  stores: StoreOnNode[] | undefined;
  storesError: ShownError | undefined;
  suggestion: MoveSuggestion | undefined;
  suggestionStatus: LoadStatus;
  suggestionError: ShownError | undefined;
}

export interface StoreListActions {
  receiveStores(stores: StoreOnNode[]): void;
  failStores(error: ShownError): void;
  askSuggestion(): void;
  receiveSuggestion(suggestion: MoveSuggestion): void;
  failSuggestion(error: ShownError): void;
  /** A suggested batch was taken: it is not offered again. */
  takeSuggestedBatch(to: string): void;
}

export const storeListInitialState: StoreListState = {
  stores: undefined,
  storesError: undefined,
  suggestion: undefined,
  suggestionStatus: 'idle',
  suggestionError: undefined,
};

export const createStoreListSlice: StateCreator<MovesStore, [], [], StoreListState & StoreListActions> = (
  set,
) => ({
  ...storeListInitialState,
  receiveStores: (stores) => set({ stores, storesError: undefined }),
  failStores: (error) => set({ storesError: error }),
  askSuggestion: () => set({ suggestionStatus: 'loading', suggestionError: undefined }),
  receiveSuggestion: (suggestion) => set({ suggestion, suggestionStatus: 'ready' }),
  failSuggestion: (error) => set({ suggestionStatus: 'error', suggestionError: error }),
  takeSuggestedBatch: (to) =>
    set((s) =>
      s.suggestion
        ? { suggestion: { ...s.suggestion, batches: s.suggestion.batches.filter((b) => b.to !== to) } }
        : s,
    ),
});

/** The logical stores a server serves, by name. */
export function storesServedBy(stores: readonly StoreOnNode[] | undefined, node: string): string[] {
  return (stores ?? []).filter((s) => s.node === node).map((s) => s.store);
}
