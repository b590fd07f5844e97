/** The domains and logical stores (for the filters), and the aliases and groups of one domain. */
import type { StateCreator } from 'zustand';
import type { DirectoryOverview, MailAlias, MailGroup } from '../../../../main/console/console-contract';
import type { DirectoryViewError } from '../shown-error';
import type { DirectoryStore } from './directory-store';

export interface ListsState {
  overview: DirectoryOverview | undefined;
  overviewError: DirectoryViewError | undefined;
  /** The domain whose aliases and groups are shown. */
  listDomain: string | undefined;
  aliases: MailAlias[] | undefined;
  groups: MailGroup[] | undefined;
  listsError: DirectoryViewError | undefined;
}

export interface ListsActions {
  receiveOverview(overview: DirectoryOverview): void;
  failOverview(error: DirectoryViewError): void;
  showLists(domain: string): void;
  receiveLists(domain: string, aliases: MailAlias[], groups: MailGroup[]): void;
  failLists(domain: string, error: DirectoryViewError): void;
}

export const listsInitialState: ListsState = {
  overview: undefined,
  overviewError: undefined,
  listDomain: undefined,
  aliases: undefined,
  groups: undefined,
  listsError: undefined,
};

export const createListsSlice: StateCreator<DirectoryStore, [], [], ListsState & ListsActions> = (set) => ({
  ...listsInitialState,
  receiveOverview: (overview) => set({ overview, overviewError: undefined }),
  failOverview: (error) => set({ overviewError: error }),
  showLists: (domain) =>
    set((state) =>
      state.listDomain === domain
        ? state
        : { listDomain: domain, aliases: undefined, groups: undefined, listsError: undefined },
    ),
  receiveLists: (domain, aliases, groups) =>
    set((state) => (state.listDomain === domain ? { aliases, groups, listsError: undefined } : state)),
  failLists: (domain, error) => set((state) => (state.listDomain === domain ? { listsError: error } : state)),
});
