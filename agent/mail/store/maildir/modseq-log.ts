/**
 * A folder's `mailfleet-modseq` file: the mod-sequences of CONDSTORE/QRESYNC (RFC 7162). Dovecot
 * keeps these in its binary index files (dovecot.index*), which it rebuilds from the Maildir when
 * they are missing; this file sits beside dovecot-uidlist and dovecot-keywords, which stay exactly as
 * Dovecot writes them, so Dovecot can still read the Maildir (it starts its own mod-sequences).
 *
 *     mailfleet-modseq 1 V1764300000          header: format version, the folder's UIDVALIDITY
 *     C 2048                                  ceiling: no mod-sequence above it was ever handed out
 *     7 1041 :FSa                             message UID 7 last changed at 1041, its flag letters then
 *     X 5 1042                                message UID 5 expunged at 1042
 *
 * Lines are appended as changes happen (a write, no fsync: a killed process loses nothing, the
 * kernel has the bytes); the file is rewritten atomically when it grows. It is a cache checked
 * against the Maildir when a folder is loaded: a message whose file letters differ from its last
 * line, or that has no line, gets a new mod-sequence; a line whose file is gone becomes an expunge.
 * New mod-sequences are always above the ceiling, which is fsynced before any mod-sequence above the
 * previous one is handed out, so a mod-sequence never goes back, even after a power cut.
 */
import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { appendDurably, isMissing, replaceFileAtomically } from '../../../common/durable-fs.js';

/** The file name in each folder directory. */
export const modseqFileName = 'mailfleet-modseq';

/** One message's state at its last change. */
export interface ModseqRecord {
  modseq: number;
  letters: string;
}

/** One expunge. */
export interface ExpungeRecord {
  uid: number;
  modseq: number;
}

/** What the file held. */
export interface ModseqLog {
  /** Last state of each live message by UID. */
  messages: Map<number, ModseqRecord>;
  /** Expunges in mod-sequence order. */
  expunges: ExpungeRecord[];
  /** The highest mod-sequence that may have been handed out (ceiling included). */
  highest: number;
  /** Lines read (to decide on compaction). */
  lines: number;
}

/** Hears each line of the file in order (see scanModseqLog). */
export interface ModseqLogVisitor {
  /** A message's state at its last change (a later line for the same UID replaces it). */
  message(uid: number, modseq: number, letters: string): void;
  /** An expunge (the UID has no state any more). */
  expunge(uid: number, modseq: number): void;
}

/**
 * Reads the file line by line into `visitor`, holding no more than a line at a time (a folder of
 * 100,000 messages has as many lines). Resolves with the highest mod-sequence that may have been
 * handed out (ceiling included) and the number of lines, or undefined when the file is missing or
 * was written for another UIDVALIDITY (then it means nothing).
 */
export async function scanModseqLog(
  folderPath: string,
  uidValidity: number,
  visitor: ModseqLogVisitor,
): Promise<{ highest: number; lines: number } | undefined> {
  let text: string;
  try {
    text = await readFile(join(folderPath, modseqFileName), 'latin1');
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
  const firstEnd = text.indexOf('\n');
  if (firstEnd < 0 || text.slice(0, firstEnd) !== `mailfleet-modseq 1 V${uidValidity}`) return undefined;
  let highest = 0;
  let lines = 1;
  // A torn last line (no newline) is dropped: its change is found again by the check at load.
  for (
    let start = firstEnd + 1, end = text.indexOf('\n', start);
    end >= 0;
    start = end + 1, end = text.indexOf('\n', start)
  ) {
    lines++;
    const fields = text.slice(start, end).split(' ');
    if (fields[0] === 'C' && fields.length === 2) {
      highest = Math.max(highest, number(fields[1]));
    } else if (fields[0] === 'X' && fields.length === 3) {
      const uid = number(fields[1]);
      const modseq = number(fields[2]);
      if (uid === 0 || modseq === 0) continue;
      visitor.expunge(uid, modseq);
      highest = Math.max(highest, modseq);
    } else if (fields.length === 3 && fields[2]!.startsWith(':')) {
      const uid = number(fields[0]);
      const modseq = number(fields[1]);
      if (uid === 0 || modseq === 0) continue;
      visitor.message(uid, modseq, fields[2]!.slice(1));
      highest = Math.max(highest, modseq);
    }
  }
  return { highest, lines };
}

/** Reads the whole log into maps; undefined when missing, or written for another UIDVALIDITY. */
export async function readModseqLog(folderPath: string, uidValidity: number): Promise<ModseqLog | undefined> {
  const messages = new Map<number, ModseqRecord>();
  const expunges: ExpungeRecord[] = [];
  const scanned = await scanModseqLog(folderPath, uidValidity, {
    message: (uid, modseq, letters) => messages.set(uid, { modseq, letters }),
    expunge: (uid, modseq) => {
      messages.delete(uid);
      expunges.push({ uid, modseq });
    },
  });
  if (!scanned) return undefined;
  expunges.sort((a, b) => a.modseq - b.modseq);
  return { messages, expunges, highest: scanned.highest, lines: scanned.lines };
}

function number(text: string | undefined): number {
  if (!text || !/^\d{1,15}$/.test(text)) return 0;
  return Number(text);
}

/** A message line. */
export function messageLine(uid: number, modseq: number, letters: string): string {
  return `${uid} ${modseq} :${letters}\n`;
}

/** An expunge line. */
export function expungeLine(uid: number, modseq: number): string {
  return `X ${uid} ${modseq}\n`;
}

/** Appends lines (no fsync: see the file comment). */
export async function appendModseqLines(folderPath: string, lines: string): Promise<void> {
  if (lines.length > 0) await appendFile(join(folderPath, modseqFileName), lines, 'latin1');
}

/** Appends a new ceiling and fdatasyncs: resolves once no mod-sequence up to it can be reused. */
export async function appendCeiling(folderPath: string, ceiling: number): Promise<void> {
  await appendDurably(join(folderPath, modseqFileName), Buffer.from(`C ${ceiling}\n`));
}

/** Rewrites the whole file atomically. */
export async function rewriteModseqLog(
  folderPath: string,
  uidValidity: number,
  ceiling: number,
  body: string | Buffer,
): Promise<void> {
  const head = `mailfleet-modseq 1 V${uidValidity}\nC ${ceiling}\n`;
  await replaceFileAtomically(
    join(folderPath, modseqFileName),
    typeof body === 'string' ? head + body : Buffer.concat([Buffer.from(head), body]),
  );
}
