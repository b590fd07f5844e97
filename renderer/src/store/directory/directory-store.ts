/** The directory store: search, the open user page, domains with their aliases and groups. */
import { create } from 'zustand';
import { createListsSlice, type ListsActions, type ListsState } from './lists-slice';
import { createSearchSlice, type SearchActions, type SearchState } from './search-slice';
import { createUserSlice, type UserActions, type UserState } from './user-slice';

export type DirectoryStore = SearchState &
  SearchActions &
  UserState &
  UserActions &
  ListsState &
  ListsActions;

/** Creates a directory store (one per window; tests make their own). */
export function createDirectoryStore() {
  return create<DirectoryStore>()((...a) => ({
    ...createSearchSlice(...a),
    ...createUserSlice(...a),
    ...createListsSlice(...a),
  }));
}

/** The window's directory store. */
export const useDirectoryStore = createDirectoryStore();
