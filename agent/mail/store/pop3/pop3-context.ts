/** What a POP3 session gets from its server: storage, login check, TLS, limits, locks, counters. */
import type { Clock } from '../../../common/clock.js';
import type { MailTlsCredentials } from '../../protocol/tls/mail-tls.js';
import type { AuthenticateMailLogin } from '../mail-login.js';
import type { MailStorage } from '../mail-storage.js';

/** Limits of the POP3 server; each guards the server against one kind of misuse. */
export interface Pop3Limits {
  /** Longest command line (RFC 2449 allows 255; SASL responses need more). Default 2048. */
  maxLineBytes: number;
  /** Idle time before autologout in the TRANSACTION state (RFC 1939: at least 10 min). */
  idleTimeoutMs: number;
  /** Time to log in after connecting. Default 60 s. */
  loginTimeoutMs: number;
  /** Failed logins on one connection before it is closed. Default 3. */
  maxAuthFailures: number;
  /** Unknown or malformed commands on one connection before it is closed. Default 20. */
  maxBadCommands: number;
  /** Open connections per server. Default 2000. */
  maxSessions: number;
  /** Open connections from one client address. Default 100. */
  maxSessionsPerAddress: number;
  /** Commands read ahead of the one running (pipelining) before the socket is paused. Default 64. */
  maxQueuedCommands: number;
}

/** Defaults of {@link Pop3Limits}. */
export const defaultPop3Limits: Pop3Limits = {
  maxLineBytes: 2048,
  idleTimeoutMs: 10 * 60_000,
  loginTimeoutMs: 60_000,
  maxAuthFailures: 3,
  maxBadCommands: 20,
  maxSessions: 2000,
  maxSessionsPerAddress: 100,
  maxQueuedCommands: 64,
};

/** Things that happened in a session, for counters and logs (never with a password). */
export type Pop3Event =
  | { kind: 'login'; user: string; clientAddress: string }
  | { kind: 'login-failed'; login: string; clientAddress: string; reason: string }
  | { kind: 'retrieved'; bytes: number }
  | { kind: 'deleted'; count: number }
  | { kind: 'error'; clientAddress: string; error: string };

/** A session's handle on its server. */
export interface Pop3SessionContext {
  storage: MailStorage;
  authenticate: AuthenticateMailLogin;
  /** When set, STLS is offered. */
  tls: MailTlsCredentials | undefined;
  clock: Clock;
  limits: Pop3Limits;
  /** USER/PASS and AUTH PLAIN without TLS, from other than loopback. */
  allowPlaintextAuth: boolean;
  /** Name in the greeting. */
  hostname: string;
  /** Takes the user's maildrop lock (RFC 1939: one session per maildrop); false if another session holds it. */
  lockMaildrop(user: string, owner: object): boolean;
  releaseMaildrop(user: string, owner: object): void;
  event(event: Pop3Event): void;
}
