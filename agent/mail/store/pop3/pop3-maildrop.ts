/**
 * A POP3 session's maildrop: the user's INBOX as it was at login, numbered 1..n (RFC 1939), with
 * the session's deletion marks. Marks are only applied when the client QUITs (the UPDATE state); a
 * dropped connection or a kick leaves the mailbox untouched.
 *
 * UIDL is `<uidvalidity>.<uid>`: unique and never reused while the folder keeps its UIDVALIDITY,
 * which is what POP3 clients that "leave mail on the server" rely on.
 */
import type { FolderView } from '../mail-storage.js';

/** One message as LIST/UIDL show it. */
export interface MaildropEntry {
  number: number;
  size: number;
  uidl: string;
}

/** The INBOX snapshot of one POP3 session: UIDs, sizes and marks in arrays (an INBOX may hold 100,000). */
export class Pop3Maildrop {
  private readonly uids: Uint32Array;
  private readonly sizes: Float64Array;
  private readonly deleted: Uint8Array;

  constructor(private readonly folder: FolderView) {
    const list = folder.list();
    this.uids = new Uint32Array(list.length);
    this.sizes = new Float64Array(list.length);
    this.deleted = new Uint8Array(list.length);
    for (let i = 0; i < list.length; i++) {
      this.uids[i] = list.uid(i);
      this.sizes[i] = list.size(i);
    }
  }

  /** Messages not marked deleted, and their total size. */
  stat(): { count: number; bytes: number } {
    let count = 0;
    let bytes = 0;
    for (let i = 0; i < this.uids.length; i++) {
      if (this.deleted[i]) continue;
      count += 1;
      bytes += this.sizes[i]!;
    }
    return { count, bytes };
  }

  /** Every message not marked deleted. */
  list(): MaildropEntry[] {
    const entries: MaildropEntry[] = [];
    for (let i = 0; i < this.uids.length; i++) if (!this.deleted[i]) entries.push(this.entry(i + 1));
    return entries;
  }

  /** One message by number, or why not (words for the `-ERR` line). */
  find(number: number): { entry: MaildropEntry } | { error: string } {
    if (!Number.isInteger(number) || number < 1 || number > this.uids.length)
      return { error: `no message ${number} (the maildrop has ${this.uids.length})` };
    if (this.deleted[number - 1]) return { error: `message ${number} is already deleted` };
    return { entry: this.entry(number) };
  }

  /** The raw message. */
  read(number: number): Promise<Buffer> {
    if (!Number.isInteger(number) || number < 1 || number > this.uids.length)
      return Promise.reject(new Error(`no message ${number}`));
    return this.folder.read(this.uids[number - 1]!);
  }

  /** Marks a message for deletion at QUIT. */
  markDeleted(number: number): void {
    if (Number.isInteger(number) && number >= 1 && number <= this.uids.length) this.deleted[number - 1] = 1;
  }

  /** Drops every deletion mark (RSET). */
  unmarkAll(): void {
    this.deleted.fill(0);
  }

  /** Removes the marked messages (the UPDATE state); resolves with how many were removed. */
  async commit(): Promise<number> {
    const uids: number[] = [];
    for (let i = 0; i < this.uids.length; i++) if (this.deleted[i]) uids.push(this.uids[i]!);
    if (uids.length === 0) return 0;
    await this.folder.setFlags(uids, 'add', ['\\Deleted']);
    const removed = await this.folder.expunge(uids);
    return removed.length;
  }

  close(): void {
    this.folder.close();
  }

  private entry(number: number): MaildropEntry {
    return {
      number,
      size: this.sizes[number - 1]!,
      uidl: `${this.folder.uidValidity}.${this.uids[number - 1]}`,
    };
  }
}
