/**
 * The store's session protocols (IMAP, POP3) as the embedded mail stack drives them: one shape for
 * either server (a fresh server object per service start, which re-reads the TLS certificate;
 * sessions to list and kick) and the two factories that build the IMAP and the POP3 server.
 */
import type { Clock } from '../../common/clock.js';
import type { MailTlsCredentials } from '../protocol/tls/mail-tls.js';
import { ImapServer } from './imap/imap-server.js';
import type { AuthenticateMailLogin } from './mail-login.js';
import type { MailSessionInfo } from './mail-stack.js';
import type { MailStorage } from './mail-storage.js';
import { Pop3Server } from './pop3/pop3-server.js';

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

/** Builds the store's IMAP server. */
export const imapSessionService: SessionServiceFactory = (options) =>
  new ImapServer({
    host: options.host,
    port: options.port,
    ...(options.tlsPort === undefined ? {} : { tlsPort: options.tlsPort }),
    ...(options.tls ? { tls: { key: options.tls.key, cert: options.tls.cert } } : {}),
    storage: options.storage,
    authenticate: options.authenticate,
    allowPlaintextAuth: options.allowPlaintextAuth,
    maxMessageBytes: options.maxMessageBytes,
    hostname: options.hostname,
    clock: options.clock,
    log: {
      info: (message, fields) => options.log('info', message, fields),
      warn: (message, fields) => options.log('warn', message, fields),
      error: (message, fields) => options.log('error', message, fields),
    },
  });

/** Builds the store's POP3 server. */
export const pop3SessionService: SessionServiceFactory = (options) =>
  new Pop3Server({
    host: options.host,
    port: options.port,
    ...(options.tlsPort === undefined ? {} : { tlsPort: options.tlsPort }),
    ...(options.tls ? { tls: options.tls } : {}),
    storage: options.storage,
    authenticate: options.authenticate,
    clock: options.clock,
    allowPlaintextAuth: options.allowPlaintextAuth,
    hostname: options.hostname,
    onEvent: (event) => {
      // Logins are logged by the authenticator; here only what went wrong inside a session.
      if (event.kind === 'error')
        options.log('warn', 'POP3 session error', { ip: event.clientAddress, error: event.error });
    },
  });
