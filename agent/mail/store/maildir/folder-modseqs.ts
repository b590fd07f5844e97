/**
 * The mod-sequences of one folder (RFC 7162): the highest given, the history of expunges for
 * QRESYNC's VANISHED, and the `mailfleet-modseq` file behind them (modseq-log.ts). Every method but
 * `load` runs inside the folder's lane.
 */
import type { MessageTable } from './message-table.js';
import {
  appendCeiling,
  appendModseqLines,
  type ExpungeRecord,
  expungeLine,
  messageLine,
  rewriteModseqLog,
  scanModseqLog,
} from './modseq-log.js';
import { TextChunks } from './text-chunks.js';

/** Mod-sequences reserved by one fsynced ceiling line. */
const reserveAhead = 4096;
/** Expunges remembered for VANISHED; older ones are forgotten (VANISHED then names every UID gone). */
const maxExpunges = 100_000;

/** Mod-sequences of one folder. */
export class FolderModseqs {
  /** The highest mod-sequence of any change in the folder (HIGHESTMODSEQ). */
  highest: number;
  private ceiling: number;
  private expungedUids: number[] = [];
  private expungedModseqs: number[] = [];
  /** Expunges at or below this mod-sequence may be missing from the history. */
  private historyFloor: number;
  private pending = '';
  private lines = 0;

  private constructor(
    private path: string,
    private readonly uidValidity: number,
    highest: number,
    ceiling: number,
    historyFloor: number,
  ) {
    this.highest = highest;
    this.ceiling = ceiling;
    this.historyFloor = historyFloor;
  }

  /** Bytes held in memory, roughly: the expunge history. */
  get byteSize(): number {
    return this.expungedUids.length * 16 + this.pending.length;
  }

  /** The folder directory moved (RENAME). */
  moveTo(path: string): void {
    this.path = path;
  }

  /**
   * Reads the file and checks it against the folder's messages, giving each row of `table` its
   * mod-sequence. `floor`: a mod-sequence this process already handed out for the folder before it
   * was dropped from memory (none is given again). Rewrites the file when anything had to be given
   * a new one.
   */
  static async load(
    path: string,
    uidValidity: number,
    table: MessageTable,
    afterCrash: boolean,
    floor = 0,
  ): Promise<FolderModseqs> {
    // The last line of each message in the file, by row (0: none); -1 where its letters differ.
    const logged = new Float64Array(table.length);
    // Messages of the file that are not in the folder any more, with their last mod-sequence.
    const missing = new Map<number, number>();
    const expungedUids: number[] = [];
    const expungedModseqs: number[] = [];
    let recordsHighest = 0;
    const log = await scanModseqLog(path, uidValidity, {
      message: (uid, modseq, letters) => {
        recordsHighest = Math.max(recordsHighest, modseq);
        const row = table.rowOf(uid);
        if (row < 0) missing.set(uid, modseq);
        else logged[row] = table.letters(row) === letters ? modseq : -1;
      },
      expunge: (uid, modseq) => {
        recordsHighest = Math.max(recordsHighest, modseq);
        const row = table.rowOf(uid);
        if (row < 0) missing.delete(uid);
        else logged[row] = 0;
        expungedUids.push(uid);
        expungedModseqs.push(modseq);
      },
    });
    // After a crash, anything up to the ceiling may have been seen by a client: start above it.
    const start = Math.max(floor, log ? (afterCrash ? log.highest : recordsHighest) : 0);
    const state = new FolderModseqs(path, uidValidity, start, log?.highest ?? 0, 0);
    if (log) state.rememberAll(expungedUids, expungedModseqs);
    let fresh: number | undefined;
    for (let row = 0; row < table.length; row++) {
      const modseq = logged[row]!;
      if (modseq > 0) {
        table.setModseq(row, modseq);
        continue;
      }
      // New to the file, or its flags were changed by another program: a change now.
      fresh ??= state.highest + 1;
      table.setModseq(row, fresh);
    }
    if (missing.size > 0) fresh ??= state.highest + 1;
    for (const uid of missing.keys()) state.remember({ uid, modseq: fresh! });
    if (fresh !== undefined) state.highest = fresh;
    if (!log) state.historyFloor = state.highest;
    const rewrite =
      !log || fresh !== undefined || log.lines > 2 * (table.length + expungedUids.length) + 1024;
    if (rewrite) await state.rewrite(messageLines(table), table.length);
    else state.lines = log.lines;
    return state;
  }

  /** A new mod-sequence for one change (one STORE, one commit, one EXPUNGE). */
  async next(): Promise<number> {
    const modseq = this.highest + 1;
    if (modseq > this.ceiling) {
      this.ceiling = modseq + reserveAhead;
      await appendCeiling(this.path, this.ceiling);
      this.lines++;
    }
    this.highest = modseq;
    return modseq;
  }

  /** Notes a message's new state (written by `flush`). */
  recordMessage(uid: number, modseq: number, letters: string): void {
    this.pending += messageLine(uid, modseq, letters);
    this.lines++;
  }

  /** Notes an expunge (written by `flush`). */
  recordExpunge(uid: number, modseq: number): void {
    this.pending += expungeLine(uid, modseq);
    this.lines++;
    this.remember({ uid, modseq });
  }

  /** Writes what was noted. */
  async flush(): Promise<void> {
    const lines = this.pending;
    this.pending = '';
    await appendModseqLines(this.path, lines);
  }

  /** True when the file holds many more lines than messages and expunges: time to rewrite it. */
  wantsCompaction(liveMessages: number): boolean {
    return this.lines > 2 * (liveMessages + this.expungedUids.length) + 1024;
  }

  /** Rewrites the file from the live messages' lines plus the expunge history. */
  async rewrite(messageLines: Buffer, messageCount: number): Promise<void> {
    const expunges = new TextChunks();
    for (let i = 0; i < this.expungedUids.length; i++)
      expunges.add(expungeLine(this.expungedUids[i]!, this.expungedModseqs[i]!));
    const body = Buffer.concat([messageLines, expunges.toBuffer()]);
    this.ceiling = Math.max(this.ceiling, this.highest + reserveAhead);
    this.pending = '';
    await rewriteModseqLog(this.path, this.uidValidity, this.ceiling, body);
    this.lines = 2 + this.expungedUids.length + messageCount;
  }

  /** UIDs expunged after `modseq`; undefined when the history does not reach back that far. */
  expungedSince(modseq: number): number[] | undefined {
    if (modseq < this.historyFloor) return undefined;
    // Expunges are remembered in mod-sequence order: find the first one after `modseq`.
    let low = 0;
    let high = this.expungedModseqs.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.expungedModseqs[middle]! <= modseq) low = middle + 1;
      else high = middle;
    }
    return this.expungedUids.slice(low);
  }

  /** The file's expunges (in file order): sorted by mod-sequence, the last `maxExpunges` kept. */
  private rememberAll(uids: number[], modseqs: number[]): void {
    let sorted = true;
    for (let i = 1; i < modseqs.length && sorted; i++) sorted = modseqs[i - 1]! <= modseqs[i]!;
    if (!sorted) {
      const order = modseqs.map((_, i) => i).sort((a, b) => modseqs[a]! - modseqs[b]!);
      uids = order.map((i) => uids[i]!);
      modseqs = order.map((i) => modseqs[i]!);
    }
    this.expungedUids = uids;
    this.expungedModseqs = modseqs;
    this.trimHistory();
  }

  private remember(expunge: ExpungeRecord): void {
    this.expungedUids.push(expunge.uid);
    this.expungedModseqs.push(expunge.modseq);
    this.trimHistory();
  }

  private trimHistory(): void {
    if (this.expungedUids.length > maxExpunges) {
      const drop = this.expungedUids.length - maxExpunges;
      this.historyFloor = Math.max(this.historyFloor, this.expungedModseqs[drop - 1]!);
      this.expungedUids.splice(0, drop);
      this.expungedModseqs.splice(0, drop);
    }
  }
}

/** The message lines of every row of a table (the body of a rewritten file). */
export function messageLines(table: MessageTable): Buffer {
  const lines = new TextChunks();
  for (let row = 0; row < table.length; row++)
    lines.add(messageLine(table.uid(row), table.modseq(row), table.letters(row)));
  return lines.toBuffer();
}
