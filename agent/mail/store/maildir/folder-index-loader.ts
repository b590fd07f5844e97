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
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isMissing } from '../../../common/durable-fs.js';
import { parseMessageFileName } from './message-file-name.js';
import { readUidlist } from './uidlist-file.js';
import type { UidlistHeader } from './uidlist-format.js';

/** A message file with its UID. */
export interface IndexedMessage {
  uid: number;
  base: string;
  subdir: 'new' | 'cur';
  /** The file's name in `subdir`. */
  fileName: string;
  /** Flag letters after `:2,`. */
  letters: string;
  /** RFC822.SIZE: bytes with CRLF line ends. */
  size: number;
  /** File mtime (Dovecot's received date). */
  internalDate: Date;
  /** uidlist extensions to keep. */
  extensions: string;
}

/** A folder index ready to use. */
export interface LoadedFolderIndex {
  header: UidlistHeader;
  /** In UID order. */
  messages: IndexedMessage[];
  /** What recovery changed, in words (empty when the file was consistent). */
  repairs: string[];
  /** Records whose file is gone (expunged): harmless, dropped at the next compaction. */
  deadRecords: number;
}

/** Files stat'ed per turn of the event loop when a folder is loaded. */
const statSlice = 512;

/** Files in tmp/ older than this are leftovers of interrupted deliveries (the Maildir rule). */
const staleTmpMs = 36 * 3600 * 1000;

/** A message file found in new/ or cur/. */
export interface FoundFile {
  name: string;
  subdir: 'new' | 'cur';
  base: string;
  letters: string;
  vsize: number | undefined;
}

/** The message files of a folder by base name (cur/ wins when a base is in both). */
export async function listMessageFiles(folderPath: string): Promise<Map<string, FoundFile>> {
  const found = new Map<string, FoundFile>();
  // cur/ first: if a base is in both (a copy interrupted between link and unlink), cur/ wins.
  for (const subdir of ['cur', 'new'] as const) {
    let names: string[] = [];
    try {
      names = await readdir(join(folderPath, subdir));
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
    for (const name of names) {
      const parsed = parseMessageFileName(name);
      if (!parsed || found.has(parsed.base)) continue;
      found.set(parsed.base, {
        name,
        subdir,
        base: parsed.base,
        letters: parsed.letters,
        vsize: parsed.vsize,
      });
    }
  }
  return found;
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
  const parsed = await readUidlist(folderPath);
  const files = await listMessageFiles(folderPath);
  await removeStaleTmp(folderPath, now);

  let header = parsed?.header;
  let records = parsed?.records ?? [];
  if (!parsed) repairs.push('no dovecot-uidlist: created');
  else if (!header) {
    repairs.push('dovecot-uidlist header damaged: new UIDVALIDITY, messages renumbered');
    records = [];
  }
  if (parsed?.tornTail) repairs.push('torn last line ignored');
  if (parsed && parsed.badLines > 0 && header) repairs.push(`${parsed.badLines} damaged line(s) ignored`);
  header ??= { uidValidity: await allocateUidValidity(), uidNext: 1, guid: randomBytes(16).toString('hex') };
  const lastUid = records.at(-1)?.uid ?? 0;
  let uidNext = Math.max(header.uidNext, lastUid + 1);

  const messages: IndexedMessage[] = [];
  let dropped = 0;
  for (const record of records) {
    const file = files.get(record.base);
    if (!file) {
      dropped++;
      continue;
    }
    files.delete(record.base);
    messages.push({ ...fileMessage(file, record.uid), extensions: record.extensions });
  }
  // Files without a record, in name order (names start with the delivery time).
  const unindexed = [...files.values()].sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : 0));
  for (const file of unindexed) messages.push({ ...fileMessage(file, uidNext++), extensions: '' });
  if (unindexed.length > 0) repairs.push(`${unindexed.length} file(s) without a UID given new UIDs`);

  // Synchronous stats in slices: for 100,000 files a quarter of the time of thread-pool round
  // trips (measured), and other sessions still run between slices.
  for (let from = 0; from < messages.length; from += statSlice) {
    for (const message of messages.slice(from, from + statSlice)) {
      const path = join(folderPath, message.subdir, message.fileName);
      message.internalDate = fs.statSync(path).mtime;
      // Files from other tools may lack W= (or use LF line ends): measure what IMAP will count.
      if (message.size < 0) message.size = crlfSize(fs.readFileSync(path));
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  return {
    header: { ...header, uidNext },
    messages,
    repairs,
    deadRecords: dropped,
  };
}

function fileMessage(file: FoundFile, uid: number): IndexedMessage {
  return {
    uid,
    fileName: file.name,
    base: file.base,
    subdir: file.subdir,
    letters: file.letters,
    size: file.vsize ?? -1,
    internalDate: new Date(0),
    extensions: '',
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
