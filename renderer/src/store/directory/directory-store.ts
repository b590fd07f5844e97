/** The directory store: search, the users picked for a move, the open user page, domains with their aliases and groups. */
import { create } from 'zustand';
import { createListsSlice, type ListsActions, type ListsState } from './lists-slice';
import { createSearchSlice, type SearchActions, type SearchState } from './search-slice';
import { createSelectionSlice, type SelectionActions, type SelectionState } from './selection-slice';
import { createUserSlice, type UserActions, type UserState } from './user-slice';

export type DirectoryStore = SearchState &
  SearchActions &
  UserState &
  UserActions &
  ListsState &
  ListsActions &
  SelectionState &
  SelectionActions;

/** Creates a directory store (one per window; tests make their own). */
export function createDirectoryStore() {
  return create<DirectoryStore>()((...a) => ({
    ...createSearchSlice(...a),
    ...createUserSlice(...a),
    ...createListsSlice(...a),
    ...createSelectionSlice(...a),
  }));
}

/** The window's directory store. */
export const useDirectoryStore = createDirectoryStore();
