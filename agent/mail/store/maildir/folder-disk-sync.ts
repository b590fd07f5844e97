/**
 * Picks up what another program did to a loaded folder's Maildir while the store runs (a copy
 * with rsync, a restore, a mail reader or `doveadm` on the same files): files added to new/ or
 * cur/ get UIDs in dovecot-uidlist as Dovecot gives them (appended in name order), files renamed
 * to other flag letters are flag changes, files gone are expunges, each under a new mod-sequence.
 *
 * Cheap when nothing happened: new/ and cur/ are stat'ed and compared with their modification
 * times after the folder's own last change (every change of ours records them); only a difference
 * costs a directory listing.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { crlfSize, listedSubdir, listMessageFiles } from './folder-index-loader.js';
import type { FolderStore } from './folder-store.js';
import { parseMessageFileName } from './message-file-name.js';
import type { UncommittedFile } from './uidlist-group-commit.js';

/** Modification times of new/ and cur/ (ns precision as text, so no float rounding hides a change). */
export async function directoryTimes(folderPath: string): Promise<string> {
  const [fresh, current] = await Promise.all([
    stat(join(folderPath, 'new'), { bigint: true }),
    stat(join(folderPath, 'cur'), { bigint: true }),
  ]);
  return `${fresh.mtimeNs}/${current.mtimeNs}`;
}

/**
 * The kernel stamps directory times with a coarse clock (a few ms): a change by another program
 * in the same tick as ours leaves the same time. Times this close to now cannot tell the two apart,
 * so a client's next sync lists the files anyway (Dovecot does the same with its one-second times).
 */
export function timesTooFresh(times: string | undefined, now = Date.now()): boolean {
  if (times === undefined) return false;
  const newest = times.split('/').reduce((max, ns) => (BigInt(ns) > max ? BigInt(ns) : max), 0n);
  return BigInt(now) * 1_000_000n - newest < freshWindowNs;
}

const freshWindowNs = 500_000_000n;

/** What a scan found changed. */
export interface DiskChanges {
  added: number;
  addedBytes: number;
  flagsChanged: number;
  removed: number;
  removedBytes: number;
}

/** Nothing changed. */
export const noDiskChanges: DiskChanges = {
  added: 0,
  addedBytes: 0,
  flagsChanged: 0,
  removed: 0,
  removedBytes: 0,
};

/**
 * Compares the folder's files with its messages and applies what differs (runs in the folder's
 * lane; new files are committed by the caller's `commit` once the lane is free). Files of our own
 * deliveries in flight (`incoming`) are left to their commit.
 */
export async function scanFolderFiles(
  store: FolderStore,
): Promise<{ changes: DiskChanges; newFiles: UncommittedFile[] }> {
  const listing = await listMessageFiles(store.path);
  const { names, byBase } = listing;
  const changes: DiskChanges = { ...noDiskChanges };
  const table = store.table;
  const gone: number[] = [];
  const renamed: Array<{ uid: number; subdir: 'new' | 'cur'; fileName: string }> = [];
  for (let row = 0; row < table.length; row++) {
    const base = table.base(row);
    const index = byBase.get(base);
    if (index === undefined) {
      gone.push(table.uid(row));
      changes.removedBytes += table.size(row);
      continue;
    }
    byBase.delete(base);
    const name = names[index]!;
    const subdir = listedSubdir(listing, index);
    if (name === table.fileName(row) && subdir === table.subdir(row)) continue;
    if (parseMessageFileName(name)?.letters === table.letters(row)) store.moveFile(row, subdir, name);
    else renamed.push({ uid: table.uid(row), subdir, fileName: name });
  }
  if (gone.length > 0 || renamed.length > 0) {
    const modseq = await store.modseqs.next();
    for (const { uid, subdir, fileName } of renamed)
      store.changeFile(table.rowOf(uid), subdir, fileName, modseq);
    store.forget(gone, modseq);
    if (renamed.length > 0) store.version++;
    await store.saveModseqs();
  }
  changes.flagsChanged = renamed.length;
  changes.removed = gone.length;
  const newFiles: UncommittedFile[] = [];
  // In name order, as Dovecot numbers files it finds (names start with the delivery time).
  const candidates = [...byBase.entries()]
    .filter(([base]) => !store.isIncoming(base))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [base, index] of candidates) {
    const name = names[index]!;
    const subdir = listedSubdir(listing, index);
    const path = join(store.path, subdir, name);
    const info = await stat(path).catch(() => undefined);
    if (!info) continue;
    const parsed = parseMessageFileName(name);
    const size = parsed?.vsize ?? crlfSize(await readFile(path));
    store.expectIncoming(base);
    newFiles.push({
      base,
      subdir,
      fileName: name,
      letters: parsed?.letters ?? '',
      size,
      internalDate: info.mtime,
    });
  }
  changes.added = newFiles.length;
  changes.addedBytes = newFiles.reduce((sum, file) => sum + file.size, 0);
  return { changes, newFiles };
}
