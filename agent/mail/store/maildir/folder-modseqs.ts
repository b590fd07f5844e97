/**
 * The mod-sequences of one folder (RFC 7162): the highest given, the history of expunges for
 * QRESYNC's VANISHED, and the `mailfleet-modseq` file behind them (modseq-log.ts). Every method but
 * `load` runs inside the folder's lane.
 */
import {
  appendCeiling,
  appendModseqLines,
  type ExpungeRecord,
  expungeLine,
  messageLine,
  readModseqLog,
  rewriteModseqLog,
} from './modseq-log.js';

/** Mod-sequences reserved by one fsynced ceiling line. */
const reserveAhead = 4096;
/** Expunges remembered for VANISHED; older ones are forgotten (VANISHED then names every UID gone). */
const maxExpunges = 100_000;

/** A message as the check at load sees it. */
export interface ModseqCandidate {
  uid: number;
  letters: string;
}

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

  /** The folder directory moved (RENAME). */
  moveTo(path: string): void {
    this.path = path;
  }

  /**
   * Reads the file and checks it against the folder's messages; returns the mod-sequence of each
   * message (in the order given). Rewrites the file when anything had to be given a new one.
   */
  static async load(
    path: string,
    uidValidity: number,
    messages: readonly ModseqCandidate[],
    afterCrash: boolean,
  ): Promise<{ modseqs: FolderModseqs; perMessage: number[] }> {
    const log = await readModseqLog(path, uidValidity);
    let recordsHighest = 0;
    for (const record of log?.messages.values() ?? [])
      recordsHighest = Math.max(recordsHighest, record.modseq);
    for (const expunge of log?.expunges ?? []) recordsHighest = Math.max(recordsHighest, expunge.modseq);
    // After a crash, anything up to the ceiling may have been seen by a client: start above it.
    const start = log ? (afterCrash ? log.highest : recordsHighest) : 0;
    const state = new FolderModseqs(path, uidValidity, start, log?.highest ?? 0, 0);
    for (const expunge of log?.expunges ?? []) state.remember(expunge);
    const perMessage: number[] = [];
    let fresh: number | undefined;
    const live = new Set<number>();
    for (const message of messages) {
      live.add(message.uid);
      const record = log?.messages.get(message.uid);
      if (record && record.letters === message.letters) {
        perMessage.push(record.modseq);
        continue;
      }
      // New to the file, or its flags were changed by another program: a change now.
      fresh ??= state.highest + 1;
      perMessage.push(fresh);
    }
    const gone = log ? [...log.messages.keys()].filter((uid) => !live.has(uid)) : [];
    if (gone.length > 0) fresh ??= state.highest + 1;
    for (const uid of gone) state.remember({ uid, modseq: fresh! });
    if (fresh !== undefined) state.highest = fresh;
    if (!log) state.historyFloor = state.highest;
    const rewrite =
      !log || fresh !== undefined || log.lines > 2 * (messages.length + log.expunges.length) + 1024;
    if (rewrite) {
      let body = '';
      for (let i = 0; i < messages.length; i++)
        body += messageLine(messages[i]!.uid, perMessage[i]!, messages[i]!.letters);
      await state.rewrite(body, messages.length);
    } else state.lines = log!.lines;
    return { modseqs: state, perMessage };
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
  async rewrite(messageLines: string, messageCount: number): Promise<void> {
    let body = messageLines;
    for (let i = 0; i < this.expungedUids.length; i++)
      body += expungeLine(this.expungedUids[i]!, this.expungedModseqs[i]!);
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

  private remember(expunge: ExpungeRecord): void {
    this.expungedUids.push(expunge.uid);
    this.expungedModseqs.push(expunge.modseq);
    if (this.expungedUids.length > maxExpunges) {
      const drop = this.expungedUids.length - maxExpunges;
      this.historyFloor = Math.max(this.historyFloor, this.expungedModseqs[drop - 1]!);
      this.expungedUids.splice(0, drop);
      this.expungedModseqs.splice(0, drop);
    }
  }
}
