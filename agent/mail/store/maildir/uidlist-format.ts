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

function parseHeader(line: string): UidlistHeader | undefined {
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

/** Parses the file; never throws: damage is reported, not fatal. */
export function parseUidlist(text: string): ParsedUidlist {
  const lines = text.split('\n');
  const tail = lines.pop() ?? '';
  const parsed: ParsedUidlist = { header: undefined, records: [], tornTail: tail.length > 0, badLines: 0 };
  const first = lines.shift();
  if (first === undefined) return parsed;
  parsed.header = parseHeader(first);
  if (!parsed.header) parsed.badLines++;
  const bases = new Set<string>();
  let lastUid = 0;
  for (const line of lines) {
    const match = recordPattern.exec(line);
    const uid = match ? Number(match[1]) : 0;
    const base = match?.[3] ?? '';
    if (!match || uid > maxUid || uid <= lastUid || bases.has(base)) {
      parsed.badLines++;
      continue;
    }
    lastUid = uid;
    bases.add(base);
    parsed.records.push({ uid, base, extensions: match[2]!.trim() });
  }
  return parsed;
}

/** The header line with its newline. */
export function formatUidlistHeader(header: UidlistHeader): string {
  return `3 V${header.uidValidity} N${header.uidNext} G${header.guid}\n`;
}

/** One record line with its newline. */
export function formatUidlistRecord(record: UidlistRecord): string {
  return `${record.uid}${record.extensions ? ` ${record.extensions}` : ''} :${record.base}\n`;
}
