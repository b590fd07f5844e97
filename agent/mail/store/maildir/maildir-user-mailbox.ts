/**
 * The UserMailbox handle given to sessions. It holds no state of its own: every call looks up the
 * shared MailboxState through the storage (loading it again if it was evicted while idle).
 */
import type { FolderInfo, FolderStatus, FolderView, QuotaUsage, UserMailbox } from '../mail-storage.js';
import { createFolder, deleteFolder, listFolders, renameFolder, setSubscribed } from './folder-tree.js';
import { type AppendOptions, appendMessage, appendMessages } from './mailbox-append.js';
import type { MailboxState } from './mailbox-state.js';
import { MaildirFolderView } from './maildir-folder-view.js';

/** How a handle reaches its mailbox's live state: `load` always works, `loaded` only if it is in memory. */
export interface MailboxStateSource {
  load(): Promise<MailboxState>;
  loaded(): MailboxState | undefined;
}

/** UserMailbox over Maildir++. */
export class MaildirUserMailbox implements UserMailbox {
  constructor(
    readonly user: string,
    private readonly state: MailboxStateSource,
  ) {}

  private async with<T>(work: (state: MailboxState) => Promise<T>): Promise<T> {
    const state = await this.state.load();
    return state.busy(() => work(state));
  }

  listFolders(): Promise<FolderInfo[]> {
    return this.with(listFolders);
  }

  createFolder(name: string, options?: { specialUse?: string }): Promise<void> {
    return this.with((state) => createFolder(state, name, options?.specialUse));
  }

  deleteFolder(name: string): Promise<void> {
    return this.with((state) => deleteFolder(state, name));
  }

  renameFolder(from: string, to: string): Promise<void> {
    return this.with((state) => renameFolder(state, from, to));
  }

  setSubscribed(name: string, subscribed: boolean): Promise<void> {
    return this.with((state) => setSubscribed(state, name, subscribed));
  }

  listSubscriptions(): Promise<string[]> {
    return this.with(async (state) => [...state.subscriptions].sort());
  }

  openFolder(name: string): Promise<FolderView> {
    return this.with(async (state) => {
      const store = await state.folder(name);
      // Opening (SELECT, a POP3 login) lists the files whatever their directories' times say.
      await state.syncFolder(store, 'open');
      return new MaildirFolderView(store, state);
    });
  }

  folderStatus(name: string): Promise<FolderStatus> {
    return this.with(async (state) => {
      const store = await state.folder(name);
      await state.syncFolder(store, 'client');
      let unseen = 0;
      for (let row = 0; row < store.count; row++) if (!store.table.hasLetter(row, 'S')) unseen++;
      return {
        messages: store.count,
        unseen,
        uidNext: store.uidNext,
        uidValidity: store.uidValidity,
        recent: store.unclaimedRecent,
        highestModseq: store.modseqs.highest,
      };
    });
  }

  append(
    folder: string,
    message: Buffer,
    options?: AppendOptions,
  ): Promise<{ uid: number; uidValidity: number }> {
    return this.with((state) => appendMessage(state, folder, message, options));
  }

  appendMany(
    folder: string,
    messages: ReadonlyArray<{ message: Buffer; options?: AppendOptions }>,
  ): Promise<{ uids: number[]; uidValidity: number }> {
    return this.with((state) => appendMessages(state, folder, messages));
  }

  quota(): Promise<QuotaUsage> {
    return this.with(async (state) => state.quota.snapshot());
  }

  onChange(listener: (folder: string) => void): () => void {
    // Registered on the live state, which is then not evicted while the listener is there.
    // Synchronously when it is in memory (it is right after mailbox()), so no change is missed.
    const wrapped = (folder: string): void => listener(folder);
    const now = this.state.loaded();
    if (now) {
      now.listeners.add(wrapped);
      return () => now.listeners.delete(wrapped);
    }
    let removed = false;
    let remove = (): void => {
      removed = true;
    };
    void this.state.load().then((state) => {
      if (removed) return;
      state.listeners.add(wrapped);
      remove = () => state.listeners.delete(wrapped);
    });
    return () => remove();
  }
}
