/**
 * The one place where a store's mailbox changes leave the storage for replication
 * (docs/replication.md): the Maildir layer tells the feed of every change of every mailbox, in the
 * order they happen, whoever made it (LMTP delivery, IMAP APPEND, STORE, EXPUNGE, COPY, MOVE,
 * CREATE, RENAME, DELETE, SUBSCRIBE, POP3 DELE, or another program's change found on disk).
 */

/** One message just added to a folder, durable on this store. */
export interface AppendedMessage {
  uid: number;
  flags: readonly string[];
  /** ms since the epoch (IMAP INTERNALDATE). */
  internalDate: number;
  /** The message as stored (CRLF line ends). */
  body: Buffer;
}

/** What the storage tells replication. */
export interface MailboxChangeFeed {
  /**
   * Messages were appended (a delivery or an APPEND) and are durable here; the append is
   * acknowledged to its client only when this resolves (the replica holds them too, or the store
   * is marked unprotected). Never rejects.
   */
  appended(
    user: string,
    folder: string,
    uidValidity: number,
    messages: readonly AppendedMessage[],
  ): Promise<void>;
  /** Something else changed in a folder (flags, expunge, folders, subscriptions: `folder` is then the folder named). */
  changed(user: string, folder: string): void;
}
