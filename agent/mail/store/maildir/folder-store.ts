/**
 * One folder's live state, shared by every session of the user in this process: the messages by
 * UID, the keyword letters, and the UID index on disk. Index changes go through one lane per
 * folder; deliveries that arrive while a commit is running are committed together in the next one
 * (group commit: one directory fsync and one uidlist append + fdatasync for the whole batch).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDirectory } from '../../../common/durable-fs.js';
import { MailStorageError, type MessageSummary } from '../mail-storage.js';
import {
  type DiskChanges,
  directoryTimes,
  noDiskChanges,
  scanFolderFiles,
  timesTooFresh,
} from './folder-disk-sync.js';
import { loadFolderIndex } from './folder-index-loader.js';
import { FolderModseqs } from './folder-modseqs.js';
import { flagsOfLetters, type KeywordTable } from './keyword-table.js';
import { readKeywordTable, writeKeywordTable } from './keywords-file.js';
import { messageLine } from './modseq-log.js';
import { SerialLane } from './serial-lane.js';
import type { MaildirStats } from './storage-stats.js';
import { appendUidlistRecords, rewriteUidlist } from './uidlist-file.js';
import type { UidlistRecord } from './uidlist-format.js';

/** A message of the folder. `summary` is replaced (never changed) when flags change. */
export interface StoredMessage {
  readonly uid: number;
  readonly base: string;
  subdir: 'new' | 'cur';
  /** Current file name in `subdir`. */
  fileName: string;
  letters: string;
  readonly extensions: string;
  /** RFC 7162 mod-sequence of the last change (also in `summary`). */
  modseq: number;
  summary: MessageSummary;
}

/** A message file already in new/ or cur/ (data and entry written) that needs a UID. */
export interface UncommittedFile {
  base: string;
  subdir: 'new' | 'cur';
  fileName: string;
  letters: string;
  size: number;
  internalDate: Date;
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
}

interface PendingCommit {
  files: UncommittedFile[];
  resolve: (uids: number[]) => void;
  reject: (error: Error) => void;
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
  private pending: PendingCommit[] = [];
  private commitScheduled = false;
  private deadRecords = 0;
  private rewriteNeeded = false;
  private cachedSummaries: { version: number; list: readonly MessageSummary[] } | undefined;
  /** \Recent messages no session has taken yet (RFC 3501: \Recent belongs to one session). */
  private readonly unclaimed = new Set<number>();
  /** Bases of our own files already in new/ or cur/ and waiting for their commit. */
  private readonly incoming = new Set<string>();
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
    private readonly byUid: Map<number, StoredMessage>,
    public keywords: KeywordTable,
    private readonly stats: MaildirStats,
    readonly modseqs: FolderModseqs,
  ) {}

  /** Loads a folder directory (which must exist), recovering and rewriting its index if needed. */
  static async open(name: string, path: string, hooks: FolderStoreHooks): Promise<FolderStore> {
    await Promise.all(
      ['cur', 'new', 'tmp'].map((d) => mkdir(join(path, d), { recursive: true, mode: 0o700 })),
    );
    const index = await loadFolderIndex(path, hooks.allocateUidValidity);
    hooks.stats.foldersLoaded++;
    const keywords = await readKeywordTable(path);
    // The uidlist rewrite (after a repair) and the mod-sequence file's run side by side.
    const repairing =
      index.repairs.length > 0
        ? rewriteUidlist(
            path,
            index.header,
            index.messages.map((m) => ({ uid: m.uid, base: m.base, extensions: m.extensions })),
          )
        : Promise.resolve();
    repairing.catch(() => undefined);
    const { modseqs, perMessage } = await FolderModseqs.load(
      path,
      index.header.uidValidity,
      index.messages,
      hooks.afterCrash,
    );
    await repairing;
    const byUid = new Map<number, StoredMessage>();
    for (const [i, m] of index.messages.entries()) {
      const modseq = perMessage[i]!;
      const stored: StoredMessage = {
        uid: m.uid,
        base: m.base,
        subdir: m.subdir,
        fileName: m.fileName,
        letters: m.letters,
        extensions: m.extensions,
        modseq,
        summary: {
          uid: m.uid,
          flags: flagsOfLetters(m.letters, keywords),
          internalDate: m.internalDate,
          size: m.size,
          modseq,
        },
      };
      byUid.set(m.uid, stored);
    }
    const store = new FolderStore(
      name,
      path,
      index.header.uidValidity,
      index.header.guid,
      index.header.uidNext,
      byUid,
      keywords,
      hooks.stats,
      modseqs,
    );
    // Files still in new/ have not been seen by a mail reader: they are \Recent (as in Dovecot).
    for (const m of index.messages) if (m.subdir === 'new') store.unclaimed.add(m.uid);
    // After a repair the file was rewritten with live records only.
    store.deadRecords = index.repairs.length > 0 ? 0 : index.deadRecords;
    store.diskTimes = await directoryTimes(path);
    if (index.repairs.length > 0) {
      hooks.stats.foldersRepaired++;
      hooks.onRepair(index.repairs);
    }
    return store;
  }

  /** Summaries in UID order, shared by every view until the next change (views never modify it). */
  summaries(): readonly MessageSummary[] {
    if (this.cachedSummaries?.version !== this.version) {
      this.cachedSummaries = { version: this.version, list: [...this.byUid.values()].map((m) => m.summary) };
    }
    return this.cachedSummaries.list;
  }

  /** Messages in UID order. */
  messages(): StoredMessage[] {
    return [...this.byUid.values()];
  }

  /** A message by UID. */
  get(uid: number): StoredMessage | undefined {
    return this.byUid.get(uid);
  }

  /** Number of messages. */
  get count(): number {
    return this.byUid.size;
  }

  /** Absolute path of a message's current file. */
  filePath(message: StoredMessage): string {
    return join(this.path, message.subdir, message.fileName);
  }

  /** The summary for letters (flags resolved through this folder's keywords). */
  summaryOf(uid: number, letters: string, internalDate: Date, size: number, modseq: number): MessageSummary {
    return { uid, flags: flagsOfLetters(letters, this.keywords), internalDate, size, modseq };
  }

  /** The folder directory was renamed. */
  relocate(name: string, path: string): void {
    this.name = name;
    this.path = path;
    this.modseqs.moveTo(path);
  }

  /** \Recent messages no session has taken yet. */
  get unclaimedRecent(): number {
    return this.unclaimed.size;
  }

  /** UIDs (ascending) of the given messages, or all, that are \Recent and not yet taken. */
  peekRecent(uids?: readonly number[]): number[] {
    const found = uids ? uids.filter((uid) => this.unclaimed.has(uid)) : [...this.unclaimed];
    return found.sort((a, b) => a - b);
  }

  /** Our own file of `base` is in new/ or cur/ and will be committed: a disk scan leaves it alone. */
  expectIncoming(base: string): void {
    this.incoming.add(base);
  }

  /** True for our own file waiting for its commit. */
  isIncoming(base: string): boolean {
    return this.incoming.has(base);
  }

  /** Our own file of `base` will not be committed after all (its write failed). */
  dropIncoming(base: string): void {
    this.incoming.delete(base);
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

  /** Takes \Recent messages for one session: they are \Recent to no other. */
  claimRecent(uids?: readonly number[]): number[] {
    const taken = this.peekRecent(uids);
    for (const uid of taken) this.unclaimed.delete(uid);
    return taken;
  }

  /** Makes sure keywords have letters (writing dovecot-keywords first); keywords beyond 26 get none. */
  async ensureKeywords(keywords: readonly string[]): Promise<void> {
    if (keywords.every((k) => this.keywords.letterOf(k) !== undefined)) return;
    await this.lane.run(async () => {
      let added = false;
      for (const keyword of keywords) added = this.keywords.assign(keyword).added || added;
      if (added) await writeKeywordTable(this.path, this.keywords);
    });
  }

  /**
   * Gives UIDs to files already in new/ or cur/ and makes them durable: fsync of the directories,
   * then the uidlist records appended and fdatasynced. Resolves with the UIDs, in order.
   */
  commit(files: UncommittedFile[]): Promise<number[]> {
    if (this.deleted)
      return Promise.reject(new MailStorageError('no-such-folder', `folder ${this.name} was deleted`));
    for (const file of files) this.incoming.add(file.base);
    const done = new Promise<number[]>((resolve, reject) => this.pending.push({ files, resolve, reject }));
    if (!this.commitScheduled) {
      this.commitScheduled = true;
      void this.lane.run(() => this.commitPending());
    }
    return done;
  }

  private async commitPending(): Promise<void> {
    this.commitScheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    try {
      if (this.deleted) throw new MailStorageError('no-such-folder', `folder ${this.name} was deleted`);
      let uid = this.uidNext;
      const records: UidlistRecord[] = [];
      const assigned = batch.map((p) =>
        p.files.map((file) => {
          records.push({ uid, base: file.base, extensions: '' });
          return uid++;
        }),
      );
      // Taken even if the write fails: a record may have reached the file, and UIDs are cheap.
      this.uidNext = uid;
      const modseq = await this.modseqs.next();
      for (const [i, p] of batch.entries()) {
        for (const [k, file] of p.files.entries())
          this.modseqs.recordMessage(assigned[i]![k]!, modseq, file.letters);
      }
      // The directory fsync and the records' write + fdatasync run side by side: nothing is
      // acknowledged before both are done, and either order of survival is safe after a power
      // loss (a record without its file reads as expunged; a file without a record gets a new UID).
      const subdirs = new Set(batch.flatMap((p) => p.files.map((f) => f.subdir)));
      const writeRecords = this.rewriteNeeded
        ? rewriteUidlist(this.path, this.header(uid), [...this.records(), ...records])
        : appendUidlistRecords(this.path, records);
      const outcomes = await Promise.allSettled([
        writeRecords,
        this.modseqs.flush(),
        ...[...subdirs].map((d) => fsyncDirectory(join(this.path, d))),
      ]);
      const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
      if (failed) throw failed.reason;
      this.rewriteNeeded = false;
      batch.forEach((p, i) => {
        p.files.forEach((file, k) => {
          const uid = assigned[i]![k]!;
          this.byUid.set(uid, {
            uid,
            base: file.base,
            subdir: file.subdir,
            fileName: file.fileName,
            letters: file.letters,
            extensions: '',
            modseq,
            summary: this.summaryOf(uid, file.letters, file.internalDate, file.size, modseq),
          });
          this.unclaimed.add(uid);
        });
      });
      this.version++;
      this.stats.commits++;
      this.stats.committedMessages += records.length;
      for (const p of batch) for (const file of p.files) this.incoming.delete(file.base);
      for (const [i, p] of batch.entries()) p.resolve(assigned[i]!);
    } catch (error) {
      // A failed append may have left a partial line: the next commit rewrites the whole file.
      this.rewriteNeeded = true;
      for (const p of batch) for (const file of p.files) this.incoming.delete(file.base);
      const failure = error instanceof Error ? error : new Error(String(error));
      for (const p of batch) p.reject(failure);
    }
  }

  /** Notes a message's new file name after a rename that kept its flags (new/ to cur/). */
  moveFile(message: StoredMessage, subdir: 'new' | 'cur', fileName: string): void {
    message.subdir = subdir;
    message.fileName = fileName;
  }

  /** A message's flags changed at `modseq` (its file already renamed): a new summary, logged. */
  changeLetters(message: StoredMessage, letters: string, modseq: number): void {
    message.letters = letters;
    message.modseq = modseq;
    const { internalDate, size } = message.summary;
    message.summary = this.summaryOf(message.uid, letters, internalDate, size, modseq);
    this.modseqs.recordMessage(message.uid, modseq, letters);
  }

  /** Forgets messages whose files were removed or moved away at `modseq` (caller runs this in the lane). */
  forget(uids: readonly number[], modseq: number): void {
    for (const uid of uids) {
      if (!this.byUid.delete(uid)) continue;
      this.deadRecords++;
      this.unclaimed.delete(uid);
      this.modseqs.recordExpunge(uid, modseq);
    }
    if (uids.length > 0) this.version++;
  }

  /** Writes the mod-sequence lines noted, and compacts the file when it has grown (in the lane). */
  async saveModseqs(): Promise<void> {
    if (this.modseqs.wantsCompaction(this.byUid.size)) {
      let body = '';
      for (const m of this.byUid.values()) body += messageLine(m.uid, m.modseq, m.letters);
      await this.modseqs.rewrite(body, this.byUid.size);
    } else {
      await this.modseqs.flush();
    }
  }

  /** True when enough uidlist lines are dead that a rewrite is worth it. */
  get wantsCompaction(): boolean {
    return this.deadRecords > compactAfterDeadRecords && this.deadRecords > this.byUid.size;
  }

  /** Rewrites dovecot-uidlist from memory (caller runs this in the lane, or before first use). */
  async rewriteIndex(): Promise<void> {
    await rewriteUidlist(this.path, this.header(this.uidNext), this.records());
    this.deadRecords = 0;
    this.rewriteNeeded = false;
  }

  /** Marks the folder deleted (views see every message expunged) and wakes pending commits. */
  markDeleted(): void {
    this.deleted = true;
    this.byUid.clear();
    this.version++;
  }

  private header(uidNext: number) {
    return { uidValidity: this.uidValidity, uidNext, guid: this.guid };
  }

  private records(): UidlistRecord[] {
    return [...this.byUid.values()].map((m) => ({ uid: m.uid, base: m.base, extensions: m.extensions }));
  }
}
