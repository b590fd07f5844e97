/**
 * Quota usage in the Maildir++ `maildirsize` file: first line the limit (`<bytes>S`), then one
 * `<bytes> <messages>` line per change; usage is the sum. Lines are appended without fsync (the
 * file is a cache): it is recomputed from the message file names when missing, damaged, larger
 * than 5120 bytes (the Maildir++ rule), written for another limit, or after an unclean shutdown.
 */
import { appendFile, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isMissing, replaceFileAtomically } from '../../../common/durable-fs.js';
import { folderNameOfDirectory } from './folder-names.js';
import { parseMessageFileName } from './message-file-name.js';

/** The file name (Maildir++). */
export const maildirSizeFileName = 'maildirsize';

/** Bytes and messages of a whole mailbox. */
export interface QuotaFigures {
  bytes: number;
  messages: number;
}

/** What the file says. */
export interface MaildirSizeContent {
  limitBytes: number;
  usage: QuotaFigures;
  /** File length: over 5120 bytes it is time to recompute. */
  fileBytes: number;
}

/** Parses the file, undefined when missing or damaged (any line that does not parse, negative sums). */
export async function readMaildirSize(maildir: string): Promise<MaildirSizeContent | undefined> {
  let text: string;
  try {
    text = await readFile(join(maildir, maildirSizeFileName), 'utf8');
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
  const lines = text.split('\n');
  if (lines.pop() !== '') return undefined;
  const limit = /^(\d{1,15})S(?:,\d{1,15}C)?$/.exec(lines.shift() ?? '');
  if (!limit) return undefined;
  const usage: QuotaFigures = { bytes: 0, messages: 0 };
  for (const line of lines) {
    const match = /^\s*(-?\d{1,15})\s+(-?\d{1,9})\s*$/.exec(line);
    if (!match) return undefined;
    usage.bytes += Number(match[1]);
    usage.messages += Number(match[2]);
  }
  if (usage.bytes < 0 || usage.messages < 0) return undefined;
  return { limitBytes: Number(limit[1]), usage, fileBytes: Buffer.byteLength(text) };
}

/** Sums the sizes of every message file of every folder (S= from names, stat when absent). */
export async function computeUsage(maildir: string): Promise<QuotaFigures> {
  const usage: QuotaFigures = { bytes: 0, messages: 0 };
  const folders = [maildir];
  for (const entry of await readdir(maildir)) {
    if (folderNameOfDirectory(entry) !== undefined) folders.push(join(maildir, entry));
  }
  for (const folder of folders) {
    for (const subdir of ['cur', 'new']) {
      let names: string[] = [];
      try {
        names = await readdir(join(folder, subdir));
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
      for (const name of names) {
        const parsed = parseMessageFileName(name);
        if (!parsed) continue;
        let size = parsed.vsize ?? parsed.size;
        size ??= await stat(join(folder, subdir, name)).then(
          (s) => s.size,
          () => undefined,
        );
        if (size === undefined) continue;
        usage.bytes += size;
        usage.messages++;
      }
    }
  }
  return usage;
}

/** Rewrites the file with the limit and one usage line. */
export async function writeMaildirSize(
  maildir: string,
  limitBytes: number,
  usage: QuotaFigures,
): Promise<void> {
  await replaceFileAtomically(
    join(maildir, maildirSizeFileName),
    `${limitBytes}S\n${usage.bytes} ${usage.messages}\n`,
  );
}

/** Appends one change line. */
export async function appendMaildirSize(maildir: string, delta: QuotaFigures): Promise<void> {
  await appendFile(join(maildir, maildirSizeFileName), `${delta.bytes} ${delta.messages}\n`);
}
