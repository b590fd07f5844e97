/** The user page that is open: the directory's entry, its mailbox use, and what last happened to it. */
import type { StateCreator } from 'zustand';
import type { MailboxUsage, UserPage } from '../../../../main/console/console-contract';
import type { DirectoryViewError } from '../shown-error';
import type { DirectoryStore } from './directory-store';

/** What the view says after a write went through. */
export type DirectoryNotice = 'saved' | 'added' | 'deleted';

export interface UserState {
  /** The address whose page is open; undefined: none (or the add form, see `adding`). */
  openAddress: string | undefined;
  adding: boolean;
  page: UserPage | undefined;
  pageError: DirectoryViewError | undefined;
  usage: MailboxUsage | undefined;
  usageError: DirectoryViewError | undefined;
  notice: { kind: DirectoryNotice; address: string } | undefined;
}

export interface UserActions {
  openUser(address: string): void;
  openAddForm(): void;
  closeUser(): void;
  receivePage(page: UserPage): void;
  failPage(address: string, error: DirectoryViewError): void;
  receiveUsage(usage: MailboxUsage): void;
  failUsage(address: string, error: DirectoryViewError): void;
  tell(kind: DirectoryNotice, address: string): void;
}

export const userInitialState: UserState = {
  openAddress: undefined,
  adding: false,
  page: undefined,
  pageError: undefined,
  usage: undefined,
  usageError: undefined,
  notice: undefined,
};

export const createUserSlice: StateCreator<DirectoryStore, [], [], UserState & UserActions> = (set) => ({
  ...userInitialState,
  openUser: (address) => set({ ...userInitialState, openAddress: address }),
  openAddForm: () => set({ ...userInitialState, adding: true }),
  closeUser: () => set({ openAddress: undefined, adding: false, page: undefined, usage: undefined }),
  // An answer for a page that is no longer open is dropped.
  receivePage: (page) =>
    set((state) => (state.openAddress === page.mail ? { page, pageError: undefined } : state)),
  failPage: (address, error) =>
    set((state) => (state.openAddress === address ? { pageError: error } : state)),
  receiveUsage: (usage) =>
    set((state) => (state.openAddress === usage.address ? { usage, usageError: undefined } : state)),
  failUsage: (address, error) =>
    set((state) => (state.openAddress === address ? { usageError: error } : state)),
  tell: (kind, address) => set({ notice: { kind, address } }),
});
