/**
 * The loaded folders of every mailbox of a storage, within a byte budget: when the folders in
 * memory weigh more than the budget, those no session has open and no work is using are dropped,
 * least recently used first (the next use loads them again from the Maildir, which is the truth).
 * So memory follows the folders sessions have selected, not every folder anyone looked at since
 * the start: a store serves about 1,150 users, several of whom may open folders of 100,000.
 */
import type { FolderStore } from './folder-store.js';

/** What the cache needs of a folder's mailbox. */
export interface FolderOwner {
  /** True while work runs in the mailbox (a folder it loaded may be in use without a view). */
  readonly busyNow: boolean;
  /** Drops the folder from the mailbox's loaded folders (it is not in use). */
  dropFolder(store: FolderStore): void;
}

/** Default budget: about seven idle folders of 100,000 messages, or 700,000 messages in small ones. */
export const defaultFolderCacheBytes = 64 * 1024 * 1024;

/** Loaded folders by last use, with their weight. */
export class FolderCache {
  /** Least recently used first. */
  private readonly folders = new Map<FolderStore, { owner: FolderOwner; bytes: number }>();
  private total = 0;
  /** Folders dropped since the start (for tests and the store's figures). */
  dropped = 0;

  constructor(readonly budgetBytes: number = defaultFolderCacheBytes) {}

  /** Bytes the loaded folders weigh now (as of their last use). */
  get bytes(): number {
    return this.total;
  }

  /** Folders loaded now. */
  get size(): number {
    return this.folders.size;
  }

  /** A folder was loaded or used: it becomes the most recently used; idle ones over the budget go. */
  use(store: FolderStore, owner: FolderOwner): void {
    const entry = this.folders.get(store);
    const bytes = store.byteSize;
    if (entry) {
      this.total -= entry.bytes;
      this.folders.delete(store);
    }
    this.folders.set(store, { owner, bytes });
    this.total += bytes;
    this.trim();
  }

  /** A folder left memory another way (deleted, its mailbox dropped). */
  forget(store: FolderStore): void {
    const entry = this.folders.get(store);
    if (!entry) return;
    this.total -= entry.bytes;
    this.folders.delete(store);
  }

  /** Drops idle folders, least recently used first, until the rest fits the budget. */
  trim(): void {
    if (this.total <= this.budgetBytes) return;
    for (const [store, entry] of this.folders) {
      if (this.total <= this.budgetBytes) break;
      // A session's view reads the folder's table; a commit or a rename in flight writes it.
      if (store.watchers.size > 0 || store.committing || entry.owner.busyNow) continue;
      this.folders.delete(store);
      this.total -= entry.bytes;
      this.dropped++;
      entry.owner.dropFolder(store);
    }
  }
}
