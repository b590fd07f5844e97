/**
 * MailStorage on Maildir++ under one root: `<root>/<domain>/<local>/Maildir/`, laid out and
 * indexed the way Dovecot does (see docs/store.md). Open mailboxes live in a bounded map; many
 * sessions of one user share one state. A marker file at the root tells the next start whether
 * this one stopped cleanly (if not, quota figures are recomputed).
 */

import { mkdir, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fsyncDirectory, isMissing, readdirOrEmpty, writeFileSynced } from '../../../common/durable-fs.js';
import type { MailboxSummary, MailStorage, UserMailbox } from '../mail-storage.js';
import type { MailboxChangeFeed } from '../mailbox-change-feed.js';
import { FolderCache } from './folder-cache.js';
import { readLastLogin, writeLastLogin } from './mailbox-files.js';
import { maildirOfUser } from './mailbox-path.js';
import { type MailboxContext, MailboxState } from './mailbox-state.js';
import { MaildirUserMailbox } from './maildir-user-mailbox.js';
import { computeUsage, readMaildirSize } from './maildirsize-file.js';
import { MessageBaseGenerator } from './message-file-name.js';
import { type MaildirStats, newMaildirStats } from './storage-stats.js';

/** Options of a MaildirStorage. */
export interface MaildirStorageOptions {
  /** Absolute directory holding `<domain>/<local>/Maildir`. */
  root: string;
  /** Idle mailboxes kept in memory (default 2,000: a store serves about 1,150 users). */
  maxOpenMailboxes?: number;
  /**
   * Bytes of loaded folders kept in memory (default 64 MiB; a folder of 100,000 messages weighs
   * about 9 MiB): beyond it, folders no session has open are dropped, least recently used first.
   */
  folderCacheBytes?: number;
  /** Host name in message file names (default os.hostname()). */
  hostName?: string;
  /** Hears what crash recovery repaired (for the log). */
  onRepair?: (user: string, folder: string, repairs: string[]) => void;
  /** Hears every mailbox change, for replication (docs/replication.md); read at each change. */
  changeFeed?: () => MailboxChangeFeed | undefined;
}

const runningMarker = '.mailfleet-storage-open';

/** All mailboxes of a store node, on Maildir++. */
export class MaildirStorage implements MailStorage {
  /** Commit, load and repair counts since this storage was made. */
  readonly stats: MaildirStats = newMaildirStats();
  private readonly states = new Map<string, Promise<MailboxState>>();
  private context: Promise<MailboxContext> | undefined;

  constructor(private readonly options: MaildirStorageOptions) {
    this.folders = new FolderCache(options.folderCacheBytes);
  }

  /** Loaded folders of every mailbox, within `folderCacheBytes`. */
  readonly folders: FolderCache;

  /** Mailboxes whose state is in memory now (bounded by `maxOpenMailboxes` plus busy ones). */
  get loadedMailboxes(): number {
    return this.resolved.size;
  }

  async mailbox(user: string, quotaBytes: number): Promise<UserMailbox> {
    const { user: normalised } = maildirOfUser(this.options.root, user);
    const state = await this.state(normalised, quotaBytes);
    await state.quota.setLimit(quotaBytes);
    return new MaildirUserMailbox(normalised, {
      load: () => this.state(normalised, quotaBytes),
      loaded: () => this.loadedState(normalised),
    });
  }

  async listMailboxes(): Promise<MailboxSummary[]> {
    const summaries: MailboxSummary[] = [];
    for (const domain of await readdirOrEmpty(this.options.root)) {
      if (domain.startsWith('.')) continue;
      for (const local of await readdirOrEmpty(join(this.options.root, domain))) {
        const user = `${local}@${domain}`;
        let maildir: string;
        try {
          ({ maildir } = maildirOfUser(this.options.root, user));
        } catch {
          continue;
        }
        if (
          !(await stat(join(maildir, 'cur')).then(
            () => true,
            () => false,
          ))
        )
          continue;
        summaries.push(await this.summary(user, maildir));
      }
    }
    return summaries.sort((a, b) => (a.user < b.user ? -1 : 1));
  }

  /**
   * A mailbox's directory was put in place or taken away whole (a mailbox move's install on the
   * target, its old copy moved aside on the source): replication hears of it like any change, so
   * the replica copies it in or drops it (docs/replication.md).
   */
  mailboxReplaced(user: string): void {
    this.options.changeFeed?.()?.changed(maildirOfUser(this.options.root, user).user, 'INBOX');
  }

  /**
   * Lets go of a mailbox, so that its directory can be renamed away or into place (a mailbox
   * move): waits up to `waitMs` for it to be idle (no open views, listeners or work in flight,
   * quota figures written), then forgets its state. False when it stayed in use.
   */
  async detach(user: string, waitMs = 5000): Promise<boolean> {
    const { user: normalised } = maildirOfUser(this.options.root, user);
    const deadline = Date.now() + waitMs;
    for (;;) {
      const loading = this.states.get(normalised);
      if (!loading) return true;
      const state = await loading.catch(() => undefined);
      if (state?.quota.dirty) await state.quota.flush().catch(() => undefined);
      if (!state || state.idle) {
        this.states.delete(normalised);
        this.resolved.delete(normalised);
        return true;
      }
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async recordLogin(user: string, at: number): Promise<void> {
    const { maildir } = maildirOfUser(this.options.root, user);
    await mkdir(maildir, { recursive: true, mode: 0o700 });
    await writeLastLogin(maildir, at);
  }

  /** Waits for work in flight on loaded mailboxes, then marks the storage closed cleanly. */
  async close(): Promise<void> {
    const states = await Promise.allSettled(this.states.values());
    let clean = true;
    for (const result of states) {
      if (result.status !== 'fulfilled') continue;
      const state = result.value;
      await state.structure.run(async () => {});
      // Commits queued on a folder's lane finish before the clean-shutdown marker goes.
      for (const loading of state.loadedFolders().values()) {
        const store = await loading.catch(() => undefined);
        if (store) await store.lane.run(async () => {});
      }
      // Unwritten quota changes leave the marker in place: the next start recomputes.
      await state.quota.flush().catch(() => {
        clean = false;
      });
    }
    this.states.clear();
    this.resolved.clear();
    if (this.context) {
      await this.context.catch(() => undefined);
      if (clean) await rm(join(this.options.root, runningMarker), { force: true });
      this.context = undefined;
    }
  }

  private async summary(user: string, maildir: string): Promise<MailboxSummary> {
    const loaded = this.loadedState(user);
    let sizeBytes: number;
    let messages: number;
    let quotaBytes: number;
    if (loaded) {
      const usage = loaded.quota.snapshot();
      ({ usedBytes: sizeBytes, messages, limitBytes: quotaBytes } = usage);
    } else {
      const file = await readMaildirSize(maildir);
      const usage = file?.usage ?? (await computeUsage(maildir));
      ({ bytes: sizeBytes, messages } = usage);
      quotaBytes = file?.limitBytes ?? 0;
    }
    const summary: MailboxSummary = { user, sizeBytes, messages, quotaBytes };
    const lastLoginAt = await readLastLogin(maildir);
    if (lastLoginAt !== undefined) summary.lastLoginAt = lastLoginAt;
    return summary;
  }

  private loadedState(user: string): MailboxState | undefined {
    return this.resolved.get(user);
  }

  // Settled states by user, for synchronous lookups (the map above holds promises).
  private readonly resolved = new Map<string, MailboxState>();

  private state(user: string, quotaBytes: number): Promise<MailboxState> {
    let loading = this.states.get(user);
    if (loading) {
      // Most recently used last, so eviction takes the oldest.
      this.states.delete(user);
      this.states.set(user, loading);
      const state = this.resolved.get(user);
      if (state) {
        this.resolved.delete(user);
        this.resolved.set(user, state);
      }
      return loading;
    }
    loading = this.openState(user, quotaBytes);
    this.states.set(user, loading);
    loading.then(
      (state) => {
        this.resolved.set(user, state);
        this.evictIdle();
      },
      () => this.states.delete(user),
    );
    return loading;
  }

  private async openState(user: string, quotaBytes: number): Promise<MailboxState> {
    const context = await this.sharedContext();
    const { maildir } = maildirOfUser(this.options.root, user);
    return MailboxState.open(user, maildir, quotaBytes, context);
  }

  private evictIdle(): void {
    const limit = this.options.maxOpenMailboxes ?? 2000;
    if (this.resolved.size <= limit) return;
    for (const [user, state] of this.resolved) {
      if (this.resolved.size <= limit) break;
      // Only waiting to write its quota figures: write them now, so a later pass can evict it.
      if (state.quota.dirty && state.openViews === 0 && state.inFlight === 0 && state.listeners.size === 0) {
        void state.quota.flush().catch(() => undefined);
      }
      if (!state.idle) continue;
      this.resolved.delete(user);
      this.states.delete(user);
      state.release();
    }
  }

  private sharedContext(): Promise<MailboxContext> {
    this.context ??= this.startContext();
    return this.context;
  }

  private async startContext(): Promise<MailboxContext> {
    const root = this.options.root;
    await mkdir(root, { recursive: true, mode: 0o700 });
    const marker = join(root, runningMarker);
    const uncleanShutdown = await stat(marker).then(
      () => true,
      (error: unknown) => {
        if (isMissing(error)) return false;
        throw error;
      },
    );
    await rm(marker, { force: true });
    await writeFileSynced(marker, `${process.pid}\n`);
    await fsyncDirectory(root);
    return {
      names: new MessageBaseGenerator(this.options.hostName ?? hostname(), process.pid),
      uncleanShutdown,
      onRepair: this.options.onRepair ?? (() => {}),
      stats: this.stats,
      folders: this.folders,
      changeFeed: this.options.changeFeed ?? (() => undefined),
    };
  }
}
