/**
 * What a proxy connection needs from its server: login routing, the session registry, TLS, limits,
 * the store connection settings. Kept in its own file so sessions depend on this shape only.
 */
import type { Socket } from 'node:net';
import type { Clock } from '../../common/clock.js';
import type { MailTlsCredentials } from '../protocol/tls/mail-tls.js';
import type { ProxyRouting } from './proxy-login.js';
import type { ProxySessionRegistry } from './proxy-sessions.js';
import type { StoreConnectOptions } from './store-connection.js';

/** Limits of a proxy before login. */
export interface ProxyLimits {
  /** POP3 line before login. */
  maxLineBytes: number;
  /** IMAP line (between literals) before login: an RFC 2971 ID of 30 pairs of 1,024-byte values needs 32 KiB. */
  maxImapLineBytes: number;
  /** IMAP literal before login. */
  maxLiteralBytes: number;
  /** IMAP command (lines and literals) before login. */
  maxCommandBytes: number;
  maxLiterals: number;
  maxDiscardBytes: number;
  maxDepth: number;
  maxTokens: number;
  /** Hang up on a client that has not logged in after this long. */
  preAuthTimeoutMs: number;
  /** Failed logins on one connection before it is closed. */
  maxFailedLogins: number;
  /** Wait before answering a failed login. */
  failedLoginDelayMs: number;
  /** Open client connections (pre-login and relayed); more are refused. */
  maxConnections: number;
  /** Connections one client address may hold before login (Postfix anvil's default: 50). */
  maxConnectionsPerAddress: number;
  /** Relayed sessions one user may have from one address (Dovecot's mail_max_userip_connections: 10). */
  maxSessionsPerUserAddress: number;
}

/** Defaults: small pre-login limits (a login needs little), Dovecot-like timeouts. */
export const defaultProxyLimits: ProxyLimits = {
  maxLineBytes: 8 * 1024,
  // The largest IMAP command before login is an RFC 2971 ID: 30 field-value pairs of up to 1,024 bytes.
  maxImapLineBytes: 32 * 1024,
  maxLiteralBytes: 8 * 1024,
  maxCommandBytes: 40 * 1024,
  maxLiterals: 4,
  maxDiscardBytes: 64 * 1024,
  maxDepth: 4,
  maxTokens: 72,
  preAuthTimeoutMs: 60_000,
  maxFailedLogins: 3,
  failedLoginDelayMs: 2_000,
  maxConnections: 10_000,
  maxConnectionsPerAddress: 50,
  maxSessionsPerUserAddress: 10,
};

/** Minimal logger (JsonLogger fits). Never given passwords. */
export interface ProxyLog {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
}

/** Shared by the connections of one proxy. */
export interface ProxyContext {
  routing: ProxyRouting;
  sessions: ProxySessionRegistry;
  tls: MailTlsCredentials | undefined;
  allowPlaintextAuth: boolean;
  hostname: string;
  limits: ProxyLimits;
  storeConnect: StoreConnectOptions;
  clock: Clock;
  log: ProxyLog | undefined;
  /** Called when a connection is handed over to a store (its pre-login slot is given back). */
  loggedIn: (tcp: Socket) => void;
}
