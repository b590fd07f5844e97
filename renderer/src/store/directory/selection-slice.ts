/**
 * Which users are picked for a move: addresses picked one by one (ctrl/cmd-click or a row's
 * checkbox, shift-click for a range from the last pick), or every result of a search ("all
 * results of this search", which with a domain filter is the whole domain). Picks survive a new
 * search, so a clerk can search for several people in turn; "all results" belongs to the search
 * it was made on and ends with it.
 */
import type { StateCreator } from 'zustand';
import type { DirectoryStore } from './directory-store';
import type { UserQuery } from './search-slice';

/** What is picked, as a move needs it. */
export type UserSelection =
  | { kind: 'users'; addresses: string[] }
  | { kind: 'query'; query: UserQuery; total: number };

export interface SelectionState {
  /** Addresses picked, in the order picked. */
  selected: string[];
  /** Row index of the last pick, where a shift-click range starts. */
  anchor: number | undefined;
  /** Every result of this search. */
  allOfSearch: { query: UserQuery; total: number } | undefined;
}

export interface SelectionActions {
  /** Picks or unpicks one user (row `index` becomes the anchor). */
  togglePicked(address: string, index: number): void;
  /** Adds the rows of a shift-click range (the caller reads them from the list). */
  pickRange(addresses: readonly string[], index: number): void;
  pickAllOfSearch(): void;
  clearPicks(): void;
}

export const selectionInitialState: SelectionState = {
  selected: [],
  anchor: undefined,
  allOfSearch: undefined,
};

export const createSelectionSlice: StateCreator<DirectoryStore, [], [], SelectionState & SelectionActions> = (
  set,
) => ({
  ...selectionInitialState,
  togglePicked: (address, index) =>
    set((s) => ({
      selected: s.selected.includes(address)
        ? s.selected.filter((a) => a !== address)
        : [...s.selected, address],
      anchor: index,
      allOfSearch: undefined,
    })),
  pickRange: (addresses, index) =>
    set((s) => ({
      selected: [...s.selected, ...addresses.filter((a) => !s.selected.includes(a))],
      anchor: index,
      allOfSearch: undefined,
    })),
  pickAllOfSearch: () =>
    set((s) => (s.total ? { allOfSearch: { query: s.query, total: s.total }, selected: [] } : s)),
  clearPicks: () => set(selectionInitialState),
});

/** The selection as a move takes it, or undefined when nothing is picked. */
export function userSelectionOf(state: SelectionState): UserSelection | undefined {
  if (state.allOfSearch) return { kind: 'query', ...state.allOfSearch };
  if (state.selected.length > 0) return { kind: 'users', addresses: state.selected };
  return undefined;
}

/** How many users a selection names. */
export function selectionCount(selection: UserSelection): number {
  return selection.kind === 'users' ? selection.addresses.length : selection.total;
}
