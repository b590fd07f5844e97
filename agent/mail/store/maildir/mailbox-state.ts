/**
 * One user's mailbox as shared by every session of that user in this process: loaded folders,
 * quota, subscriptions, change listeners. MaildirStorage keeps these in a bounded map; handles
 * (MaildirUserMailbox) look the state up on every call, so evicting an idle one is always safe.
 */

import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDirectory, pathExists } from '../../../common/durable-fs.js';
import { MailStorageError, specialUseFolders } from '../mail-storage.js';
import type { MailboxChangeFeed } from '../mailbox-change-feed.js';
import type { FolderCache, FolderOwner } from './folder-cache.js';
import { folderDirectoryName, normaliseFolderName } from './folder-names.js';
import { type FolderMemo, FolderStore } from './folder-store.js';
import { allocateUidValidity, readSubscriptions, writeSubscriptions } from './mailbox-files.js';
import type { MessageBaseGenerator } from './message-file-name.js';
import { QuotaTracker } from './quota-tracker.js';
import { SerialLane } from './serial-lane.js';
import type { MaildirStats } from './storage-stats.js';

/** What every mailbox of a storage shares. */
export interface MailboxContext {
  names: MessageBaseGenerator;
  /** True when the previous process did not close the storage (quota figures are recomputed). */
  uncleanShutdown: boolean;
  /** Reports what recovery repaired in a folder's index. */
  onRepair: (user: string, folder: string, repairs: string[]) => void;
  stats: MaildirStats;
  /** Every loaded folder of the storage, within its byte budget. */
  folders: FolderCache;
  /** Where every change goes for replication (read at each change: it is attached after start). */
  changeFeed: () => MailboxChangeFeed | undefined;
}

/** Creates a folder directory atomically: built in the Maildir's tmp/, then renamed into place. */
export async function createFolderDirectory(maildir: string, normalised: string): Promise<boolean> {
  const staging = join(maildir, 'tmp', `folder-${process.pid}-${Math.random().toString(36).slice(2)}`);
  await Promise.all(
    ['cur', 'new', 'tmp'].map((d) => mkdir(join(staging, d), { recursive: true, mode: 0o700 })),
  );
  // Maildir++ marks folders with an empty `maildirfolder` file (Dovecot writes it too).
  await writeFile(join(staging, 'maildirfolder'), '');
  // Its cur/new/tmp entries must be durable before the folder becomes visible by the rename.
  await fsyncDirectory(staging);
  try {
    await rename(staging, join(maildir, folderDirectoryName(normalised)));
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    await rm(staging, { recursive: true, force: true });
    if (code === 'ENOTEMPTY' || code === 'EEXIST') return false;
    throw error;
  }
}

/** The live state of one mailbox. */
export class MailboxState implements FolderOwner {
  /** Structural changes (folders, subscriptions) run one at a time. */
  readonly structure = new SerialLane();
  // Its own lane: folders load (and may need a UIDVALIDITY) inside structural changes.
  private readonly uidValidities = new SerialLane();
  readonly listeners = new Set<(folder: string) => void>();
  openViews = 0;
  inFlight = 0;
  private readonly folders = new Map<string, Promise<FolderStore>>();
  /** The loaded folders among `folders`, by name. */
  private readonly settled = new Map<string, FolderStore>();
  /** What folders dropped from memory left for their next load, by name. */
  private readonly memos = new Map<string, FolderMemo>();

  private constructor(
    readonly user: string,
    readonly maildir: string,
    readonly context: MailboxContext,
    readonly quota: QuotaTracker,
    public subscriptions: Set<string>,
  ) {}

  /**
   * Opens a mailbox, creating the Maildir on first use, and any missing special-use folder each
   * time it is loaded (like Dovecot's `auto = create`); folders it creates are subscribed.
   */
  static async open(
    user: string,
    maildir: string,
    limitBytes: number,
    context: MailboxContext,
  ): Promise<MailboxState> {
    const fresh = !(await pathExists(join(maildir, 'cur')));
    if (fresh) {
      await Promise.all(
        ['cur', 'new', 'tmp'].map((d) => mkdir(join(maildir, d), { recursive: true, mode: 0o700 })),
      );
    }
    const created: string[] = [];
    for (const folder of specialUseFolders) {
      if (await pathExists(join(maildir, folderDirectoryName(folder.name), 'cur'))) continue;
      if (await createFolderDirectory(maildir, folder.name)) created.push(folder.name);
    }
    const subscriptions = await readSubscriptions(maildir);
    if (created.length > 0 || fresh) {
      for (const name of created) subscriptions.add(name);
      await writeSubscriptions(maildir, subscriptions);
      await fsyncDirectory(maildir);
    }
    // A new mailbox may have created <domain>/<local>/Maildir: make every new entry durable.
    if (fresh) for (const up of ['..', '../..', '../../..']) await fsyncDirectory(join(maildir, up));
    const quota = await QuotaTracker.load(maildir, limitBytes, context.uncleanShutdown);
    return new MailboxState(user, maildir, context, quota, subscriptions);
  }

  /** True when nothing uses the state: it may be evicted. */
  get idle(): boolean {
    return this.openViews === 0 && this.inFlight === 0 && this.listeners.size === 0 && !this.quota.dirty;
  }

  /** True while work runs in the mailbox (its folders are not dropped from memory meanwhile). */
  get busyNow(): boolean {
    return this.inFlight > 0;
  }

  /** Runs `work` counted as in flight (so the state is not evicted under it). */
  async busy<T>(work: () => Promise<T>): Promise<T> {
    this.inFlight++;
    try {
      return await work();
    } finally {
      this.inFlight--;
      // Folders this work kept in memory may go now, if the storage is over its folder budget.
      if (this.inFlight === 0) this.context.folders.trim();
    }
  }

  /** The loaded folder; throws 'no-such-folder' when its directory does not exist. */
  folder(name: string): Promise<FolderStore> {
    const normalised = normaliseFolderName(name);
    let loading = this.folders.get(normalised);
    if (loading) {
      const store = this.settled.get(normalised);
      if (store) this.context.folders.use(store, this);
      return loading;
    }
    loading = this.loadFolder(normalised);
    this.folders.set(normalised, loading);
    loading.then(
      (store) => {
        if (this.folders.get(normalised) !== loading) return;
        this.settled.set(normalised, store);
        this.context.folders.use(store, this);
      },
      () => {
        if (this.folders.get(normalised) === loading) this.folders.delete(normalised);
      },
    );
    return loading;
  }

  /** Folders currently loaded or loading (close waits for their work). */
  loadedFolders(): ReadonlyMap<string, Promise<FolderStore>> {
    return this.folders;
  }

  /** A folder was deleted: out of memory, with nothing left for a folder made later under its name. */
  forgetFolder(name: string): void {
    const store = this.settled.get(name);
    if (store) this.context.folders.forget(store);
    this.folders.delete(name);
    this.settled.delete(name);
    this.memos.delete(name);
  }

  /** A folder directory was renamed: its loaded state (if any) follows under the new name. */
  async relocateFolder(from: string, to: string, path: string): Promise<void> {
    const loading = this.folders.get(from);
    this.folders.delete(from);
    this.settled.delete(from);
    const memo = this.memos.get(from);
    this.memos.delete(from);
    if (memo) this.memos.set(to, memo);
    const store = await loading?.catch(() => undefined);
    if (!store) return;
    store.relocate(to, path);
    this.folders.set(to, Promise.resolve(store));
    this.settled.set(to, store);
  }

  /** Drops an unused folder from memory (the storage's folder budget), keeping what its next load needs. */
  dropFolder(store: FolderStore): void {
    if (this.settled.get(store.name) !== store) return;
    this.settled.delete(store.name);
    this.folders.delete(store.name);
    this.memos.set(store.name, store.memo());
  }

  /** The mailbox leaves memory: its folders leave the storage's folder budget. */
  release(): void {
    for (const store of this.settled.values()) this.context.folders.forget(store);
  }

  /** Tells every listener that a folder changed. */
  notify(folder: string, options?: { fed: boolean }): void {
    if (!options?.fed) this.context.changeFeed()?.changed(this.user, folder);
    for (const listener of this.listeners) {
      try {
        listener(folder);
      } catch {
        // A listener's failure is its session's business; the others still hear about the change.
      }
    }
  }

  /**
   * Picks up what another program changed in a folder's files (`when`: see FolderStore.syncWithDisk):
   * quota figures follow, and every session with the folder open hears of it.
   * Resolves true when something changed.
   */
  async syncFolder(store: FolderStore, when: 'open' | 'client' | 'delivery'): Promise<boolean> {
    const changes = await store.syncWithDisk(when);
    if (!changes) return false;
    this.quota.record({
      bytes: changes.addedBytes - changes.removedBytes,
      messages: changes.added - changes.removed,
    });
    this.notify(store.name);
    return true;
  }

  /** Saves the subscriptions set. */
  async saveSubscriptions(): Promise<void> {
    await writeSubscriptions(this.maildir, this.subscriptions);
  }

  private async loadFolder(normalised: string): Promise<FolderStore> {
    const path = join(this.maildir, folderDirectoryName(normalised));
    if (!(await pathExists(join(path, 'cur')))) {
      throw new MailStorageError('no-such-folder', `no folder ${normalised}`);
    }
    return FolderStore.open(normalised, path, {
      allocateUidValidity: () => this.uidValidities.run(() => allocateUidValidity(this.maildir)),
      onRepair: (repairs) => this.context.onRepair(this.user, normalised, repairs),
      stats: this.context.stats,
      afterCrash: this.context.uncleanShutdown,
      memo: this.memos.get(normalised),
    });
  }
}
