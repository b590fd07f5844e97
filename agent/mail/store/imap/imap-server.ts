/**
 * The IMAP4rev1 server of a store node: a plain listener (with STARTTLS) and optionally an
 * implicit-TLS listener, sessions over a MailStorage, logins through an injected authenticate
 * function. No module-level state: several servers can run in one process.
 */
import { createServer, type Server, type Socket } from 'node:net';
import {
  createSecureContext,
  createServer as createTlsServer,
  type SecureContext,
  type Server as TlsServer,
} from 'node:tls';
import type { Clock } from '../../../common/clock.js';
import { defaultImapLimits, type ImapLimits } from '../../protocol/imap/imap-limits.js';
import type { AuthenticateMailLogin } from '../mail-login.js';
import type { MailStorage } from '../mail-storage.js';
import { ImapSession } from './imap-session.js';
import type { ImapCounters, ImapLog, ImapSessionContext } from './imap-session-context.js';
import { MessageStructureCache } from './message-structure-cache.js';
import { SortKeyCache } from './sort-keys.js';

/** Construction options. */
export interface ImapServerOptions {
  storage: MailStorage;
  authenticate: AuthenticateMailLogin;
  /** Certificate and key (PEM) for STARTTLS and the implicit-TLS listener; a prepared context may be given too. */
  tls?: { key: string | Buffer; cert: string | Buffer; secureContext?: SecureContext };
  /** Default 127.0.0.1. */
  host?: string;
  /** Plain IMAP port; 0 (default) picks a free one. */
  port?: number;
  /** Implicit-TLS (IMAPS) port; 0 picks a free one; undefined: no such listener. Needs `tls`. */
  tlsPort?: number;
  /** Accept LOGIN/AUTHENTICATE without TLS from non-loopback clients (default false). */
  allowPlaintextAuth?: boolean;
  /** Accept plaintext logins from loopback clients (default true, as Dovecot; tests turn it off). */
  trustLoopback?: boolean;
  /** Largest APPEND message (overrides limits.maxAppendBytes; the store's message size limit). */
  maxMessageBytes?: number;
  /** Server name in the greeting. */
  hostname?: string;
  limits?: Partial<ImapLimits>;
  log?: ImapLog;
  /** Time source (tests may fix it). */
  clock?: Clock;
}

/** One session as `session.list` shows it. */
export interface ImapSessionInfo {
  id: string;
  protocol: 'imap';
  /** Absent before login. */
  user?: string;
  clientAddress: string;
  /** ms since the epoch, when the connection was accepted. */
  since: number;
  /** TLS (implicit or after STARTTLS). */
  secure: boolean;
}

const silentLog: ImapLog = { info() {}, warn() {}, error() {} };

/** The IMAP server. */
export class ImapServer {
  private plain: Server | undefined;
  private secure: TlsServer | undefined;
  private context: ImapSessionContext | undefined;
  private readonly live = new Map<ImapSession, string>();
  private nextId = 1;
  private readonly tally: ImapCounters = { sessions: 0, logins: 0, failedLogins: 0, commands: 0 };

  constructor(private readonly options: ImapServerOptions) {}

  /** Starts listening; resolves once every listener is bound. */
  async start(): Promise<void> {
    if (this.plain) throw new Error('IMAP server already started');
    const options = this.options;
    const tls = options.tls;
    const secureContext = tls
      ? (tls.secureContext ?? createSecureContext({ key: tls.key, cert: tls.cert, minVersion: 'TLSv1.2' }))
      : undefined;
    const limits: ImapLimits = { ...defaultImapLimits, ...options.limits };
    if (options.maxMessageBytes !== undefined) limits.maxAppendBytes = options.maxMessageBytes;
    this.context = {
      storage: options.storage,
      authenticate: options.authenticate,
      secureContext,
      limits,
      cache: new MessageStructureCache(limits.structureCacheBytes),
      sortKeys: new SortKeyCache(limits.sortCacheBytes),
      counters: this.tally,
      log: options.log ?? silentLog,
      allowPlaintextAuth: options.allowPlaintextAuth ?? false,
      trustLoopback: options.trustLoopback ?? true,
      now: options.clock ? () => options.clock!.now() : Date.now,
    };
    const host = options.host ?? '127.0.0.1';
    // allowHalfOpen: a client may send its last commands and shut its side; they are still answered.
    this.plain = createServer({ allowHalfOpen: true }, (socket) => this.accept(socket, false));
    await listen(this.plain, host, options.port ?? 0);
    if (options.tlsPort !== undefined) {
      if (!secureContext) throw new Error('an implicit-TLS IMAP listener needs a certificate (tls option)');
      // tls.Server builds its context from key and cert (it ignores a `secureContext` option).
      this.secure = createTlsServer(
        {
          key: tls!.key,
          cert: tls!.cert,
          minVersion: 'TLSv1.2',
          allowHalfOpen: true,
          handshakeTimeout: 30_000,
        },
        (socket) => this.accept(socket, true),
      );
      // A failed handshake (scanner, wrong protocol) concerns that client only.
      this.secure.on('tlsClientError', () => {});
      await listen(this.secure, host, options.tlsPort);
    }
  }

  /** Closes the listeners, says BYE to every session and waits for them to go. */
  async stop(): Promise<void> {
    const servers = [this.secure, this.plain].filter((server): server is Server => server !== undefined);
    this.secure = undefined;
    this.plain = undefined;
    const closed = servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
    for (const session of [...this.live.keys()]) session.closeWithBye('Server shutting down');
    await Promise.all(closed);
    this.context?.cache.clear();
    this.context?.sortKeys.clear();
  }

  /** The plain listener's port. */
  get port(): number {
    return portOf(this.plain);
  }

  /** The implicit-TLS listener's port, if there is one. */
  get tlsPort(): number | undefined {
    return this.secure ? portOf(this.secure) : undefined;
  }

  /** Counters for metrics (live object: read it at sampling time). */
  get counters(): Readonly<ImapCounters> {
    return this.tally;
  }

  /** Open sessions. */
  sessions(): ImapSessionInfo[] {
    return [...this.live].map(([session, id]) => {
      const info: ImapSessionInfo = {
        id,
        protocol: 'imap',
        clientAddress: session.clientAddress,
        since: session.since,
        secure: session.secure,
      };
      if (session.user !== undefined) info.user = session.user;
      return info;
    });
  }

  /** Closes every session of a user (mailbox moves, admin action); returns how many were closed. */
  kick(user: string): number {
    let count = 0;
    for (const session of [...this.live.keys()]) {
      if (session.user !== user) continue;
      session.closeWithBye('Session closed by the administrator');
      count++;
    }
    return count;
  }

  private accept(socket: Socket, secure: boolean): void {
    const context = this.context;
    if (!context) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    if (this.live.size >= context.limits.maxConnections) {
      socket.on('error', () => {});
      socket.end('* BYE Too many connections, try again later\r\n');
      return;
    }
    const session = new ImapSession(socket, context, secure, (closed) => {
      if (this.live.delete(closed)) this.tally.sessions = this.live.size;
    });
    this.live.set(session, `imap-${this.nextId++}`);
    this.tally.sessions = this.live.size;
    session.start(`${this.options.hostname ?? 'mailfleet'} IMAP4rev1 ready`);
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

function portOf(server: Server | undefined): number {
  const address = server?.address();
  return typeof address === 'object' && address ? address.port : 0;
}
