/**
 * Loads a folder's UID index and reconciles it with the files in new/ and cur/ (crash recovery):
 *
 * - a torn last line or a damaged line of dovecot-uidlist is ignored;
 * - UIDNEXT is the larger of the header's N and the last record's UID + 1, so it never goes back;
 * - a record whose file is gone is skipped (the message was expunged; Dovecot leaves such records
 *   too) and dropped at the next compaction;
 * - a file without a record gets a NEW UID above every UID ever given: it was never acknowledged
 *   (the record is written before a delivery is acknowledged), so no client has seen a UID for it;
 * - a missing or damaged header means the UIDs cannot be trusted: a new UIDVALIDITY, all renumbered.
 *
 * When anything was repaired the caller rewrites the file atomically before using the folder.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { opendir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isMissing } from '../../../common/durable-fs.js';
import { parseMessageFileName } from './message-file-name.js';
import { MessageTable } from './message-table.js';
import { uidlistFileName } from './uidlist-file.js';
import { type ScannedUidlist, scanUidlist, type UidlistHeader } from './uidlist-format.js';

/** A folder index ready to use. */
export interface LoadedFolderIndex {
  header: UidlistHeader;
  /** The messages in UID order (mod-sequences not set yet). */
  table: MessageTable;
  /** What recovery changed, in words (empty when the file was consistent). */
  repairs: string[];
  /**
   * There was no index file: it must be written now. Not a repair by itself: every new folder
   * starts so (the files it may already hold are reported as repairs).
   */
  created: boolean;
  /** Records whose file is gone (expunged): harmless, dropped at the next compaction. */
  deadRecords: number;
}

/** Files stat'ed per turn of the event loop when a folder is loaded. */
const statSlice = 512;

/** Files in tmp/ older than this are leftovers of interrupted deliveries (the Maildir rule). */
const staleTmpMs = 36 * 3600 * 1000;

/** The message files of a folder as listed: names, and where each base is. */
export interface FolderListing {
  /** File names; those below `curCount` are in cur/, the others in new/. */
  names: string[];
  curCount: number;
  /** Base name -> index in `names` (cur/ wins when a base is in both). */
  byBase: Map<string, number>;
}

/** Directory entries read per call to the thread pool while listing. */
const listingBatch = 1024;

/**
 * Lists new/ and cur/ (a base in both, a copy interrupted between link and unlink: cur/ wins).
 * Read in batches of entries rather than with one readdir: a readdir of 100,000 names allocates
 * them all at once in a thread-pool thread, and the C library keeps that memory (about 20 MiB of
 * the process's resident size per listing, measured); batches reuse a small buffer.
 */
export async function listMessageFiles(folderPath: string): Promise<FolderListing> {
  const listed: string[][] = [];
  for (const subdir of ['cur', 'new']) {
    const names: string[] = [];
    try {
      for await (const entry of await opendir(join(folderPath, subdir), { bufferSize: listingBatch }))
        names.push(entry.name);
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
    listed.push(names);
  }
  const [cur, fresh] = listed as [string[], string[]];
  const names = cur.length === 0 ? fresh : fresh.length === 0 ? cur : cur.concat(fresh);
  const byBase = new Map<string, number>();
  for (let index = 0; index < names.length; index++) {
    const name = names[index]!;
    if (name.length === 0 || name.startsWith('.') || name.includes('/')) continue;
    const colon = name.indexOf(':');
    const base = colon < 0 ? name : name.slice(0, colon);
    if (!byBase.has(base)) byBase.set(base, index);
  }
  return { names, curCount: cur.length, byBase };
}

/** The subdirectory of a listed file. */
export function listedSubdir(listing: FolderListing, index: number): 'new' | 'cur' {
  return index < listing.curCount ? 'cur' : 'new';
}

/** Runs `work` over items with at most `limit` in flight. */
async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

async function removeStaleTmp(folderPath: string, now: number): Promise<void> {
  let names: string[] = [];
  try {
    names = await readdir(join(folderPath, 'tmp'));
  } catch (error) {
    if (isMissing(error)) return;
    throw error;
  }
  await forEachLimited(names, 16, async (name) => {
    const path = join(folderPath, 'tmp', name);
    const info = await stat(path).catch(() => undefined);
    if (info && now - info.mtimeMs > staleTmpMs) await rm(path, { recursive: true, force: true });
  });
}

/** Loads and reconciles the index; `allocateUidValidity` gives a fresh UIDVALIDITY when needed. */
export async function loadFolderIndex(
  folderPath: string,
  allocateUidValidity: () => Promise<number>,
  now = Date.now(),
): Promise<LoadedFolderIndex> {
  const repairs: string[] = [];
  const text = await readFile(join(folderPath, uidlistFileName), 'utf8').catch((error: unknown) => {
    if (isMissing(error)) return undefined;
    throw error;
  });
  const listing = await listMessageFiles(folderPath);
  await removeStaleTmp(folderPath, now);
  const { names, byBase } = listing;

  let nameBytes = 0;
  for (const name of names) nameBytes += name.length;
  const newTable = () => new MessageTable(byBase.size + 64 + (byBase.size >> 5), nameBytes + 4096);
  let table = newTable();
  // Files given a row, by index in `names`.
  let taken = new Uint8Array(names.length);
  let lastUid = 0;
  let dropped = 0;
  const add = (uid: number, index: number, base: string, extensions: string): void => {
    const name = names[index]!;
    const subdir = listedSubdir(listing, index);
    taken[index] = 1;
    table.push({
      uid,
      base,
      subdir,
      fileName: name,
      size: parseMessageFileName(name)?.vsize ?? -1,
      internalTime: 0,
      modseq: 0,
      extensions,
      // Files still in new/ have not been seen by a mail reader: they are \Recent (as in Dovecot).
      recent: subdir === 'new',
    });
  };
  let scanned: ScannedUidlist | undefined;
  if (text !== undefined) {
    scanned = scanUidlist(text, (uid, base, extensions) => {
      lastUid = uid;
      const index = byBase.get(base);
      if (index === undefined) {
        dropped++;
        return true;
      }
      // A second record for a file already numbered is damage: the first one counts.
      if (taken[index]) return false;
      add(uid, index, base, extensions);
      return true;
    });
  }
  let header = scanned?.header;
  if (!scanned) {
    // A folder without files and without an index is new, not damaged: no repair to report.
    if (names.length > 0) repairs.push('no dovecot-uidlist: created');
  } else if (!header) {
    repairs.push('dovecot-uidlist header damaged: new UIDVALIDITY, messages renumbered');
    table = newTable();
    taken = new Uint8Array(names.length);
    lastUid = 0;
    dropped = 0;
  }
  if (scanned?.tornTail) repairs.push('torn last line ignored');
  if (scanned && scanned.badLines > 0 && header) repairs.push(`${scanned.badLines} damaged line(s) ignored`);
  header ??= { uidValidity: await allocateUidValidity(), uidNext: 1, guid: randomBytes(16).toString('hex') };
  let uidNext = Math.max(header.uidNext, lastUid + 1);

  // Files without a record, in name order (names start with the delivery time).
  const unindexed: string[] = [];
  for (const [base, index] of byBase) if (!taken[index]) unindexed.push(base);
  unindexed.sort();
  for (const base of unindexed) add(uidNext++, byBase.get(base)!, base, '');
  if (unindexed.length > 0) repairs.push(`${unindexed.length} file(s) without a UID given new UIDs`);

  // Synchronous stats in slices: for 100,000 files a quarter of the time of thread-pool round
  // trips (measured), and other sessions still run between slices.
  for (let from = 0; from < table.length; from += statSlice) {
    const to = Math.min(table.length, from + statSlice);
    for (let row = from; row < to; row++) {
      const path = join(folderPath, table.subdir(row), table.fileName(row));
      table.setInternalTime(row, Math.trunc(fs.statSync(path).mtimeMs));
      // Files from other tools may lack W= (or use LF line ends): measure what IMAP will count.
      if (table.size(row) < 0) table.setSize(row, crlfSize(fs.readFileSync(path)));
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  return {
    header: { ...header, uidNext },
    table,
    repairs,
    created: !scanned,
    deadRecords: dropped,
  };
}

/** Size with CRLF line ends (RFC822.SIZE) of a file written with LF or CRLF. */
export function crlfSize(data: Buffer): number {
  let size = data.length;
  for (let i = 0; i < data.length; i++) {
    const byte = data[i];
    if (byte === 0x0a && (i === 0 || data[i - 1] !== 0x0d)) size++;
    else if (byte === 0x0d && data[i + 1] !== 0x0a) size++;
  }
  return size;
}
