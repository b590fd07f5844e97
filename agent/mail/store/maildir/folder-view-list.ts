/**
 * A session's message list (its sequence-number map) as of its last refresh, without an object per
 * message: the UIDs are the folder table's own UID column as it was (message-table.ts never changes
 * it in place below its length, and makes a new one on removal), flags and the rest are read from
 * the table, and only messages changed or removed since the refresh are kept here as they were.
 */
import type { MessageList, MessageSummary } from '../mail-storage.js';
import type { FolderStore } from './folder-store.js';
import { indexOfUid } from './message-table.js';

/** A message as the list must go on showing it (changed or removed after the refresh). */
interface KeptMessage {
  letterSet: number;
  time: number;
  size: number;
  modseq: number;
}

const noFlags: readonly string[] = Object.freeze([]);

/** One list, fixed at a refresh (or at a change the session made itself). */
export class FolderViewList implements MessageList {
  /** Messages changed or removed by others since the list was made, as they were, by UID. */
  readonly kept: Map<number, KeptMessage>;

  /**
   * @param uids UIDs at positions 0..length-1 (not changed by anyone while the list is used).
   * @param removals The table's removal count when `uids` was its UID column (-1: a copy of ours),
   *   so positions are rows while the table has removed nothing since.
   */
  constructor(
    private readonly store: FolderStore,
    private readonly uids: Uint32Array,
    readonly length: number,
    private readonly removals: number,
    kept?: Map<number, KeptMessage>,
  ) {
    this.kept = kept ?? new Map();
  }

  /** The folder's list now. */
  static current(store: FolderStore): FolderViewList {
    return new FolderViewList(store, store.table.uidArray, store.count, store.table.removals);
  }

  /** True while positions are still the table's rows (nothing removed since the list was made). */
  get rowsHold(): boolean {
    return this.removals === this.store.table.removals;
  }

  uid(index: number): number {
    return this.uids[index]!;
  }

  indexOf(uid: number): number {
    return indexOfUid(this.uids, this.length, uid);
  }

  modseq(index: number): number {
    const kept = this.keptAt(index);
    if (kept) return kept.modseq;
    const row = this.rowAt(index);
    return row < 0 ? 0 : this.store.table.modseq(row);
  }

  size(index: number): number {
    const kept = this.keptAt(index);
    if (kept) return kept.size;
    const row = this.rowAt(index);
    return row < 0 ? 0 : this.store.table.size(row);
  }

  flags(index: number): readonly string[] {
    const kept = this.keptAt(index);
    if (kept) return this.store.flagsOf(kept.letterSet);
    const row = this.rowAt(index);
    return row < 0 ? noFlags : this.store.flagsOf(this.store.table.letterSet(row));
  }

  at(index: number): MessageSummary {
    const uid = this.uids[index]!;
    const kept = this.keptAt(index);
    if (kept) {
      return {
        uid,
        flags: this.store.flagsOf(kept.letterSet),
        internalDate: new Date(kept.time),
        size: kept.size,
        modseq: kept.modseq,
      };
    }
    const row = this.rowAt(index);
    // Gone without a trace (the folder was deleted): the session hears of it at its next refresh.
    if (row < 0) return { uid, flags: noFlags, internalDate: new Date(0), size: 0, modseq: 0 };
    return this.store.summaryAt(row);
  }

  /** Row `row` of the table is about to change or go: keep it as it is, if this list shows it. */
  keep(row: number): void {
    const table = this.store.table;
    const uid = table.uid(row);
    if (this.kept.has(uid)) return;
    if (this.rowsHold ? row >= this.length : this.indexOf(uid) < 0) return;
    this.kept.set(uid, {
      letterSet: table.letterSet(row),
      time: table.internalTime(row),
      size: table.size(row),
      modseq: table.modseq(row),
    });
  }

  /** This list without `uids` (the session removed them itself); what it kept of others goes along. */
  without(uids: ReadonlySet<number>): FolderViewList {
    const rest = new Uint32Array(this.length);
    let length = 0;
    for (let i = 0; i < this.length; i++) {
      const uid = this.uids[i]!;
      if (!uids.has(uid)) rest[length++] = uid;
    }
    for (const uid of uids) this.kept.delete(uid);
    return new FolderViewList(this.store, rest, length, -1, this.kept);
  }

  private keptAt(index: number): KeptMessage | undefined {
    return this.kept.size === 0 ? undefined : this.kept.get(this.uids[index]!);
  }

  private rowAt(index: number): number {
    return this.rowsHold ? index : this.store.table.rowOf(this.uids[index]!);
  }
}
