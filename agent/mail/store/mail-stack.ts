/**
 * The mail stack driver interface: everything the agent asks of a node's mail services, named by
 * what it means to a mail administrator. The `embedded` driver (embedded-mail-stack.ts) runs
 * MaildirStorage, LMTP, IMAP and POP3 in the agent's process; a later `postfix-dovecot` driver puts
 * Postfix and Dovecot (doveadm) behind the same shape.
 */
import type { MailRecipient } from './mail-login.js';
import type { MailboxSummary, QuotaUsage } from './mail-storage.js';

/** The mail services of a store node, in start order. */
export const storeMailServices = ['lmtp', 'imap', 'pop3'] as const;
export type StoreMailService = (typeof storeMailServices)[number];

/** One client session (IMAP or POP3). */
export interface MailSessionInfo {
  id: string;
  protocol: 'imap' | 'pop3';
  /** Absent before login. */
  user?: string;
  clientAddress: string;
  /** ms since the epoch. */
  since: number;
  /** TLS (implicit or after STARTTLS/STLS). */
  secure: boolean;
}

/** A user whose incoming mail is held (not delivered; LMTP answers with a temporary failure). */
export interface DeliveryHoldInfo {
  user: string;
  reason: string;
  /** ms since the epoch. */
  since: number;
}

/** One folder of a mailbox with its figures. */
export interface FolderFigures {
  name: string;
  messages: number;
  unseen: number;
  sizeBytes: number;
}

/** A mailbox in detail (mailbox.stats). */
export interface MailboxDetail {
  user: string;
  /** False when the mailbox has not been created yet (it is made on first delivery or login). */
  exists: boolean;
  folders: FolderFigures[];
  quota: QuotaUsage;
  lastLoginAt?: number;
}

/**
 * One record of a mailbox export: folders first (parents before children), then messages. A
 * transfer format for mailbox moves, independent of how a driver stores mail.
 */
export type MailboxRecord =
  | { kind: 'folder'; name: string; subscribed: boolean; specialUse?: string }
  | { kind: 'message'; folder: string; flags: string[]; internalDate: number; data: Buffer };

/** What an import did. */
export interface MailboxImportSummary {
  folders: number;
  messages: number;
  bytes: number;
}

/** Running totals and current figures of the mail services (counters are built from these). */
export interface MailActivity {
  imapSessions: number;
  pop3Sessions: number;
  /** Successful IMAP and POP3 logins since the stack started. */
  loginsTotal: number;
  failedLoginsTotal: number;
  /** Messages delivered (one per recipient) since the stack started. */
  deliveriesTotal: number;
  deliveredBytesTotal: number;
}

/** A node's mail services, whatever runs them. */
export interface MailStack {
  /** `embedded` or `postfix-dovecot`. */
  readonly driver: string;

  // Service control: the agent's service registry calls these (service.restart = stop + start).
  /** Starts one service; resolves with what it listens on. */
  startService(name: StoreMailService): Promise<string>;
  stopService(name: StoreMailService): Promise<void>;
  /** `name -> host:port` of the running services (lmtp, imap, imaps, pop3, pop3s) to publish. */
  endpoints(): Record<string, string>;

  // Delivery.
  /** Delivers one message into a local mailbox (INBOX unless `folder`), durably; over quota rejects. */
  deliver(
    recipient: MailRecipient,
    message: Buffer,
    folder?: string,
  ): Promise<{ uid: number; uidValidity: number }>;
  /**
   * Holds a user's incoming mail: deliveries are refused with a temporary reply until released
   * (mailbox moves). Resolves once deliveries already in flight for the user are durable.
   */
  hold(user: string, reason: string): Promise<void>;
  release(user: string): void;
  holds(): DeliveryHoldInfo[];

  // Sessions.
  sessions(): MailSessionInfo[];
  /** Closes every IMAP and POP3 session of a user; returns how many were closed. */
  kick(user: string): number;

  // Mailboxes and quota.
  listMailboxes(): Promise<MailboxSummary[]>;
  /** A mailbox's folders and quota; `quotaBytes` is the user's quota from the directory. */
  mailboxDetail(user: string, quotaBytes: number): Promise<MailboxDetail>;
  quota(user: string, quotaBytes: number): Promise<QuotaUsage>;
  /** Streams a mailbox out (folders, then messages with flags and dates). */
  exportMailbox(user: string): AsyncIterable<MailboxRecord>;
  /** Adds an exported mailbox's folders and messages to a mailbox on this node. */
  importMailbox(
    user: string,
    quotaBytes: number,
    records: AsyncIterable<MailboxRecord>,
  ): Promise<MailboxImportSummary>;

  // Metrics.
  activity(): MailActivity;

  /** Stops every service and closes the storage. */
  close(): Promise<void>;
}
