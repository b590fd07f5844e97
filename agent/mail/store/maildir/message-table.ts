/**
 * The messages of one loaded folder as a table: one row per message, in UID order, held in a few
 * typed arrays plus one byte buffer of file base names, instead of a JavaScript object (and a Date,
 * a flags array, two strings) per message. A folder of 100,000 messages costs about 9 MiB here
 * instead of about 42 MiB (docs/store.md, "Large folders").
 *
 * A message's flag letters are not stored apart from its file name: they are the letters after
 * `:2,`, kept as bits (A..Z and a..z), so the name is rebuilt as `base` or `base:2,<letters>`. A
 * name that cannot be rebuilt that way (another program's unusual name) is kept whole on the side.
 */

/** In cur/ (else new/). */
const formCur = 1;
/** The name has an info part (`:2,<letters>`); a file in new/ usually has none. */
const formInfo = 2;
/** Name or letters cannot be rebuilt from the bits: both are in `irregular`. */
const formIrregular = 4;
/** \Recent and not taken by any session yet. */
const formRecent = 8;

/** 2^26: the letters A..Z are bits 26..51 of a letter set, a..z bits 0..25. */
const upperShift = 67_108_864;

/**
 * The letter set of a string of flag letters (A..Z and a..z as bits), or -1 when the string is not
 * exactly the set's letters in ASCII order (other characters, duplicates, another order).
 */
export function letterSetOf(letters: string): number {
  let upper = 0;
  let lower = 0;
  let previous = -1;
  for (let i = 0; i < letters.length; i++) {
    const code = letters.charCodeAt(i);
    if (code <= previous) return -1;
    previous = code;
    if (code >= 0x41 && code <= 0x5a) upper |= 1 << (code - 0x41);
    else if (code >= 0x61 && code <= 0x7a) lower |= 1 << (code - 0x61);
    else return -1;
  }
  return (upper >>> 0) * upperShift + (lower >>> 0);
}

const letterStrings = new Map<number, string>();

/** The letters of a letter set in ASCII order (upper case first, as Maildir sorts them). */
export function lettersOfSet(set: number): string {
  if (set === 0) return '';
  let letters = letterStrings.get(set);
  if (letters !== undefined) return letters;
  letters = '';
  const upper = Math.floor(set / upperShift);
  const lower = set % upperShift;
  for (let bit = 0; bit < 26; bit++) if (upper & (1 << bit)) letters += String.fromCharCode(0x41 + bit);
  for (let bit = 0; bit < 26; bit++) if (lower & (1 << bit)) letters += String.fromCharCode(0x61 + bit);
  // Few distinct sets occur in a store: a bounded cache of their strings saves rebuilding them.
  if (letterStrings.size < 4096) letterStrings.set(set, letters);
  return letters;
}

/** Where `uid` is among the first `length` entries of an ascending UID column, or -1. */
export function indexOfUid(uids: Uint32Array, length: number, uid: number): number {
  let low = 0;
  let high = length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (uids[middle]! < uid) low = middle + 1;
    else high = middle;
  }
  return low < length && uids[low] === uid ? low : -1;
}

/** A row's values as given to `push`. */
export interface MessageRow {
  uid: number;
  base: string;
  subdir: 'new' | 'cur';
  fileName: string;
  size: number;
  /** ms since the epoch (INTERNALDATE). */
  internalTime: number;
  modseq: number;
  /** dovecot-uidlist extensions, '' when none. */
  extensions: string;
  recent: boolean;
}

/** Rows added at once before the arrays grow again (and spare room kept after a load). */
const minimumGrowth = 64;

/** The messages of one folder, by row (0-based, UID order). */
export class MessageTable {
  /** Number of messages. */
  length = 0;
  /** Rows that are \Recent and not yet taken. */
  recentCount = 0;
  private uids: Uint32Array;
  private sizes: Float64Array;
  private times: Float64Array;
  private modseqs: Float64Array;
  private letterSets: Float64Array;
  private forms: Uint8Array;
  private nameStarts: Uint32Array;
  private nameLengths: Uint16Array;
  private names: Buffer;
  private namesUsed = 0;
  private namesDead = 0;
  /** Exact names and letters of rows whose name cannot be rebuilt from the bits, by UID. */
  private readonly irregular = new Map<number, { fileName: string; letters: string }>();
  /** dovecot-uidlist extensions of the few records that have them, by UID. */
  private readonly extensionsByUid = new Map<number, string>();

  /** An empty table with room for `capacity` rows and `nameBytes` bytes of names. */
  constructor(capacity = 0, nameBytes = 0) {
    this.uids = new Uint32Array(capacity);
    this.sizes = new Float64Array(capacity);
    this.times = new Float64Array(capacity);
    this.modseqs = new Float64Array(capacity);
    this.letterSets = new Float64Array(capacity);
    this.forms = new Uint8Array(capacity);
    this.nameStarts = new Uint32Array(capacity);
    this.nameLengths = new Uint16Array(capacity);
    this.names = Buffer.allocUnsafeSlow(nameBytes);
  }

  /** Bytes held (arrays, names and the side maps, roughly): what the folder cache counts. */
  get byteSize(): number {
    const perRow = 4 + 8 + 8 + 8 + 8 + 1 + 4 + 2;
    return (
      this.uids.length * perRow + this.names.length + (this.irregular.size + this.extensionsByUid.size) * 200
    );
  }

  /** Adds a row after the last (its UID must be above every UID in the table). */
  push(row: MessageRow): void {
    if (this.length === this.uids.length)
      this.growRows(this.length + Math.max(minimumGrowth, this.length >> 3));
    const bytes = Buffer.byteLength(row.base);
    if (this.namesUsed + bytes > this.names.length) this.growNames(bytes);
    const at = this.length++;
    this.uids[at] = row.uid;
    this.sizes[at] = row.size;
    this.times[at] = row.internalTime;
    this.modseqs[at] = row.modseq;
    this.nameStarts[at] = this.namesUsed;
    this.nameLengths[at] = bytes;
    this.names.write(row.base, this.namesUsed, bytes, 'utf8');
    this.namesUsed += bytes;
    this.forms[at] = 0;
    if (row.extensions !== '') this.extensionsByUid.set(row.uid, row.extensions);
    this.placeFile(at, row.base, row.subdir, row.fileName);
    if (row.recent) this.setRecent(at, true);
  }

  /** The row of a UID, or -1. */
  rowOf(uid: number): number {
    return indexOfUid(this.uids, this.length, uid);
  }

  uid(row: number): number {
    return this.uids[row]!;
  }

  size(row: number): number {
    return this.sizes[row]!;
  }

  setSize(row: number, size: number): void {
    this.sizes[row] = size;
  }

  /** INTERNALDATE in ms since the epoch. */
  internalTime(row: number): number {
    return this.times[row]!;
  }

  setInternalTime(row: number, time: number): void {
    this.times[row] = time;
  }

  modseq(row: number): number {
    return this.modseqs[row]!;
  }

  setModseq(row: number, modseq: number): void {
    this.modseqs[row] = modseq;
  }

  /** The flag letters after `:2,` as a set (see letterSetOf); irregular letters give their valid ones. */
  letterSet(row: number): number {
    return this.letterSets[row]!;
  }

  /** The flag letters of the file name, exactly. */
  letters(row: number): string {
    if (this.forms[row]! & formIrregular) return this.irregular.get(this.uids[row]!)!.letters;
    return lettersOfSet(this.letterSets[row]!);
  }

  /** True when the flag letters hold `letter` (one of A..Z, a..z). */
  hasLetter(row: number, letter: string): boolean {
    const code = letter.charCodeAt(0);
    const set = this.letterSets[row]!;
    if (code >= 0x61) return ((set % upperShift) & (1 << (code - 0x61))) !== 0;
    return (Math.floor(set / upperShift) & (1 << (code - 0x41))) !== 0;
  }

  subdir(row: number): 'new' | 'cur' {
    return this.forms[row]! & formCur ? 'cur' : 'new';
  }

  /** The base name (the part before `:2,`, which dovecot-uidlist maps to the UID). */
  base(row: number): string {
    const start = this.nameStarts[row]!;
    return this.names.toString('utf8', start, start + this.nameLengths[row]!);
  }

  /** The file's current name in its subdirectory. */
  fileName(row: number): string {
    const form = this.forms[row]!;
    if (form & formIrregular) return this.irregular.get(this.uids[row]!)!.fileName;
    const base = this.base(row);
    return form & formInfo ? `${base}:2,${lettersOfSet(this.letterSets[row]!)}` : base;
  }

  extensions(row: number): string {
    return this.extensionsByUid.get(this.uids[row]!) ?? '';
  }

  /** Notes a row's file under a new name or subdirectory (its base stays). */
  setFile(row: number, subdir: 'new' | 'cur', fileName: string): void {
    this.placeFile(row, this.base(row), subdir, fileName);
  }

  private placeFile(row: number, base: string, subdir: 'new' | 'cur', fileName: string): void {
    const uid = this.uids[row]!;
    // The name is the base, or the base, `:` and an info part: `2,` and the flag letters.
    const info = fileName.length > base.length ? fileName.slice(base.length + 1) : '';
    const letters = info.startsWith('2,') ? info.slice(2) : '';
    const set = letterSetOf(letters);
    let form = (this.forms[row]! & formRecent) | (subdir === 'cur' ? formCur : 0);
    this.irregular.delete(uid);
    const rebuilt = fileName.startsWith(base) && (info === '' || fileName.charCodeAt(base.length) === 0x3a);
    if (rebuilt && set >= 0 && fileName.length === base.length) {
      this.letterSets[row] = 0;
    } else if (rebuilt && set >= 0 && info.startsWith('2,')) {
      form |= formInfo;
      this.letterSets[row] = set;
    } else {
      form |= formIrregular;
      this.letterSets[row] = letterSetOf([...new Set(letters.replace(/[^A-Za-z]/g, ''))].sort().join(''));
      this.irregular.set(uid, { fileName, letters });
    }
    this.forms[row] = form;
  }

  isRecent(row: number): boolean {
    return (this.forms[row]! & formRecent) !== 0;
  }

  setRecent(row: number, recent: boolean): void {
    const was = this.isRecent(row);
    if (was === recent) return;
    this.forms[row] = recent ? this.forms[row]! | formRecent : this.forms[row]! & ~formRecent;
    this.recentCount += recent ? 1 : -1;
  }

  /**
   * The UID column: rows 0..length-1. Never changed in place below `length` (rows are added after
   * it; a removal makes a new array), so a session's list can keep it as it was.
   */
  get uidArray(): Uint32Array {
    return this.uids;
  }

  /** Counts removals: while it is unchanged, a row's index in an earlier `uidArray` is still its row. */
  removals = 0;

  /** Removes rows (ascending, distinct); the rows after them move up. */
  remove(rows: readonly number[]): void {
    if (rows.length === 0) return;
    for (const row of rows) {
      const uid = this.uids[row]!;
      if (this.isRecent(row)) this.recentCount--;
      this.namesDead += this.nameLengths[row]!;
      this.irregular.delete(uid);
      this.extensionsByUid.delete(uid);
    }
    // A new UID column (lists kept by sessions still read the old one); the others move up in place.
    const uids = new Uint32Array(this.uids.length);
    const columns = [
      this.sizes,
      this.times,
      this.modseqs,
      this.letterSets,
      this.forms,
      this.nameStarts,
      this.nameLengths,
    ];
    uids.set(this.uids.subarray(0, rows[0]!));
    // Each run of kept rows between removed ones moves up in one copy per column.
    let write = rows[0]!;
    for (let k = 0; k < rows.length; k++) {
      const from = rows[k]! + 1;
      const to = k + 1 < rows.length ? rows[k + 1]! : this.length;
      if (to > from) {
        uids.set(this.uids.subarray(from, to), write);
        for (const column of columns) column.copyWithin(write, from, to);
      }
      write += to - from;
    }
    this.uids = uids;
    this.length = write;
    this.removals++;
    // Names of removed rows are dead bytes: rewritten away once they outweigh the live ones.
    if (this.namesDead > minimumGrowth * 64 && this.namesDead > this.namesUsed - this.namesDead)
      this.packNames(0);
    if (this.uids.length > 2 * this.length + minimumGrowth) this.growRows(this.length + (this.length >> 3));
  }

  /** Removes every row (the folder was deleted). */
  clear(): void {
    this.remove(Array.from({ length: this.length }, (_, row) => row));
  }

  private growRows(capacity: number): void {
    const resize = <T extends Uint32Array | Float64Array | Uint8Array | Uint16Array>(
      array: T,
      make: (n: number) => T,
    ): T => {
      const next = make(capacity);
      next.set(array.subarray(0, this.length));
      return next;
    };
    this.uids = resize(this.uids, (n) => new Uint32Array(n));
    this.sizes = resize(this.sizes, (n) => new Float64Array(n));
    this.times = resize(this.times, (n) => new Float64Array(n));
    this.modseqs = resize(this.modseqs, (n) => new Float64Array(n));
    this.letterSets = resize(this.letterSets, (n) => new Float64Array(n));
    this.forms = resize(this.forms, (n) => new Uint8Array(n));
    this.nameStarts = resize(this.nameStarts, (n) => new Uint32Array(n));
    this.nameLengths = resize(this.nameLengths, (n) => new Uint16Array(n));
  }

  private growNames(needed: number): void {
    const live = this.namesUsed - this.namesDead;
    this.packNames(Math.max(needed, (live >> 3) + minimumGrowth * 64));
  }

  /** Copies the live names into a new buffer with `spare` bytes of room after them. */
  private packNames(spare: number): void {
    const live = this.namesUsed - this.namesDead;
    const next = Buffer.allocUnsafeSlow(live + spare);
    let used = 0;
    for (let row = 0; row < this.length; row++) {
      const start = this.nameStarts[row]!;
      const length = this.nameLengths[row]!;
      this.names.copy(next, used, start, start + length);
      this.nameStarts[row] = used;
      used += length;
    }
    this.names = next;
    this.namesUsed = used;
    this.namesDead = 0;
  }
}
