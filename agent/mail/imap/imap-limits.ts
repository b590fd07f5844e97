/**
 * Limits of the IMAP server: what one client may make it hold or do. Defaults suit a store of
 * ~1,150 mailboxes; tests shrink them.
 */
import type { ImapReaderLimits } from './imap-command-reader.js';
import type { ImapParserLimits } from './imap-parser.js';

/** Every limit, resolved. */
export interface ImapLimits extends ImapReaderLimits, ImapParserLimits {
  /** Before login: hang up after this long without input (RFC 3501 leaves it to the server). */
  preAuthTimeoutMs: number;
  /** Logged in: autologout after this long without input (RFC 3501 5.4: at least 30 minutes). */
  idleTimeoutMs: number;
  /** Failed logins on one connection before it is closed. */
  maxFailedLogins: number;
  /** Wait before answering a failed login (slows guessing on one connection). */
  failedLoginDelayMs: number;
  /** Open connections; more are greeted with BYE and closed. */
  maxConnections: number;
  /** Bytes of parsed ENVELOPE/BODYSTRUCTURE kept for FETCH (shared by all sessions). */
  structureCacheBytes: number;
  /** Bytes of SORT/THREAD keys kept (shared by all sessions). */
  sortCacheBytes: number;
  /** Messages read ahead in parallel by FETCH and SEARCH. */
  readAhead: number;
  /** Input buffered unread before the socket is paused. */
  maxBufferedInput: number;
  /** In IDLE: how often the folder's files are checked for changes by other programs (Dovecot: 30 s). */
  idleCheckIntervalMs: number;
}

/** Defaults: 64 KiB lines, 64 KiB literals (APPEND: 50 MiB), 1 MiB commands, nesting 32. */
export const defaultImapLimits: ImapLimits = {
  maxLineBytes: 64 * 1024,
  maxLiteralBytes: 64 * 1024,
  maxAppendBytes: 50 * 1024 * 1024,
  maxCommandBytes: 1024 * 1024,
  maxLiterals: 64,
  maxDiscardBytes: 1024 * 1024,
  maxDepth: 32,
  maxTokens: 100_000,
  preAuthTimeoutMs: 60_000,
  idleTimeoutMs: 30 * 60_000,
  maxFailedLogins: 3,
  failedLoginDelayMs: 2000,
  maxConnections: 5000,
  structureCacheBytes: 32 * 1024 * 1024,
  sortCacheBytes: 16 * 1024 * 1024,
  readAhead: 8,
  maxBufferedInput: 256 * 1024,
  idleCheckIntervalMs: 30_000,
};
