/**
 * The shape the embedded mail stack drives its session protocols (IMAP, POP3) through, so either
 * server is built the same way: a fresh server object per service start (which re-reads the TLS
 * certificate), sessions to list and kick.
 */
import type { Clock } from '../common/clock.js';
import type { AuthenticateMailLogin } from './auth/mail-login.js';
import type { MailSessionInfo } from './mail-stack.js';
import type { MailStorage } from './mail-storage.js';
import type { MailTlsCredentials } from './tls/mail-tls.js';

/** A running protocol server with client sessions. */
export interface SessionService {
  start(): Promise<unknown>;
  stop(): Promise<void>;
  /** The plain listener's port (after start). */
  readonly port: number;
  /** The implicit-TLS listener's port, if it has one. */
  readonly tlsPort: number | undefined;
  sessions(): MailSessionInfo[];
  /** Closes a user's sessions; returns how many. */
  kick(user: string): number;
}

/** What a session service is built with. */
export interface SessionServiceOptions {
  host: string;
  port: number;
  /** Implicit-TLS port; only with `tls`. */
  tlsPort?: number;
  /** STARTTLS/STLS and implicit TLS; without it, neither is offered. */
  tls?: MailTlsCredentials;
  storage: MailStorage;
  authenticate: AuthenticateMailLogin;
  clock: Clock;
  /** Largest message (IMAP APPEND). */
  maxMessageBytes: number;
  /** Name in greetings. */
  hostname: string;
  /** Plain-text logins from other than loopback without TLS. */
  allowPlaintextAuth: boolean;
  /** Structured log lines (never passwords or message content). */
  log: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
}

/** Builds one protocol server. */
export type SessionServiceFactory = (options: SessionServiceOptions) => SessionService;
