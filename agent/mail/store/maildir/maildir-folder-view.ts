/**
 * A session's view of a folder (IMAP SELECT): the message list as of its last refresh, so sequence
 * numbers stay put until the session asks for changes (folder-view-list.ts: no object per message).
 * Changes it makes itself update its own list at once; changes by others show up in `refresh()`.
 */

import { isMissing, readWholeFile } from '../../../common/durable-fs.js';
import {
  type FolderChanges,
  type FolderView,
  MailStorageError,
  type MessageList,
  type MessageSummary,
} from '../mail-storage.js';
import { toCrlf } from './crlf.js';
import { expungeMessages, moveNewToCur, setMessageFlags } from './folder-changes.js';
import type { FolderStore, FolderWatcher } from './folder-store.js';
import { copyMessages, moveMessages } from './folder-transfer.js';
import { FolderViewList } from './folder-view-list.js';
import { maxKeywords } from './keyword-table.js';
import type { MailboxState } from './mailbox-state.js';
import { readMessageHeaderSync } from './message-header-file.js';

/** FolderView on a FolderStore. */
export class MaildirFolderView implements FolderView, FolderWatcher {
  private current: FolderViewList;
  private seenVersion: number;
  private nextUid: number;
  private highest: number;
  private closed = false;

  constructor(
    private readonly store: FolderStore,
    private readonly state: MailboxState,
  ) {
    this.current = FolderViewList.current(store);
    this.seenVersion = store.version;
    this.nextUid = store.uidNext;
    this.highest = store.modseqs.highest;
    store.watchers.add(this);
    state.openViews++;
  }

  beforeRowChange(row: number): void {
    this.current.keep(row);
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
    const list = this.current;
    return Array.from({ length: list.length }, (_, index) => list.at(index));
  }

  list(): MessageList {
    return this.current;
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
    const changes = this.changesSince(this.current);
    this.current = FolderViewList.current(this.store);
    this.seenVersion = this.store.version;
    this.nextUid = this.store.uidNext;
    this.highest = this.store.modseqs.highest;
    return changes;
  }

  /** What differs between a list and the folder now. */
  private changesSince(before: FolderViewList): FolderChanges {
    const store = this.store;
    const table = store.table;
    const changes: FolderChanges = { added: [], flagsChanged: [], expunged: [] };
    if (before.rowsHold) {
      // Nothing removed since: the rows after the list's end are the arrivals.
      for (let row = before.length; row < table.length; row++) changes.added.push(store.summaryAt(row));
    } else {
      let i = 0;
      let row = 0;
      while (i < before.length || row < table.length) {
        const old = i < before.length ? before.uid(i) : Number.POSITIVE_INFINITY;
        const now = row < table.length ? table.uid(row) : Number.POSITIVE_INFINITY;
        if (old < now) {
          changes.expunged.push(old);
          i++;
        } else if (now < old) {
          changes.added.push(store.summaryAt(row));
          row++;
        } else {
          i++;
          row++;
        }
      }
    }
    // Kept messages still there changed flags (the list kept them as they were).
    const changed = [...before.kept.keys()].sort((a, b) => a - b);
    for (const uid of changed) {
      const row = table.rowOf(uid);
      if (row >= 0) changes.flagsChanged.push(store.summaryAt(row));
    }
    return changes;
  }

  read(uid: number): Promise<Buffer> {
    return this.readFile(uid, readWholeFile);
  }

  messageFilePaths(uids: readonly number[]): Array<string | undefined> {
    return uids.map((uid) => {
      const row = this.store.rowOf(uid);
      return row < 0 ? undefined : this.store.filePath(row);
    });
  }

  async readHeaders(uids: readonly number[]): Promise<Array<Buffer | undefined>> {
    const headers: Array<Buffer | undefined> = [];
    for (const uid of uids) {
      let header: Buffer | undefined;
      // A flag change by another session may rename the file between lookup and open.
      for (let attempt = 0; attempt < 3 && header === undefined; attempt++) {
        const row = this.store.rowOf(uid);
        if (row < 0) break;
        try {
          header = toCrlf(readMessageHeaderSync(this.store.filePath(row)));
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
      const row = this.store.rowOf(uid);
      if (row < 0) break;
      try {
        return toCrlf(await reader(this.store.filePath(row)));
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
    const version = this.store.version;
    const outcome = await this.state.busy(() =>
      setMessageFlags(this.store, uids, mode, flags, unchangedSince),
    );
    // Our own change is answered by the caller: the list shows it now, and the next refresh does
    // not report it again (nor an earlier change by others to the same messages, now shown too).
    let shown = false;
    for (const summary of outcome.stored) shown = this.current.kept.delete(summary.uid) || shown;
    if (shown || this.store.version !== version) this.state.notify(this.store.name);
    return outcome;
  }

  async copy(uids: readonly number[], target: string): Promise<Map<number, number>> {
    return this.state.busy(async () => {
      const destination = await this.state.folder(target);
      const bytes = uids.reduce((sum, uid) => sum + this.sizeOf(uid), 0);
      this.state.quota.reserve(bytes);
      let map: Map<number, number>;
      try {
        map = await copyMessages(this.store, destination, uids, this.state.context.names);
      } catch (error) {
        this.state.quota.release(bytes);
        throw error;
      }
      const copiedBytes = [...map.keys()].reduce((sum, uid) => sum + this.sizeOf(uid), 0);
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
    this.store.watchers.delete(this);
    this.state.openViews--;
    // The folder may be the one to drop now, if the storage is over its folder budget.
    this.state.context.folders.trim();
  }

  private sizeOf(uid: number): number {
    const row = this.store.rowOf(uid);
    return row < 0 ? 0 : this.store.table.size(row);
  }

  private dropFromSnapshot(uids: readonly number[]): void {
    if (uids.length === 0) return;
    this.current = this.current.without(new Set(uids));
  }
}
