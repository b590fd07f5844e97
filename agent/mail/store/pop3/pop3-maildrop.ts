/**
 * A POP3 session's maildrop: the user's INBOX as it was at login, numbered 1..n (RFC 1939), with
 * the session's deletion marks. Marks are only applied when the client QUITs (the UPDATE state); a
 * dropped connection or a kick leaves the mailbox untouched.
 *
 * UIDL is `<uidvalidity>.<uid>`: unique and never reused while the folder keeps its UIDVALIDITY,
 * which is what POP3 clients that "leave mail on the server" rely on.
 */
import type { FolderView, MessageSummary } from '../mail-storage.js';

interface MaildropMessage {
  summary: MessageSummary;
  deleted: boolean;
}

/** One message as LIST/UIDL show it. */
export interface MaildropEntry {
  number: number;
  size: number;
  uidl: string;
}

/** The INBOX snapshot of one POP3 session. */
export class Pop3Maildrop {
  private readonly messages: MaildropMessage[];

  constructor(private readonly folder: FolderView) {
    this.messages = folder.messages().map((summary) => ({ summary, deleted: false }));
  }

  /** Messages not marked deleted, and their total size. */
  stat(): { count: number; bytes: number } {
    let count = 0;
    let bytes = 0;
    for (const message of this.messages) {
      if (message.deleted) continue;
      count += 1;
      bytes += message.summary.size;
    }
    return { count, bytes };
  }

  /** Every message not marked deleted. */
  list(): MaildropEntry[] {
    const entries: MaildropEntry[] = [];
    this.messages.forEach((message, index) => {
      if (!message.deleted) entries.push(this.entry(index + 1, message));
    });
    return entries;
  }

  /** One message by number, or why not (words for the `-ERR` line). */
  find(number: number): { entry: MaildropEntry } | { error: string } {
    const message = this.messages[number - 1];
    if (!message || number < 1)
      return { error: `no message ${number} (the maildrop has ${this.messages.length})` };
    if (message.deleted) return { error: `message ${number} is already deleted` };
    return { entry: this.entry(number, message) };
  }

  /** The raw message. */
  read(number: number): Promise<Buffer> {
    const message = this.messages[number - 1];
    if (!message) return Promise.reject(new Error(`no message ${number}`));
    return this.folder.read(message.summary.uid);
  }

  /** Marks a message for deletion at QUIT. */
  markDeleted(number: number): void {
    const message = this.messages[number - 1];
    if (message) message.deleted = true;
  }

  /** Drops every deletion mark (RSET). */
  unmarkAll(): void {
    for (const message of this.messages) message.deleted = false;
  }

  /** Removes the marked messages (the UPDATE state); resolves with how many were removed. */
  async commit(): Promise<number> {
    const uids = this.messages.filter((message) => message.deleted).map((message) => message.summary.uid);
    if (uids.length === 0) return 0;
    await this.folder.setFlags(uids, 'add', ['\\Deleted']);
    const removed = await this.folder.expunge(uids);
    return removed.length;
  }

  close(): void {
    this.folder.close();
  }

  private entry(number: number, message: MaildropMessage): MaildropEntry {
    return { number, size: message.summary.size, uidl: `${this.folder.uidValidity}.${message.summary.uid}` };
  }
}
