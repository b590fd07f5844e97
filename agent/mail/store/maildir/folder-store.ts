/**
 * One folder's live state, shared by every session of the user in this process: the messages as a
 * compact table (message-table.ts), the keyword letters, and the UID index on disk. Index changes
 * go through one lane per folder; new messages get their UIDs by group commit
 * (uidlist-group-commit.ts).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { MessageSummary } from '../mail-storage.js';
import {
  type DiskChanges,
  directoryTimes,
  noDiskChanges,
  scanFolderFiles,
  timesTooFresh,
} from './folder-disk-sync.js';
import { loadFolderIndex } from './folder-index-loader.js';
import { FolderModseqs, messageLines } from './folder-modseqs.js';
import { flagsOfLetters, type KeywordTable } from './keyword-table.js';
import { readKeywordTable, writeKeywordTable } from './keywords-file.js';
import { lettersOfSet, type MessageTable } from './message-table.js';
import { SerialLane } from './serial-lane.js';
import type { MaildirStats } from './storage-stats.js';
import { rewriteUidlist } from './uidlist-file.js';
import type { UidlistHeader } from './uidlist-format.js';
import { recordsOf, UidlistGroupCommit, type UncommittedFile } from './uidlist-group-commit.js';

/** A session's view of the folder: told before a message it may show changes flags or goes away. */
export interface FolderWatcher {
  /** Row `row` still holds the message as it was: keep what the session must go on seeing. */
  beforeRowChange(row: number): void;
}

/**
 * What a folder dropped from memory leaves for its next load, so nothing a client saw goes back:
 * UIDNEXT, HIGHESTMODSEQ, and the \Recent messages in cur/ no session took (those in new/ are
 * \Recent again anyway).
 */
export interface FolderMemo {
  uidValidity: number;
  uidNext: number;
  highestModseq: number;
  recentInCur: number[];
}

/** What a folder needs from its mailbox and storage. */
export interface FolderStoreHooks {
  /** A UIDVALIDITY never used in the mailbox (for a folder without a usable index). */
  allocateUidValidity: () => Promise<number>;
  /** Hears what recovery repaired. */
  onRepair: (repairs: string[]) => void;
  stats: MaildirStats;
  /** The previous process did not close the storage: mod-sequences restart above the ceiling. */
  afterCrash: boolean;
  /** Left by this folder when it was last dropped from memory. */
  memo?: FolderMemo | undefined;
}

/** Dead uidlist lines (expunged messages) tolerated before the file is compacted. */
const compactAfterDeadRecords = 256;

/** The live state of one folder. */
export class FolderStore {
  readonly lane = new SerialLane();
  /** Bumped on every change; views compare it to skip work. */
  version = 0;
  /** Set when the folder is deleted: views see everything expunged, writes fail. */
  deleted = false;
  /** Open views, told before messages change under them. */
  readonly watchers = new Set<FolderWatcher>();
  private readonly commits: UidlistGroupCommit;
  private deadRecords = 0;
  /** Flag lists by letter set, shared by every summary (dropped when a keyword is added). */
  private readonly flagLists = new Map<number, readonly string[]>();
  /** new/ and cur/ modification times after our last change or scan (folder-disk-sync.ts). */
  private diskTimes: string | undefined;
  private justLoaded = true;
  /** The noted times were too close to a change to rule out another one in the same tick. */
  private diskTimesFresh = false;

  private constructor(
    public name: string,
    public path: string,
    readonly uidValidity: number,
    private readonly guid: string,
    public uidNext: number,
    readonly table: MessageTable,
    public keywords: KeywordTable,
    private readonly stats: MaildirStats,
    readonly modseqs: FolderModseqs,
  ) {
    this.commits = new UidlistGroupCommit(this, stats, () => {
      this.version++;
    });
  }

  /** Loads a folder directory (which must exist), recovering and rewriting its index if needed. */
  static async open(name: string, path: string, hooks: FolderStoreHooks): Promise<FolderStore> {
    await Promise.all(
      ['cur', 'new', 'tmp'].map((d) => mkdir(join(path, d), { recursive: true, mode: 0o700 })),
    );
    const { header, table, repairs, created, deadRecords } = await loadFolderIndex(
      path,
      hooks.allocateUidValidity,
    );
    hooks.stats.foldersLoaded++;
    const memo = hooks.memo?.uidValidity === header.uidValidity ? hooks.memo : undefined;
    const uidNext = Math.max(header.uidNext, memo?.uidNext ?? 0);
    const keywords = await readKeywordTable(path);
    // The uidlist (re)write, after a repair or for a new folder, and the mod-sequence file's load
    // run side by side: a new folder's UIDVALIDITY is on disk before any client sees it.
    const rewrite = repairs.length > 0 || created;
    const repairing = rewrite
      ? rewriteUidlist(path, { ...header, uidNext }, recordsOf(table))
      : Promise.resolve();
    repairing.catch(() => undefined);
    const modseqs = await FolderModseqs.load(
      path,
      header.uidValidity,
      table,
      hooks.afterCrash,
      memo?.highestModseq,
    );
    await repairing;
    const store = new FolderStore(
      name,
      path,
      header.uidValidity,
      header.guid,
      uidNext,
      table,
      keywords,
      hooks.stats,
      modseqs,
    );
    for (const uid of memo?.recentInCur ?? []) {
      const row = table.rowOf(uid);
      if (row >= 0) table.setRecent(row, true);
    }
    // After a repair the file was rewritten with live records only.
    store.deadRecords = rewrite ? 0 : deadRecords;
    store.diskTimes = await directoryTimes(path);
    if (repairs.length > 0) {
      hooks.stats.foldersRepaired++;
      hooks.onRepair(repairs);
    }
    return store;
  }

  /** What the next load of this folder must not go back on (see FolderMemo). */
  memo(): FolderMemo {
    const recentInCur: number[] = [];
    for (let row = 0; row < this.table.length; row++)
      if (this.table.isRecent(row) && this.table.subdir(row) === 'cur') recentInCur.push(this.table.uid(row));
    return {
      uidValidity: this.uidValidity,
      uidNext: this.uidNext,
      highestModseq: this.modseqs.highest,
      recentInCur,
    };
  }

  /** Bytes the folder holds in memory, roughly (what the storage's folder budget counts). */
  get byteSize(): number {
    return this.table.byteSize + this.modseqs.byteSize + 4096;
  }

  /** Number of messages. */
  get count(): number {
    return this.table.length;
  }

  /** The row of a UID, or -1. */
  rowOf(uid: number): number {
    return this.table.rowOf(uid);
  }

  /** Absolute path of a message's current file. */
  filePath(row: number): string {
    // Plain concatenation: the folder path is already normal and a file name holds no `/` (a
    // listing skips such names), and path.join's normalising costs more than a header read's
    // syscalls for a SEARCH over 100,000 messages.
    return `${this.path}/${this.table.subdir(row)}/${this.table.fileName(row)}`;
  }

  /** The IMAP flags of a letter set (message-table.ts), one shared read-only list per set. */
  flagsOf(letterSet: number): readonly string[] {
    let flags = this.flagLists.get(letterSet);
    if (!flags) {
      flags = Object.freeze(flagsOfLetters(lettersOfSet(letterSet), this.keywords));
      this.flagLists.set(letterSet, flags);
    }
    return flags;
  }

  /** The summary of a row (a new object, not kept). */
  summaryAt(row: number): MessageSummary {
    const table = this.table;
    return {
      uid: table.uid(row),
      flags: this.flagsOf(table.letterSet(row)),
      internalDate: new Date(table.internalTime(row)),
      size: table.size(row),
      modseq: table.modseq(row),
    };
  }

  /** The folder directory was renamed. */
  relocate(name: string, path: string): void {
    this.name = name;
    this.path = path;
    this.modseqs.moveTo(path);
  }

  /** \Recent messages no session has taken yet. */
  get unclaimedRecent(): number {
    return this.table.recentCount;
  }

  /** UIDs (ascending) of the given messages, or all, that are \Recent and not yet taken. */
  peekRecent(uids?: readonly number[]): number[] {
    const table = this.table;
    const found: number[] = [];
    if (table.recentCount === 0) return found;
    if (uids) {
      for (const uid of uids) {
        const row = table.rowOf(uid);
        if (row >= 0 && table.isRecent(row)) found.push(uid);
      }
      return found.sort((a, b) => a - b);
    }
    for (let row = 0; row < table.length; row++) if (table.isRecent(row)) found.push(table.uid(row));
    return found;
  }

  /** Takes \Recent messages for one session: they are \Recent to no other. */
  claimRecent(uids?: readonly number[]): number[] {
    const taken = this.peekRecent(uids);
    for (const uid of taken) this.table.setRecent(this.table.rowOf(uid), false);
    return taken;
  }

  /** Our own file of `base` is in new/ or cur/ and will be committed: a disk scan leaves it alone. */
  expectIncoming(base: string): void {
    this.commits.incoming.add(base);
  }

  /** True for our own file waiting for its commit. */
  isIncoming(base: string): boolean {
    return this.commits.incoming.has(base);
  }

  /** Our own file of `base` will not be committed after all (its write failed). */
  dropIncoming(base: string): void {
    this.commits.incoming.delete(base);
  }

  /**
   * Runs a change of ours to the folder's files. When new/ and cur/ were as last seen before it,
   * their times after it are noted, so our own change does not look like another program's.
   * (Another program's change during ours waits for the next forced scan: SELECT does one.)
   */
  async ownChange<T>(work: () => Promise<T>): Promise<T> {
    const before = await directoryTimes(this.path).catch(() => undefined);
    const result = await work();
    if (before !== undefined && before === this.diskTimes) {
      this.diskTimes = await directoryTimes(this.path).catch(() => undefined);
      this.diskTimesFresh = timesTooFresh(this.diskTimes);
    }
    return result;
  }

  /**
   * Picks up changes another program made to the folder's files (folder-disk-sync.ts). `when`:
   * 'open' (SELECT, a POP3 login) always lists the files; 'client' (NOOP, STATUS, IDLE) lists them
   * when new/ or cur/ changed since our last look or our last look was too close to a change of
   * ours to tell; 'delivery' only when they changed (a delivery must stay cheap in a folder of
   * 100,000 messages). Resolves with what changed, if anything.
   */
  async syncWithDisk(when: 'open' | 'client' | 'delivery'): Promise<DiskChanges | undefined> {
    if (this.deleted) return undefined;
    // Loading listed the files a moment ago: the first listing would find the same.
    const justLoaded = this.justLoaded;
    this.justLoaded = false;
    const now = await directoryTimes(this.path).catch(() => undefined);
    if (now === undefined) return undefined;
    const unsure = this.diskTimesFresh && when !== 'delivery';
    if (now === this.diskTimes && (justLoaded || (when !== 'open' && !unsure))) return undefined;
    const { changes, newFiles } = await this.lane.run(async () => {
      if (this.deleted) return { changes: noDiskChanges, newFiles: [] };
      // Taken before the listing: whatever changes during the scan shows up next time.
      const times = await directoryTimes(this.path);
      const found = await scanFolderFiles(this);
      this.diskTimes = times;
      this.diskTimesFresh = timesTooFresh(times);
      return found;
    });
    // A failed commit leaves the files unnumbered: the next scan tries again.
    if (
      newFiles.length > 0 &&
      !(await this.commit(newFiles).then(
        () => true,
        () => false,
      ))
    )
      return undefined;
    return changes.added + changes.flagsChanged + changes.removed > 0 ? changes : undefined;
  }

  /** Makes sure keywords have letters (writing dovecot-keywords first); keywords beyond 26 get none. */
  async ensureKeywords(keywords: readonly string[]): Promise<void> {
    if (keywords.every((k) => this.keywords.letterOf(k) !== undefined)) return;
    await this.lane.run(async () => {
      let added = false;
      for (const keyword of keywords) added = this.keywords.assign(keyword).added || added;
      if (added) {
        await writeKeywordTable(this.path, this.keywords);
        this.flagLists.clear();
      }
    });
  }

  /**
   * Gives UIDs to files already in new/ or cur/ and makes them durable: fsync of the directories,
   * then the uidlist records appended and fdatasynced. Resolves with the UIDs, in order.
   */
  commit(files: UncommittedFile[]): Promise<number[]> {
    return this.commits.commit(files);
  }

  /** True while commits are queued or running (the folder must stay in memory for them). */
  get committing(): boolean {
    return this.commits.busy;
  }

  /** Notes a message's new file name after a rename that kept its flags (new/ to cur/). */
  moveFile(row: number, subdir: 'new' | 'cur', fileName: string): void {
    this.table.setFile(row, subdir, fileName);
  }

  /** A message's file was renamed to other flag letters at `modseq`: noted, and logged. */
  changeFile(row: number, subdir: 'new' | 'cur', fileName: string, modseq: number): void {
    for (const watcher of this.watchers) watcher.beforeRowChange(row);
    const table = this.table;
    table.setFile(row, subdir, fileName);
    table.setModseq(row, modseq);
    this.modseqs.recordMessage(table.uid(row), modseq, table.letters(row));
  }

  /** Forgets messages whose files were removed or moved away at `modseq` (caller runs this in the lane). */
  forget(uids: readonly number[], modseq: number): void {
    const rows: number[] = [];
    for (const uid of uids) {
      const row = this.table.rowOf(uid);
      if (row >= 0) rows.push(row);
    }
    if (rows.length === 0) return;
    rows.sort((a, b) => a - b);
    for (const row of rows) {
      for (const watcher of this.watchers) watcher.beforeRowChange(row);
      this.modseqs.recordExpunge(this.table.uid(row), modseq);
    }
    this.table.remove(rows);
    this.deadRecords += rows.length;
    this.version++;
  }

  /** Writes the mod-sequence lines noted, and compacts the file when it has grown (in the lane). */
  async saveModseqs(): Promise<void> {
    if (this.modseqs.wantsCompaction(this.table.length)) {
      await this.modseqs.rewrite(messageLines(this.table), this.table.length);
    } else {
      await this.modseqs.flush();
    }
  }

  /** True when enough uidlist lines are dead that a rewrite is worth it. */
  get wantsCompaction(): boolean {
    return this.deadRecords > compactAfterDeadRecords && this.deadRecords > this.table.length;
  }

  /** Rewrites dovecot-uidlist from memory (caller runs this in the lane, or before first use). */
  async rewriteIndex(): Promise<void> {
    await rewriteUidlist(this.path, this.uidlistHeader(this.uidNext), recordsOf(this.table));
    this.deadRecords = 0;
    this.commits.rewriteNeeded = false;
  }

  /** Marks the folder deleted (views see every message expunged) and wakes pending commits. */
  markDeleted(): void {
    this.deleted = true;
    this.table.clear();
    this.version++;
  }

  /** The uidlist header with `uidNext`. */
  uidlistHeader(uidNext: number): UidlistHeader {
    return { uidValidity: this.uidValidity, uidNext, guid: this.guid };
  }
}
