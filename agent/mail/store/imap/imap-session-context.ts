/**
 * What a session gets from its server: storage, authentication, TLS, limits, the shared structure
 * cache, counters and the log. One object per server, shared by its sessions.
 */
import type { SecureContext } from 'node:tls';
import type { ImapLimits } from '../../protocol/imap/imap-limits.js';
import type { AuthenticateMailLogin } from '../mail-login.js';
import type { MailStorage } from '../mail-storage.js';
import type { MessageStructureCache } from './message-structure-cache.js';
import type { SortKeyCache } from './sort-keys.js';

/** Counters of one server (read by the agent's metrics). */
export interface ImapCounters {
  /** Open connections now. */
  sessions: number;
  /** Successful logins since start. */
  logins: number;
  /** Refused logins since start. */
  failedLogins: number;
  /** Commands received since start. */
  commands: number;
}

/** Where the server logs (the agent's JsonLogger fits). */
export interface ImapLog {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** Shared by the sessions of one server. */
export interface ImapSessionContext {
  readonly storage: MailStorage;
  readonly authenticate: AuthenticateMailLogin;
  /** For STARTTLS; undefined when no certificate is configured. */
  readonly secureContext: SecureContext | undefined;
  readonly limits: ImapLimits;
  readonly cache: MessageStructureCache;
  /** SORT and THREAD keys of messages already read. */
  readonly sortKeys: SortKeyCache;
  readonly counters: ImapCounters;
  readonly log: ImapLog;
  /** LOGIN/AUTHENTICATE without TLS from non-loopback addresses. */
  readonly allowPlaintextAuth: boolean;
  /** Loopback clients count as secure for plaintext logins (Dovecot's default). */
  readonly trustLoopback: boolean;
  now(): number;
}
