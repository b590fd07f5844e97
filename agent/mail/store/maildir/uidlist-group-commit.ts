/**
 * The group commit of one folder's new messages (folder-store.ts): deliveries whose files are
 * already in new/ or cur/ ask for UIDs; those that arrive while a commit is running are committed
 * together in the next one, in the folder's lane: one directory fsync per subdirectory and one
 * uidlist append + fdatasync (and one mod-sequence flush) for the whole group.
 */
import { join } from 'node:path';
import { fsyncDirectory } from '../../../common/durable-fs.js';
import { MailStorageError } from '../mail-storage.js';
import type { FolderModseqs } from './folder-modseqs.js';
import type { MessageTable } from './message-table.js';
import type { SerialLane } from './serial-lane.js';
import type { MaildirStats } from './storage-stats.js';
import { appendUidlistRecords, rewriteUidlist } from './uidlist-file.js';
import type { UidlistHeader, UidlistRecord } from './uidlist-format.js';

/** A message file already in new/ or cur/ (data and entry written) that needs a UID. */
export interface UncommittedFile {
  base: string;
  subdir: 'new' | 'cur';
  fileName: string;
  letters: string;
  size: number;
  internalDate: Date;
}

/** What the group commit reads and changes of its folder. */
export interface GroupCommitFolder {
  readonly name: string;
  readonly path: string;
  readonly deleted: boolean;
  uidNext: number;
  readonly table: MessageTable;
  readonly modseqs: FolderModseqs;
  readonly lane: SerialLane;
  /** The uidlist header with `uidNext`. */
  uidlistHeader(uidNext: number): UidlistHeader;
}

interface PendingCommit {
  files: UncommittedFile[];
  resolve: (uids: number[]) => void;
  reject: (error: Error) => void;
}

/** One folder's queue of messages waiting for UIDs. */
export class UidlistGroupCommit {
  private pending: PendingCommit[] = [];
  private scheduled = false;
  /** A failed append may have left a partial line: the next commit rewrites the whole file. */
  rewriteNeeded = false;
  /** Bases of our own files already in new/ or cur/ and waiting for their commit. */
  readonly incoming = new Set<string>();

  /** `committed` hears of each group once its messages are in the table. */
  constructor(
    private readonly folder: GroupCommitFolder,
    private readonly stats: MaildirStats,
    private readonly committed: () => void,
  ) {}

  /**
   * Gives UIDs to files already in new/ or cur/ and makes them durable: fsync of the directories,
   * then the uidlist records appended and fdatasynced. Resolves with the UIDs, in order.
   */
  commit(files: UncommittedFile[]): Promise<number[]> {
    if (this.folder.deleted)
      return Promise.reject(new MailStorageError('no-such-folder', `folder ${this.folder.name} was deleted`));
    for (const file of files) this.incoming.add(file.base);
    const done = new Promise<number[]>((resolve, reject) => this.pending.push({ files, resolve, reject }));
    if (!this.scheduled) {
      this.scheduled = true;
      void this.folder.lane.run(() => this.commitPending());
    }
    return done;
  }

  /** True while commits are queued or running (the folder must stay in memory for them). */
  get busy(): boolean {
    return this.scheduled || this.pending.length > 0 || this.incoming.size > 0;
  }

  private async commitPending(): Promise<void> {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const folder = this.folder;
    try {
      if (folder.deleted) throw new MailStorageError('no-such-folder', `folder ${folder.name} was deleted`);
      let uid = folder.uidNext;
      const records: UidlistRecord[] = [];
      const assigned = batch.map((p) =>
        p.files.map((file) => {
          records.push({ uid, base: file.base, extensions: '' });
          return uid++;
        }),
      );
      // Taken even if the write fails: a record may have reached the file, and UIDs are cheap.
      folder.uidNext = uid;
      const modseq = await folder.modseqs.next();
      for (const [i, p] of batch.entries()) {
        for (const [k, file] of p.files.entries())
          folder.modseqs.recordMessage(assigned[i]![k]!, modseq, file.letters);
      }
      // The directory fsync and the records' write + fdatasync run side by side: nothing is
      // acknowledged before both are done, and either order of survival is safe after a power
      // loss (a record without its file reads as expunged; a file without a record gets a new UID).
      const subdirs = new Set(batch.flatMap((p) => p.files.map((f) => f.subdir)));
      const writeRecords = this.rewriteNeeded
        ? rewriteUidlist(folder.path, folder.uidlistHeader(uid), [...recordsOf(folder.table), ...records])
        : appendUidlistRecords(folder.path, records);
      const outcomes = await Promise.allSettled([
        writeRecords,
        folder.modseqs.flush(),
        ...[...subdirs].map((d) => fsyncDirectory(join(folder.path, d))),
      ]);
      const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
      if (failed) throw failed.reason;
      this.rewriteNeeded = false;
      batch.forEach((p, i) => {
        p.files.forEach((file, k) => {
          folder.table.push({
            uid: assigned[i]![k]!,
            base: file.base,
            subdir: file.subdir,
            fileName: file.fileName,
            size: file.size,
            internalTime: file.internalDate.getTime(),
            modseq,
            extensions: '',
            recent: true,
          });
        });
      });
      this.committed();
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
}

/** The uidlist records of every row, one at a time. */
export function* recordsOf(table: MessageTable): Generator<UidlistRecord> {
  for (let row = 0; row < table.length; row++)
    yield { uid: table.uid(row), base: table.base(row), extensions: table.extensions(row) };
}
