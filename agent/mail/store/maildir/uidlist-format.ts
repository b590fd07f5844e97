/**
 * The `dovecot-uidlist` file of a Maildir folder (format version 3, as Dovecot writes it):
 *
 *     3 V1764300000 N4 G0123456789abcdef0123456789abcdef
 *     1 :1764300000.M1P2Q1Rab.host,S=120,W=120
 *     3 W1234 :1764300001.M5P2Q2Rcd.host,S=99
 *
 * Header: V = UIDVALIDITY, N = next UID, G = folder GUID. Records: UID, optional extensions (an
 * upper-case key letter and a value, such as `W<vsize>`), then ` :` and the file's base name (the
 * name without `:2,flags`). Records are appended in UID order; the header is only rewritten on
 * compaction, so N may lag behind the last record.
 */

/** The header line. */
export interface UidlistHeader {
  uidValidity: number;
  uidNext: number;
  /** 32 hex digits. */
  guid: string;
}

/** One UID -> file line. */
export interface UidlistRecord {
  uid: number;
  base: string;
  /** Extensions as written (`W1234 P...`), '' when none; kept as they are on rewrite. */
  extensions: string;
}

/** A parsed file and what was wrong with it. */
export interface ParsedUidlist {
  /** Undefined when the header is missing or damaged. */
  header: UidlistHeader | undefined;
  /** Valid records, UIDs strictly increasing, bases unique. */
  records: UidlistRecord[];
  /** Bytes after the last newline: a write cut short by a crash. Ignored. */
  tornTail: boolean;
  /** Complete lines that did not parse or broke the order; ignored. */
  badLines: number;
}

const maxUid = 0xffffffff;

/** The header line (without its newline), or undefined when it is damaged. */
export function parseUidlistHeader(line: string): UidlistHeader | undefined {
  const fields = line.split(' ');
  if (fields[0] !== '3') return undefined;
  let uidValidity: number | undefined;
  let uidNext: number | undefined;
  let guid: string | undefined;
  for (const field of fields.slice(1)) {
    const value = field.slice(1);
    if (field.startsWith('V') && /^\d{1,10}$/.test(value)) uidValidity = Number(value);
    else if (field.startsWith('N') && /^\d{1,10}$/.test(value)) uidNext = Number(value);
    else if (field.startsWith('G') && /^[0-9a-f]{32}$/.test(value)) guid = value;
  }
  if (uidValidity === undefined || uidNext === undefined || guid === undefined) return undefined;
  if (uidValidity < 1 || uidValidity > maxUid || uidNext < 1 || uidNext > maxUid) return undefined;
  return { uidValidity, uidNext, guid };
}

const recordPattern = /^([1-9]\d{0,9})((?: [A-Z][^ :]*)*) :([^\s/:][^\s/:]*)$/;

/** What a scan of the file found besides its records. */
export interface ScannedUidlist {
  /** Undefined when the header is missing or damaged. */
  header: UidlistHeader | undefined;
  /** Bytes after the last newline: a write cut short by a crash. Ignored. */
  tornTail: boolean;
  /** Complete lines that did not parse, broke the order, or that `onRecord` refused; ignored. */
  badLines: number;
}

/**
 * Reads the file's records in order into `onRecord` (UIDs strictly increasing), one line at a time
 * (a folder of 100,000 messages has as many lines, and no list of them is built). `onRecord`
 * returns false to refuse a record (it then counts as a bad line). Never throws.
 */
export function scanUidlist(
  text: string,
  onRecord: (uid: number, base: string, extensions: string) => boolean,
): ScannedUidlist {
  const lastNewline = text.lastIndexOf('\n');
  const scanned: ScannedUidlist = {
    header: undefined,
    tornTail: lastNewline < text.length - 1,
    badLines: 0,
  };
  if (lastNewline < 0) return scanned;
  const firstEnd = text.indexOf('\n');
  // Copied out: a slice of the text would keep the whole file in memory as long as the folder.
  scanned.header = parseUidlistHeader(detached(text.slice(0, firstEnd)));
  if (!scanned.header) scanned.badLines++;
  let lastUid = 0;
  for (let start = firstEnd + 1; start <= lastNewline; ) {
    const end = text.indexOf('\n', start);
    const match = recordPattern.exec(text.slice(start, end));
    start = end + 1;
    const uid = match ? Number(match[1]) : 0;
    const extensions = match?.[2] ? detached(match[2].trim()) : '';
    if (!match || uid > maxUid || uid <= lastUid || !onRecord(uid, match[3]!, extensions)) {
      scanned.badLines++;
      continue;
    }
    lastUid = uid;
  }
  return scanned;
}

/** A string of its own (V8 keeps a slice of a big string as a pointer into all of it). */
function detached(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

/** Parses the file; never throws: damage is reported, not fatal. */
export function parseUidlist(text: string): ParsedUidlist {
  const bases = new Set<string>();
  const records: UidlistRecord[] = [];
  const scanned = scanUidlist(text, (uid, base, extensions) => {
    if (bases.has(base)) return false;
    bases.add(base);
    records.push({ uid, base, extensions });
    return true;
  });
  return { ...scanned, records };
}

/** The header line with its newline. */
export function formatUidlistHeader(header: UidlistHeader): string {
  return `3 V${header.uidValidity} N${header.uidNext} G${header.guid}\n`;
}

/** One record line with its newline. */
export function formatUidlistRecord(record: UidlistRecord): string {
  return `${record.uid}${record.extensions ? ` ${record.extensions}` : ''} :${record.base}\n`;
}
