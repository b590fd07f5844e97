/**
 * The store's POP3 server: a plain listener (with STLS when a certificate is configured) and an
 * optional implicit-TLS listener (POP3S), sessions on the injected MailStorage, logins through the
 * injected AuthenticateMailLogin. One maildrop lock per user (RFC 1939): a second session of the
 * same user gets `-ERR [IN-USE]`. No module-level state: several servers run in one process.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { type Clock, systemClock } from '../../../common/clock.js';
import { type MailTlsCredentials, mailTlsDefaults } from '../../protocol/tls/mail-tls.js';
import type { AuthenticateMailLogin } from '../mail-login.js';
import type { MailStorage } from '../mail-storage.js';
import {
  defaultPop3Limits,
  type Pop3Event,
  type Pop3Limits,
  type Pop3SessionContext,
} from './pop3-context.js';
import { err } from './pop3-replies.js';
import { Pop3Session, type Pop3SessionInfo } from './pop3-session.js';

/** Options of {@link Pop3Server}. */
export interface Pop3ServerOptions {
  host: string;
  /** Plain POP3 (STLS offered when `tls` is set); 0 picks a free port. */
  port: number;
  /** Implicit-TLS POP3 (POP3S); needs `tls`. Absent: no such listener. */
  tlsPort?: number;
  tls?: MailTlsCredentials;
  storage: MailStorage;
  authenticate: AuthenticateMailLogin;
  clock?: Clock;
  /** Allow USER/PASS and AUTH PLAIN in plain text from other than loopback. Default false. */
  allowPlaintextAuth?: boolean;
  /** Name in the greeting. Default `mailfleet`. */
  hostname?: string;
  limits?: Partial<Pop3Limits>;
  /** Told about logins, failures and errors (for logs); carries no password. */
  onEvent?: (event: Pop3Event) => void;
}

/** Running totals of one server. */
export interface Pop3Counters {
  /** Open connections now. */
  sessions: number;
  connectionsTotal: number;
  loginsTotal: number;
  failedLoginsTotal: number;
  messagesRetrievedTotal: number;
  bytesRetrievedTotal: number;
  messagesDeletedTotal: number;
}

/** A POP3 server over MailStorage. */
export class Pop3Server {
  private plain: Server | undefined;
  private secure: Server | undefined;
  private readonly open = new Map<string, Pop3Session>();
  private readonly locks = new Map<string, object>();
  private readonly totals: Omit<Pop3Counters, 'sessions'> = {
    connectionsTotal: 0,
    loginsTotal: 0,
    failedLoginsTotal: 0,
    messagesRetrievedTotal: 0,
    bytesRetrievedTotal: 0,
    messagesDeletedTotal: 0,
  };

  constructor(private readonly options: Pop3ServerOptions) {}

  /** Opens the listeners; resolves with what it listens on. */
  async start(): Promise<string> {
    const { host, port, tlsPort, tls } = this.options;
    if (tlsPort !== undefined && !tls) throw new Error('POP3S needs a certificate (tls)');
    this.plain = createServer((socket) => this.accept(socket, false));
    await listen(this.plain, host, port);
    if (tlsPort !== undefined && tls) {
      this.secure = createTlsServer(
        { ...mailTlsDefaults, cert: tls.cert, key: tls.key, handshakeTimeout: 30_000 },
        (socket) => this.accept(socket, true),
      );
      // A failed handshake is the client's problem; it must not reach the process as an error.
      this.secure.on('tlsClientError', () => undefined);
      try {
        await listen(this.secure, host, tlsPort);
      } catch (error) {
        await this.stop();
        throw error;
      }
    }
    return `pop3 on ${host}:${this.port}${this.secure ? `, pop3s on ${host}:${this.tlsPort}` : ''}`;
  }

  /** Closes the listeners and every session (without applying deletions). */
  async stop(): Promise<void> {
    for (const session of this.open.values()) session.close('server shutting down');
    await Promise.all([close(this.plain), close(this.secure)]);
    this.plain = undefined;
    this.secure = undefined;
  }

  /** Port of the plain listener (after start). */
  get port(): number {
    return boundPort(this.plain);
  }

  /** Port of the implicit-TLS listener, if any. */
  get tlsPort(): number | undefined {
    return this.secure ? boundPort(this.secure) : undefined;
  }

  /** Open sessions. */
  sessions(): Pop3SessionInfo[] {
    return [...this.open.values()].map((session) => session.info());
  }

  /** Closes every session of a user (deletions not applied); returns how many were closed. */
  kick(user: string): number {
    const wanted = user.toLowerCase();
    let closed = 0;
    for (const session of [...this.open.values()]) {
      if (session.loggedInUser !== wanted) continue;
      session.close('session closed by an administrator');
      closed += 1;
    }
    return closed;
  }

  counters(): Pop3Counters {
    return { sessions: this.open.size, ...this.totals };
  }

  private accept(socket: Socket | TLSSocket, secure: boolean): void {
    const clientAddress = normalizeAddress(socket.remoteAddress ?? '');
    const limits = { ...defaultPop3Limits, ...this.options.limits };
    this.totals.connectionsTotal += 1;
    socket.on('error', () => undefined);
    const fromAddress = [...this.open.values()].filter((s) => s.clientAddress === clientAddress).length;
    if (this.open.size >= limits.maxSessions || fromAddress >= limits.maxSessionsPerAddress) {
      socket.end(err('too many connections, try again later', 'SYS/TEMP'));
      return;
    }
    const session = new Pop3Session(
      randomUUID(),
      socket,
      clientAddress,
      this.context(limits),
      secure,
      (ended) => this.open.delete(ended.id),
    );
    this.open.set(session.id, session);
    session.begin();
  }

  private context(limits: Pop3Limits): Pop3SessionContext {
    return {
      storage: this.options.storage,
      authenticate: this.options.authenticate,
      tls: this.options.tls,
      clock: this.options.clock ?? systemClock,
      limits,
      allowPlaintextAuth: this.options.allowPlaintextAuth ?? false,
      hostname: this.options.hostname ?? 'mailfleet',
      lockMaildrop: (user, owner) => {
        const holder = this.locks.get(user);
        if (holder && holder !== owner) return false;
        this.locks.set(user, owner);
        return true;
      },
      releaseMaildrop: (user, owner) => {
        if (this.locks.get(user) === owner) this.locks.delete(user);
      },
      event: (event) => this.count(event),
    };
  }

  private count(event: Pop3Event): void {
    if (event.kind === 'login') this.totals.loginsTotal += 1;
    else if (event.kind === 'login-failed') this.totals.failedLoginsTotal += 1;
    else if (event.kind === 'retrieved') {
      this.totals.messagesRetrievedTotal += 1;
      this.totals.bytesRetrievedTotal += event.bytes;
    } else if (event.kind === 'deleted') this.totals.messagesDeletedTotal += event.count;
    this.options.onEvent?.(event);
  }
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function close(server: Server | undefined): Promise<void> {
  if (!server?.listening) return Promise.resolve();
  return new Promise((resolve) => server.close(() => resolve()));
}

function boundPort(server: Server | undefined): number {
  const address = server?.address();
  if (!address || typeof address === 'string') throw new Error('the POP3 server is not listening');
  return address.port;
}

/** `::ffff:127.0.0.1` -> `127.0.0.1`, so throttling and the loopback check see one form. */
export function normalizeAddress(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
