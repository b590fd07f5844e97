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

/** Reads the log; undefined when missing, or written for another UIDVALIDITY (then it means nothing). */
export async function readModseqLog(folderPath: string, uidValidity: number): Promise<ModseqLog | undefined> {
  let text: string;
  try {
    text = await readFile(join(folderPath, modseqFileName), 'latin1');
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
  const lines = text.split('\n');
  // A torn last line (no newline) is dropped: its change is found again by the check at load.
  lines.pop();
  if (lines[0] !== `mailfleet-modseq 1 V${uidValidity}`) return undefined;
  const log: ModseqLog = { messages: new Map(), expunges: [], highest: 0, lines: lines.length };
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const fields = line.split(' ');
    if (fields[0] === 'C' && fields.length === 2) {
      log.highest = Math.max(log.highest, number(fields[1]));
    } else if (fields[0] === 'X' && fields.length === 3) {
      const uid = number(fields[1]);
      const modseq = number(fields[2]);
      if (uid === 0 || modseq === 0) continue;
      log.messages.delete(uid);
      log.expunges.push({ uid, modseq });
      log.highest = Math.max(log.highest, modseq);
    } else if (fields.length === 3 && fields[2]!.startsWith(':')) {
      const uid = number(fields[0]);
      const modseq = number(fields[1]);
      if (uid === 0 || modseq === 0) continue;
      log.messages.set(uid, { modseq, letters: fields[2]!.slice(1) });
      log.highest = Math.max(log.highest, modseq);
    }
  }
  log.expunges.sort((a, b) => a.modseq - b.modseq);
  return log;
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
  body: string,
): Promise<void> {
  await replaceFileAtomically(
    join(folderPath, modseqFileName),
    `mailfleet-modseq 1 V${uidValidity}\nC ${ceiling}\n${body}`,
  );
}
