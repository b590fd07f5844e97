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

/**
 * Before login a client needs a LOGIN or AUTHENTICATE at most, so input is kept as small as that
 * (Dovecot's imap-login does the same): no APPEND-sized literal is announced, let alone buffered,
 * by someone who has not logged in. A bigger synchronising literal gets a tagged refusal and no `+`;
 * a bigger non-synchronising one closes the connection once more than `maxDiscardBytes` would have
 * to be read and dropped.
 */
export const preLoginReaderCaps: ImapReaderLimits = {
  // The longest command a client sends before login is an RFC 2971 ID: up to 30 field-value pairs
  // of 1,024-byte values (imaptest's id group sends exactly that; Dovecot's imap-login takes it).
  maxLineBytes: 32 * 1024,
  maxLiteralBytes: 8 * 1024,
  maxAppendBytes: 8 * 1024,
  maxCommandBytes: 40 * 1024,
  maxLiterals: 4,
  maxDiscardBytes: 64 * 1024,
};

/** The reader limits before login: each the smaller of `limits` and the pre-login cap; APPEND gets no more than any literal. */
export function preLoginReaderLimits(limits: Omit<ImapReaderLimits, 'maxAppendBytes'>): ImapReaderLimits {
  const maxLiteralBytes = Math.min(limits.maxLiteralBytes, preLoginReaderCaps.maxLiteralBytes);
  return {
    maxLineBytes: Math.min(limits.maxLineBytes, preLoginReaderCaps.maxLineBytes),
    maxLiteralBytes,
    maxAppendBytes: maxLiteralBytes,
    maxCommandBytes: Math.min(limits.maxCommandBytes, preLoginReaderCaps.maxCommandBytes),
    maxLiterals: Math.min(limits.maxLiterals, preLoginReaderCaps.maxLiterals),
    maxDiscardBytes: Math.min(limits.maxDiscardBytes, preLoginReaderCaps.maxDiscardBytes),
  };
}
