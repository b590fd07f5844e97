/**
 * What the mail services (LMTP delivery, IMAP, POP3, the store RPCs, mailbox moves) ask of a store's
 * mailboxes. The embedded driver implements it on Maildir++ (agent/mail/store/maildir/); a later driver
 * puts Dovecot behind the same shape, so names say what things mean to a mail administrator, not
 * how Maildir does them.
 *
 * Conventions:
 * - A user is named by their primary address (`taro.yamada@eng.univ.example`), lower case.
 * - Folder names are IMAP names in UTF-8 (`INBOX`, `Sent`, `研究室.2026`), hierarchy separator `.`
 *   (Dovecot's Maildir++ default). Modified UTF-7 is the IMAP server's business, not storage's.
 * - Flags are IMAP flags: system flags `\Seen \Answered \Flagged \Deleted \Draft`, or keywords.
 * - Every write resolves only once it is durable (fsynced file and directory entry).
 */

/** Standard IMAP system flags. */
export const systemFlags = ['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft'] as const;

/** Special-use folders (RFC 6154) created on first login. */
export const specialUseFolders = [
  { name: 'Drafts', use: '\\Drafts' },
  { name: 'Sent', use: '\\Sent' },
  { name: 'Trash', use: '\\Trash' },
  { name: 'Junk', use: '\\Junk' },
] as const;

/** One message as a folder lists it. */
export interface MessageSummary {
  uid: number;
  flags: readonly string[];
  /** When the store received it (IMAP INTERNALDATE). */
  internalDate: Date;
  /** Size in bytes with CRLF line ends (IMAP RFC822.SIZE). */
  size: number;
  /** RFC 7162 mod-sequence of its last change (arrival or flags); never goes back. */
  modseq: number;
}

/**
 * A folder's messages as a session sees them, by position (0-based, in UID order), without an
 * object per message: a folder of 100,000 messages is a few typed arrays in the store, and a
 * session reads what it needs. Summaries and flag lists it hands out are not kept by the list.
 */
export interface MessageList {
  readonly length: number;
  /** UID at a position. */
  uid(index: number): number;
  /** RFC 7162 mod-sequence at a position. */
  modseq(index: number): number;
  /** RFC822.SIZE at a position. */
  size(index: number): number;
  /** Flags at a position: a read-only list shared by every message with the same flags. */
  flags(index: number): readonly string[];
  /** The summary at a position (a new object at each call). */
  at(index: number): MessageSummary;
  /** Position of a UID, or -1. */
  indexOf(uid: number): number;
}

/** A folder as LIST/STATUS see it. */
export interface FolderInfo {
  name: string;
  /** `\Drafts`, `\Sent`, `\Trash`, `\Junk`, `\Archive` (several separated by spaces), or undefined. */
  specialUse?: string;
  subscribed: boolean;
}

/** What changed in a folder since a session last looked; drives IMAP untagged replies and IDLE. */
export interface FolderChanges {
  added: MessageSummary[];
  /** Messages whose flags changed (their new state). */
  flagsChanged: MessageSummary[];
  /** UIDs gone (expunged by another session). */
  expunged: number[];
}

/** Mail store outcome errors, in words; `code` lets protocol servers map them to their replies. */
export class MailStorageError extends Error {
  override readonly name = 'MailStorageError';
  constructor(
    readonly code:
      | 'no-such-folder'
      | 'folder-exists'
      | 'bad-folder-name'
      /** DELETE of a folder that has subfolders (Maildir++ cannot keep a \Noselect parent). */
      | 'has-children'
      | 'over-quota'
      | 'no-such-message'
      | 'too-large'
      | 'held',
    message: string,
  ) {
    super(message);
  }
}

/** An open folder: a session's view, with the UID list as of its last refresh. */
export interface FolderView {
  readonly name: string;
  readonly uidValidity: number;
  /** The next UID this folder will assign. */
  uidNext(): number;
  /**
   * Messages in UID order, as of the last refresh, as a new array of summaries at each call (one
   * object per message: for a folder of 100,000, `list()` reads the same without them).
   */
  messages(): readonly MessageSummary[];
  /** The messages as of the last refresh, read by position (what IMAP sessions use). */
  list(): MessageList;
  /** HIGHESTMODSEQ as of the last refresh (RFC 7162). */
  highestModseq(): number;
  /** Every keyword the folder defines now (IMAP FLAGS lists them). */
  keywords(): readonly string[];
  /** True when the folder can take no new keyword (PERMANENTFLAGS then has no `\*`). */
  keywordsFull(): boolean;
  /**
   * Takes the \Recent messages among `uids` (all when omitted) that no session has taken yet:
   * \Recent belongs to one session (RFC 3501 2.3.2). Resolves with their UIDs, ascending.
   */
  claimRecent(uids?: readonly number[]): Promise<number[]>;
  /** The \Recent messages among `uids` (all when omitted) not yet taken, without taking them (EXAMINE). */
  peekRecent(uids?: readonly number[]): number[];
  /** UIDs expunged after `modseq`; undefined when the history does not reach back that far. */
  expungedSince(modseq: number): number[] | undefined;
  /** Picks up changes made by others (deliveries, other sessions) since the last refresh. */
  refresh(): Promise<FolderChanges>;
  /** The raw message (RFC 5322 bytes, CRLF line ends). */
  read(uid: number): Promise<Buffer>;
  /**
   * Where the files of `uids` are now (undefined: no such message), for a reader that reads many
   * at once off the event loop (a move's source). The bytes are as stored: the reader makes their
   * line ends CRLF as `read` does, and reads with `read` a file it finds missing (a flag change
   * renames it). Storages without message files leave it out.
   */
  messageFilePaths?(uids: readonly number[]): Array<string | undefined>;
  /**
   * The headers of several messages, each up to and including the blank line after it (CRLF line
   * ends); undefined for a message that is gone. Callers keep batches small (a few hundred).
   */
  readHeaders(uids: readonly number[]): Promise<Array<Buffer | undefined>>;
  /** Changes flags; resolves with the new state of each message touched. */
  setFlags(
    uids: readonly number[],
    mode: 'add' | 'remove' | 'replace',
    flags: readonly string[],
  ): Promise<MessageSummary[]>;
  /**
   * Like setFlags, with RFC 7162 UNCHANGEDSINCE: messages whose mod-sequence is higher are left
   * alone and listed in `modified`.
   */
  storeFlags(
    uids: readonly number[],
    mode: 'add' | 'remove' | 'replace',
    flags: readonly string[],
    unchangedSince?: number,
  ): Promise<{ stored: MessageSummary[]; modified: number[] }>;
  /** Copies to another folder of the same user; resolves with source UID to new UID (UIDPLUS). */
  copy(uids: readonly number[], target: string): Promise<Map<number, number>>;
  /** Moves to another folder (copy, then expunge here) atomically per message. */
  move(uids: readonly number[], target: string): Promise<Map<number, number>>;
  /** Removes messages flagged \Deleted (only those in `uids` when given); resolves with the UIDs removed. */
  expunge(uids?: readonly number[]): Promise<number[]>;
  close(): void;
}

/** IMAP STATUS figures of a folder. */
export interface FolderStatus {
  messages: number;
  unseen: number;
  uidNext: number;
  uidValidity: number;
  /** \Recent messages no session has taken yet. */
  recent: number;
  highestModseq: number;
}

/** Quota state of one mailbox. */
export interface QuotaUsage {
  usedBytes: number;
  messages: number;
  /** 0 = unlimited. */
  limitBytes: number;
}

/** One user's mailbox (all their folders). */
export interface UserMailbox {
  readonly user: string;
  listFolders(): Promise<FolderInfo[]>;
  /** Creates a folder (and missing parents); `specialUse` (RFC 6154 CREATE-SPECIAL-USE) is kept with it. */
  createFolder(name: string, options?: { specialUse?: string }): Promise<void>;
  deleteFolder(name: string): Promise<void>;
  renameFolder(from: string, to: string): Promise<void>;
  setSubscribed(name: string, subscribed: boolean): Promise<void>;
  /** Every subscribed name, also of folders that do not exist (RFC 3501 6.3.6: kept after DELETE). */
  listSubscriptions(): Promise<string[]>;
  openFolder(name: string): Promise<FolderView>;
  /** Counts without opening: IMAP STATUS. */
  folderStatus(name: string): Promise<FolderStatus>;
  /** Adds a message (IMAP APPEND, LMTP delivery); checks quota; resolves with its UID once durable. */
  append(
    folder: string,
    message: Buffer,
    options?: { flags?: readonly string[]; internalDate?: Date },
  ): Promise<{ uid: number; uidValidity: number }>;
  /**
   * Adds several messages to one folder, all or none (IMAP MULTIAPPEND): one quota check for all,
   * and nothing visible or kept unless every one is durable. Resolves with their UIDs, in order.
   */
  appendMany(
    folder: string,
    messages: ReadonlyArray<{
      message: Buffer;
      options?: { flags?: readonly string[]; internalDate?: Date };
    }>,
  ): Promise<{ uids: number[]; uidValidity: number }>;
  quota(): Promise<QuotaUsage>;
  /** Called after any change by anyone to any folder of this mailbox (for IDLE and open sessions). */
  onChange(listener: (folder: string) => void): () => void;
}

/** One mailbox as the store's RPCs list it. */
export interface MailboxSummary {
  user: string;
  sizeBytes: number;
  messages: number;
  quotaBytes: number;
  /** ms since the epoch, or undefined if never logged in on this store. */
  lastLoginAt?: number;
}

/** All mailboxes of one store node. */
export interface MailStorage {
  /** Opens (creating it on first use) a user's mailbox; `quotaBytes` from the directory, 0 = none. */
  mailbox(user: string, quotaBytes: number): Promise<UserMailbox>;
  /** Mailboxes that exist on this store. */
  listMailboxes(): Promise<MailboxSummary[]>;
  /** Records a successful login (mailbox.list shows it). */
  recordLogin(user: string, at: number): Promise<void>;
  close(): Promise<void>;
}
