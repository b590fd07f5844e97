/**
 * The folder a session has selected: the storage's view (whose message list is the session's
 * sequence-number map, because it only changes when the session refreshes it or acts itself), the
 * \Recent boundary, and turning refreshed changes into untagged EXPUNGE/EXISTS/RECENT/FETCH.
 */
import type { FolderView, MessageSummary } from '../mail-storage.js';
import { formatFlags } from './message-attributes.js';
import { lowerBound, resolveSequenceNumbers, resolveUids, type SequenceSet } from './sequence-set.js';

/** A selected folder. */
export class SelectedFolder {
  /** Another session or a delivery changed the folder since the last refresh. */
  dirty = false;
  /** UIDs saved by SEARCH RETURN (SAVE), ascending: what `$` names (RFC 5182). */
  savedResult: readonly number[] = [];

  /**
   * @param firstRecentUid Messages with this UID or higher are \Recent to this session: those that
   * were new at SELECT and those that arrive while it is selected (a simplified, consistent \Recent).
   */
  constructor(
    readonly view: FolderView,
    readonly readOnly: boolean,
    readonly firstRecentUid: number,
  ) {}

  get name(): string {
    return this.view.name;
  }

  messages(): readonly MessageSummary[] {
    return this.view.messages();
  }

  isRecent(uid: number): boolean {
    return uid >= this.firstRecentUid;
  }

  recentCount(): number {
    const messages = this.messages();
    return messages.length - lowerBound(messages.length, (i) => messages[i]!.uid, this.firstRecentUid);
  }

  /** Positions (0-based, ascending) named by a sequence set of UIDs or sequence numbers. */
  positions(set: SequenceSet, uid: boolean): number[] {
    const messages = this.messages();
    // `$` names the same messages in both forms; expunged ones have simply left the list.
    if (set.saved)
      return this.savedResult
        .map((saved) => this.positionOf(saved, messages))
        .filter((index) => index !== -1);
    if (uid) return resolveUids(set, messages.length, (i) => messages[i]!.uid);
    return resolveSequenceNumbers(set, messages.length).map((seq) => seq - 1);
  }

  /** Position of a UID in the current list, or -1. */
  positionOf(uid: number, messages: readonly MessageSummary[] = this.messages()): number {
    const index = lowerBound(messages.length, (i) => messages[i]!.uid, uid);
    return messages[index]?.uid === uid ? index : -1;
  }

  /**
   * Sequence numbers to announce as EXPUNGEd for UIDs leaving `before`, highest first, so each
   * number is valid when the client reads it (RFC 3501 7.4.1).
   */
  expungeLines(before: readonly MessageSummary[], uids: readonly number[]): string[] {
    const sequences = uids
      .map((uid) => this.positionOf(uid, before))
      .filter((index) => index !== -1)
      .sort((a, b) => b - a);
    return sequences.map((index) => `* ${index + 1} EXPUNGE`);
  }

  /** Picks up others' changes; returns the untagged responses that tell the client. */
  async refresh(): Promise<string[]> {
    this.dirty = false;
    const before = this.messages();
    const changes = await this.view.refresh();
    const lines = this.expungeLines(before, changes.expunged);
    if (changes.added.length > 0) {
      lines.push(`* ${this.messages().length} EXISTS`, `* ${this.recentCount()} RECENT`);
    }
    const after = this.messages();
    for (const summary of changes.flagsChanged) {
      const index = this.positionOf(summary.uid, after);
      if (index === -1) continue;
      lines.push(
        `* ${index + 1} FETCH (FLAGS ${formatFlags(summary.flags, this.isRecent(summary.uid))} UID ${summary.uid})`,
      );
    }
    return lines;
  }
}
