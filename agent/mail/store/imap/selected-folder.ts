/**
 * The folder a session has selected: the storage's view (whose message list is the session's
 * sequence-number map, because it only changes when the session refreshes it or acts itself), the
 * messages that are \Recent to this session, the keywords announced to the client, and turning
 * refreshed changes into untagged EXPUNGE (or VANISHED) / EXISTS / RECENT / FETCH.
 */
import {
  formatSequence,
  resolveSequenceNumbers,
  resolveUids,
  type SequenceSet,
} from '../../protocol/imap/sequence-set.js';
import { type FolderView, type MessageList, type MessageSummary, systemFlags } from '../mail-storage.js';
import { formatFlags } from './message-attributes.js';
import { UidRanges } from './uid-ranges.js';

/** RFC 7162 state of the session that selected the folder. */
export interface ModseqMode {
  /** CONDSTORE enabled: FETCH responses carrying FLAGS carry MODSEQ too. */
  condstore: boolean;
  /** QRESYNC enabled: expunges are announced as VANISHED. */
  qresync: boolean;
}

/** A selected folder. */
export class SelectedFolder {
  /** Another session or a delivery changed the folder since the last refresh. */
  dirty = false;
  private readonly recent = new UidRanges();
  /** Keywords (lower case) the client has been told about in FLAGS. */
  private readonly announced = new Set<string>();
  /** UIDs saved by SEARCH RETURN (SAVE), ascending: what `$` names (RFC 5182). */
  savedResult: readonly number[] = [];

  private constructor(
    readonly view: FolderView,
    readonly readOnly: boolean,
    readonly mode: ModseqMode,
  ) {}

  /**
   * Selects: a read-write session takes the folder's \Recent messages (no other session will see
   * them as \Recent); a read-only one (EXAMINE) sees them without taking them.
   */
  static async open(view: FolderView, readOnly: boolean, mode: ModseqMode): Promise<SelectedFolder> {
    const selected = new SelectedFolder(view, readOnly, mode);
    selected.recent.add(readOnly ? view.peekRecent() : await view.claimRecent());
    return selected;
  }

  get name(): string {
    return this.view.name;
  }

  /** The session's message list (its sequence numbers), as of the last refresh. */
  messages(): MessageList {
    return this.view.list();
  }

  isRecent(uid: number): boolean {
    return this.recent.has(uid);
  }

  recentCount(): number {
    const messages = this.messages();
    return this.recent.countIn(messages.length, (i) => messages.uid(i));
  }

  /** The `FLAGS (...)` and `OK [PERMANENTFLAGS (...)]` lines for the folder's keywords now. */
  flagsLines(): string[] {
    const keywords = this.view.keywords();
    for (const keyword of keywords) this.announced.add(keyword.toLowerCase());
    const flags = [...systemFlags, ...keywords].join(' ');
    const permanent = this.readOnly
      ? ''
      : [...systemFlags, ...keywords, ...(this.view.keywordsFull() ? [] : ['\\*'])].join(' ');
    return [`* FLAGS (${flags})`, `* OK [PERMANENTFLAGS (${permanent})] Flags permitted`];
  }

  /**
   * The FLAGS lines again when the folder gained keywords the client was not told about (another
   * session or this one created them): a client must hear of a keyword before seeing it on a
   * message (RFC 3501 7.2.6). Empty when nothing is new.
   */
  keywordLines(): string[] {
    const keywords = this.view.keywords();
    if (keywords.every((keyword) => this.announced.has(keyword.toLowerCase()))) return [];
    return this.flagsLines();
  }

  /** ` MODSEQ (n)` to append inside a FETCH response carrying FLAGS, when CONDSTORE is on. */
  modseqItem(summary: MessageSummary): string {
    return this.mode.condstore ? ` MODSEQ (${summary.modseq})` : '';
  }

  /** The untagged FETCH for a message's flags (changed by this session or another). */
  flagsFetchLine(seq: number, summary: MessageSummary, withUid: boolean): string {
    const uid = withUid || this.mode.qresync ? ` UID ${summary.uid}` : '';
    return `* ${seq} FETCH (FLAGS ${formatFlags(summary.flags, this.isRecent(summary.uid))}${uid}${this.modseqItem(summary)})`;
  }

  /** Positions (0-based, ascending) named by a sequence set of UIDs or sequence numbers. */
  positions(set: SequenceSet, uid: boolean): number[] {
    const messages = this.messages();
    // `$` names the same messages in both forms; expunged ones have simply left the list.
    if (set.saved)
      return this.savedResult
        .map((saved) => this.positionOf(saved, messages))
        .filter((index) => index !== -1);
    if (uid) return resolveUids(set, messages.length, (i) => messages.uid(i));
    return resolveSequenceNumbers(set, messages.length).map((seq) => seq - 1);
  }

  /** Position of a UID in the current list, or -1. */
  positionOf(uid: number, messages: MessageList = this.messages()): number {
    return messages.indexOf(uid);
  }

  /**
   * How the client hears that UIDs left `before`: `* VANISHED uids` with QRESYNC (RFC 7162 3.2.10),
   * else sequence numbers as EXPUNGE, highest first, so each number is valid when read (RFC 3501 7.4.1).
   */
  expungeLines(before: MessageList, uids: readonly number[]): string[] {
    const present = uids.filter((uid) => this.positionOf(uid, before) !== -1);
    if (present.length === 0) return [];
    if (this.mode.qresync) return [`* VANISHED ${formatSequence([...present].sort((a, b) => a - b))}`];
    const sequences = present.map((uid) => this.positionOf(uid, before)).sort((a, b) => b - a);
    return sequences.map((index) => `* ${index + 1} EXPUNGE`);
  }

  /** Picks up others' changes; returns the untagged responses that tell the client. */
  async refresh(): Promise<string[]> {
    this.dirty = false;
    const before = this.messages();
    const changes = await this.view.refresh();
    const lines = this.expungeLines(before, changes.expunged);
    if (changes.added.length > 0) {
      const added = changes.added.map((s) => s.uid);
      // The first session to hear of a new message takes its \Recent (EXAMINE only looks).
      this.recent.add(this.readOnly ? this.view.peekRecent(added) : await this.view.claimRecent(added));
      lines.push(`* ${this.messages().length} EXISTS`, `* ${this.recentCount()} RECENT`);
    }
    const after = this.messages();
    const fetches: string[] = [];
    for (const summary of changes.flagsChanged) {
      const index = this.positionOf(summary.uid, after);
      if (index !== -1) fetches.push(this.flagsFetchLine(index + 1, summary, true));
    }
    lines.push(...this.keywordLines(), ...fetches);
    return lines;
  }
}
