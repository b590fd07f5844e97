/**
 * The user search: what is asked (text, domain, logical store), how many match, and the rows fetched
 * so far in blocks of `searchBlockSize` for the virtualised list (a list of 40,000 asks only for the
 * blocks it scrolls to). `serial` rises with every new question, so a late answer to an old one is
 * dropped.
 */
import type { StateCreator } from 'zustand';
import type { UserSortKey, UserSummary } from '../../../../main/console/console-contract';
import type { DirectoryViewError } from '../shown-error';
import type { DirectoryStore } from './directory-store';

/** Rows per fetched block. */
export const searchBlockSize = 100;

/** What the admin searches for. */
export interface UserQuery {
  text: string;
  domain: string | undefined;
  logicalStore: string | undefined;
  /** The list's order (the address when absent). */
  sort?: UserSortKey | undefined;
}

export interface SearchState {
  query: UserQuery;
  serial: number;
  /** Matches in all; undefined before the first answer. */
  total: number | undefined;
  /** Users in the index. */
  indexed: number | undefined;
  blocks: Record<number, UserSummary[]>;
  searchError: DirectoryViewError | undefined;
}

export interface SearchActions {
  /** A new question: forgets the rows of the old one; returns its serial. */
  ask(query: Partial<UserQuery>): number;
  receiveBlock(serial: number, block: number, total: number, indexed: number, users: UserSummary[]): void;
  failSearch(serial: number, error: DirectoryViewError): void;
}

export const searchInitialState: SearchState = {
  query: { text: '', domain: undefined, logicalStore: undefined },
  serial: 0,
  total: undefined,
  indexed: undefined,
  blocks: {},
  searchError: undefined,
};

export const createSearchSlice: StateCreator<DirectoryStore, [], [], SearchState & SearchActions> = (
  set,
  get,
) => ({
  ...searchInitialState,
  ask: (query) => {
    const serial = get().serial + 1;
    // "All results" was of the old search; picks of single users stay.
    set((state) => ({
      query: { ...state.query, ...query },
      serial,
      blocks: {},
      searchError: undefined,
      allOfSearch: undefined,
      anchor: undefined,
    }));
    return serial;
  },
  receiveBlock: (serial, block, total, indexed, users) =>
    set((state) =>
      state.serial === serial ? { total, indexed, blocks: { ...state.blocks, [block]: users } } : state,
    ),
  failSearch: (serial, error) => set((state) => (state.serial === serial ? { searchError: error } : state)),
});

/** The row at `index`, if its block has arrived. */
export function rowAt(blocks: SearchState['blocks'], index: number): UserSummary | undefined {
  return blocks[Math.floor(index / searchBlockSize)]?.[index % searchBlockSize];
}
