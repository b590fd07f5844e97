/**
 * Reading and writing a folder's `dovecot-uidlist`. New records are appended and fdatasynced in one
 * write per batch (a crash can only cut the last line, which the parser ignores); the whole file is
 * rewritten atomically (temp, fsync, rename, fsync directory) when recovery or compaction needs it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { appendToFile, isMissing, replaceFileAtomically } from '../../../common/durable-fs.js';
import { TextChunks } from './text-chunks.js';
import {
  formatUidlistHeader,
  formatUidlistRecord,
  type ParsedUidlist,
  parseUidlist,
  type UidlistHeader,
  type UidlistRecord,
} from './uidlist-format.js';

/** The file name Dovecot uses. */
export const uidlistFileName = 'dovecot-uidlist';

/** The parsed file, or undefined when it does not exist. */
export async function readUidlist(folderPath: string): Promise<ParsedUidlist | undefined> {
  try {
    return parseUidlist(await readFile(join(folderPath, uidlistFileName), 'utf8'));
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/**
 * Appends records and fdatasyncs; resolves once they are durable (with `sync: false`, once they
 * are written: a bulk copy flushes its file system later).
 */
export async function appendUidlistRecords(
  folderPath: string,
  records: readonly UidlistRecord[],
  { sync = true }: { sync?: boolean } = {},
): Promise<void> {
  await appendToFile(
    join(folderPath, uidlistFileName),
    Buffer.from(records.map(formatUidlistRecord).join('')),
    { sync },
  );
}

/** Rewrites the whole file atomically with the given header and records (in UID order). */
export async function rewriteUidlist(
  folderPath: string,
  header: UidlistHeader,
  records: Iterable<UidlistRecord>,
): Promise<void> {
  const text = new TextChunks();
  text.add(formatUidlistHeader(header));
  for (const record of records) text.add(formatUidlistRecord(record));
  await replaceFileAtomically(join(folderPath, uidlistFileName), text.toBuffer());
}
