/**
 * A session's view of a folder (IMAP SELECT): the message list as of its last refresh, so sequence
 * numbers stay put until the session asks for changes. Changes it makes itself update its own list
 * at once; changes by others show up in `refresh()`.
 */

import { isMissing, readWholeFile } from '../../../common/durable-fs.js';
import {
  type FolderChanges,
  type FolderView,
  MailStorageError,
  type MessageSummary,
} from '../mail-storage.js';
import { toCrlf } from './crlf.js';
import { expungeMessages, moveNewToCur, setMessageFlags } from './folder-changes.js';
import type { FolderStore } from './folder-store.js';
import { copyMessages, moveMessages } from './folder-transfer.js';
import { maxKeywords } from './keyword-table.js';
import type { MailboxState } from './mailbox-state.js';
import { readMessageHeaderSync } from './message-header-file.js';

/** Compares two UID-ordered lists; a changed summary object means changed flags. */
export function diffSummaries(
  before: readonly MessageSummary[],
  after: readonly MessageSummary[],
): FolderChanges {
  const changes: FolderChanges = { added: [], flagsChanged: [], expunged: [] };
  let i = 0;
  let k = 0;
  while (i < before.length || k < after.length) {
    const old = before[i];
    const now = after[k];
    if (old && (!now || old.uid < now.uid)) {
      changes.expunged.push(old.uid);
      i++;
    } else if (now && (!old || now.uid < old.uid)) {
      changes.added.push(now);
      k++;
    } else if (old && now) {
      if (old !== now) changes.flagsChanged.push(now);
      i++;
      k++;
    }
  }
  return changes;
}

/** FolderView on a FolderStore. */
export class MaildirFolderView implements FolderView {
  private snapshot: readonly MessageSummary[];
  private seenVersion: number;
  private nextUid: number;
  private highest: number;
  private closed = false;

  constructor(
    private readonly store: FolderStore,
    private readonly state: MailboxState,
  ) {
    this.snapshot = store.summaries();
    this.seenVersion = store.version;
    this.nextUid = store.uidNext;
    this.highest = store.modseqs.highest;
    state.openViews++;
  }

  get name(): string {
    return this.store.name;
  }

  get uidValidity(): number {
    return this.store.uidValidity;
  }

  uidNext(): number {
    return this.nextUid;
  }

  messages(): readonly MessageSummary[] {
    return this.snapshot;
  }

  highestModseq(): number {
    return this.highest;
  }

  keywords(): readonly string[] {
    return this.store.keywords.keywords();
  }

  keywordsFull(): boolean {
    return this.store.keywords.keywords().length >= maxKeywords;
  }

  async claimRecent(uids?: readonly number[]): Promise<number[]> {
    const taken = this.store.claimRecent(uids);
    // Taken messages are not new any more: out of new/ (in the background: it is only bookkeeping).
    // Counted as work in flight, so the mailbox is not dropped and loaded again under the renames.
    if (taken.length > 0) void this.state.busy(() => moveNewToCur(this.store, taken)).catch(() => undefined);
    return taken;
  }

  peekRecent(uids?: readonly number[]): number[] {
    return this.store.peekRecent(uids);
  }

  expungedSince(modseq: number): number[] | undefined {
    return this.store.modseqs.expungedSince(modseq);
  }

  async refresh(): Promise<FolderChanges> {
    // Changes another program made to the files show up like any other session's.
    await this.state.syncFolder(this.store, 'client');
    if (this.store.version === this.seenVersion) return { added: [], flagsChanged: [], expunged: [] };
    const current = this.store.summaries();
    const changes = diffSummaries(this.snapshot, current);
    this.snapshot = current;
    this.seenVersion = this.store.version;
    this.nextUid = this.store.uidNext;
    this.highest = this.store.modseqs.highest;
    return changes;
  }

  read(uid: number): Promise<Buffer> {
    return this.readFile(uid, readWholeFile);
  }

  async readHeaders(uids: readonly number[]): Promise<Array<Buffer | undefined>> {
    const headers: Array<Buffer | undefined> = [];
    for (const uid of uids) {
      let header: Buffer | undefined;
      // A flag change by another session may rename the file between lookup and open.
      for (let attempt = 0; attempt < 3 && header === undefined; attempt++) {
        const message = this.store.get(uid);
        if (!message) break;
        try {
          header = toCrlf(readMessageHeaderSync(this.store.filePath(message)));
        } catch (error) {
          if (!isMissing(error)) throw error;
        }
      }
      headers.push(header);
    }
    // The reads above were synchronous: let other sessions run before the next batch.
    await new Promise((resolve) => setImmediate(resolve));
    return headers;
  }

  private async readFile(uid: number, reader: (path: string) => Promise<Buffer>): Promise<Buffer> {
    // A flag change by another session may rename the file between lookup and open.
    for (let attempt = 0; attempt < 3; attempt++) {
      const message = this.store.get(uid);
      if (!message) break;
      try {
        return toCrlf(await reader(this.store.filePath(message)));
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
    }
    throw new MailStorageError('no-such-message', `no message with UID ${uid} in ${this.store.name}`);
  }

  async setFlags(uids: readonly number[], mode: 'add' | 'remove' | 'replace', flags: readonly string[]) {
    return (await this.storeFlags(uids, mode, flags)).stored;
  }

  async storeFlags(
    uids: readonly number[],
    mode: 'add' | 'remove' | 'replace',
    flags: readonly string[],
    unchangedSince?: number,
  ) {
    const outcome = await this.state.busy(() =>
      setMessageFlags(this.store, uids, mode, flags, unchangedSince),
    );
    const changed = outcome.stored.filter((s) => s !== this.summaryInSnapshot(s.uid));
    if (changed.length > 0) {
      const byUid = new Map(changed.map((s) => [s.uid, s]));
      // Our own change is answered by the caller; the next refresh should not report it again.
      this.snapshot = this.snapshot.map((s) => byUid.get(s.uid) ?? s);
      this.state.notify(this.store.name);
    }
    return outcome;
  }

  async copy(uids: readonly number[], target: string): Promise<Map<number, number>> {
    return this.state.busy(async () => {
      const destination = await this.state.folder(target);
      const bytes = uids.reduce((sum, uid) => sum + (this.store.get(uid)?.summary.size ?? 0), 0);
      this.state.quota.reserve(bytes);
      let map: Map<number, number>;
      try {
        map = await copyMessages(this.store, destination, uids, this.state.context.names);
      } catch (error) {
        this.state.quota.release(bytes);
        throw error;
      }
      const copiedBytes = [...map.keys()].reduce(
        (sum, uid) => sum + (this.store.get(uid)?.summary.size ?? 0),
        0,
      );
      this.state.quota.release(bytes - copiedBytes);
      this.state.quota.record({ bytes: copiedBytes, messages: map.size }, copiedBytes);
      if (map.size > 0) this.state.notify(destination.name);
      return map;
    });
  }

  async move(uids: readonly number[], target: string): Promise<Map<number, number>> {
    return this.state.busy(async () => {
      const destination = await this.state.folder(target);
      const map = await moveMessages(this.store, destination, uids, this.state.context.names);
      this.dropFromSnapshot([...map.keys()]);
      if (map.size > 0) {
        this.state.notify(this.store.name);
        this.state.notify(destination.name);
      }
      return map;
    });
  }

  async expunge(uids?: readonly number[]): Promise<number[]> {
    const removed = await this.state.busy(() => expungeMessages(this.store, uids));
    this.dropFromSnapshot(removed.uids);
    if (removed.uids.length > 0) {
      this.state.quota.record({ bytes: -removed.bytes, messages: -removed.uids.length });
      this.state.notify(this.store.name);
    }
    return removed.uids;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.state.openViews--;
  }

  private summaryInSnapshot(uid: number): MessageSummary | undefined {
    let low = 0;
    let high = this.snapshot.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.snapshot[middle]!.uid < uid) low = middle + 1;
      else high = middle;
    }
    const found = this.snapshot[low];
    return found?.uid === uid ? found : undefined;
  }

  private dropFromSnapshot(uids: readonly number[]): void {
    if (uids.length === 0) return;
    const gone = new Set(uids);
    this.snapshot = this.snapshot.filter((s) => !gone.has(s.uid));
  }
}
