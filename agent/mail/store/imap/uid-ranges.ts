/**
 * A set of UIDs kept as sorted, disjoint ranges: a session's \Recent messages are nearly always a
 * few runs of consecutive UIDs (everything new at SELECT, then each arrival), so 100,000 recent
 * messages cost a few numbers rather than a Set of 100,000.
 */
import { lowerBound } from '../../protocol/imap/sequence-set.js';

/** Sorted disjoint inclusive ranges of UIDs. */
export class UidRanges {
  private starts: number[] = [];
  private ends: number[] = [];

  /** Adds UIDs (any order). */
  add(uids: readonly number[]): void {
    if (uids.length === 0) return;
    const sorted = isAscending(uids) ? uids : [...uids].sort((a, b) => a - b);
    for (const uid of sorted) this.addOne(uid);
  }

  /** True when `uid` is in the set. */
  has(uid: number): boolean {
    const index = lowerBound(this.ends.length, (i) => this.ends[i]!, uid);
    return index < this.ends.length && this.starts[index]! <= uid;
  }

  /** How many of the UIDs of a UID-ordered list are in the set. */
  countIn(length: number, uidAt: (index: number) => number): number {
    let count = 0;
    for (let r = 0; r < this.starts.length; r++) {
      const from = lowerBound(length, uidAt, this.starts[r]!);
      const to = lowerBound(length, uidAt, this.ends[r]! + 1);
      count += to - from;
    }
    return count;
  }

  private addOne(uid: number): void {
    const last = this.ends.length - 1;
    // The common case: UIDs arrive in increasing order.
    if (last < 0 || uid > this.ends[last]! + 1) {
      this.starts.push(uid);
      this.ends.push(uid);
      return;
    }
    if (uid === this.ends[last]! + 1) {
      this.ends[last] = uid;
      return;
    }
    if (this.has(uid)) return;
    const index = lowerBound(this.ends.length, (i) => this.ends[i]!, uid);
    const joinsBefore = index > 0 && this.ends[index - 1] === uid - 1;
    const joinsAfter = index < this.starts.length && this.starts[index] === uid + 1;
    if (joinsBefore && joinsAfter) {
      this.ends[index - 1] = this.ends[index]!;
      this.starts.splice(index, 1);
      this.ends.splice(index, 1);
    } else if (joinsBefore) {
      this.ends[index - 1] = uid;
    } else if (joinsAfter) {
      this.starts[index] = uid;
    } else {
      this.starts.splice(index, 0, uid);
      this.ends.splice(index, 0, uid);
    }
  }
}

function isAscending(uids: readonly number[]): boolean {
  for (let i = 1; i < uids.length; i++) if (uids[i]! <= uids[i - 1]!) return false;
  return true;
}
