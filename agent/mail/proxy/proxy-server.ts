/**
 * The part the IMAP and POP3 proxies share: listeners (plain, and implicit TLS when a certificate
 * and a TLS port are given), the connection limit, holds, the registry of relayed sessions
 * (`sessions()`, `kick(user)`), and the store locator's invalidate hook.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { type Clock, systemClock } from '../../common/clock.js';
import type { DirectorAuthenticator } from '../director/director-authenticator.js';
import { AddressConnectionLimit } from '../protocol/address-connection-limit.js';
import type { MailTlsCredentials } from '../protocol/tls/mail-tls.js';
import { defaultProxyLimits, type ProxyContext, type ProxyLimits, type ProxyLog } from './proxy-context.js';
import { ProxyHolds } from './proxy-holds.js';
import { type ProxiedSession, ProxySessionRegistry } from './proxy-sessions.js';
import type { StoreConnectOptions } from './store-connection.js';
import type { StoreLocator } from './store-locator.js';

/** Options of a proxy (IMAP or POP3). */
export interface MailProxyOptions {
  authenticator: DirectorAuthenticator;
  locator: StoreLocator;
  /** Shared with the other proxy so one hold covers IMAP and POP3; a new set by default. */
  holds?: ProxyHolds;
  /** STARTTLS/STLS and the implicit-TLS listener; without it neither is offered. */
  tls?: MailTlsCredentials;
  host: string;
  /** 0 = a free port. */
  port: number;
  /** Implicit TLS (IMAPS/POP3S); needs `tls`. */
  tlsPort?: number;
  /** Plaintext logins from non-loopback clients without TLS (default false). */
  allowPlaintextAuth?: boolean;
  /** In the greeting. */
  hostname?: string;
  limits?: Partial<ProxyLimits>;
  storeConnect?: StoreConnectOptions;
  clock?: Clock;
  log?: ProxyLog;
}

/** A client connection before or during relaying. */
export interface ProxyConnection {
  start(): void;
}

/** Listeners, limits, holds and sessions of one proxy; the protocol comes from `open`. */
export class MailProxyServer {
  readonly holds: ProxyHolds;
  private readonly sessionRegistry = new ProxySessionRegistry();
  private readonly sockets = new Set<Socket>();
  private servers: Server[] = [];
  private plainPort: number | undefined;
  private securePort: number | undefined;

  constructor(
    private readonly options: MailProxyOptions,
    private readonly open: (socket: Socket, secure: boolean, context: ProxyContext) => ProxyConnection,
    /** The protocol's line (CRLF included) to a connection refused because its address holds too many. */
    private readonly busyLine: string,
  ) {
    this.holds = options.holds ?? new ProxyHolds();
  }

  /** Binds the listeners. */
  async start(): Promise<void> {
    const { options } = this;
    if (options.tlsPort !== undefined && !options.tls)
      throw new Error('an implicit-TLS port needs a certificate');
    const limits = { ...defaultProxyLimits, ...options.limits };
    const preLogin = new AddressConnectionLimit(limits.maxConnectionsPerAddress);
    // The pre-login slot of each connection, given back at login or close.
    const preLoginSlots = new WeakMap<Socket, () => void>();
    const context: ProxyContext = {
      routing: {
        authenticator: options.authenticator,
        locator: options.locator,
        holds: this.holds,
        sessionsOf: (user, address) => this.sessionRegistry.count(user, address),
        maxSessionsPerUserAddress: limits.maxSessionsPerUserAddress,
      },
      sessions: this.sessionRegistry,
      tls: options.tls,
      allowPlaintextAuth: options.allowPlaintextAuth ?? false,
      hostname: options.hostname ?? 'director',
      limits,
      storeConnect: options.storeConnect ?? {},
      clock: options.clock ?? systemClock,
      log: options.log,
      loggedIn: (tcp) => preLoginSlots.get(tcp)?.(),
    };
    const accept = (socket: Socket, secure: boolean): void => {
      socket.on('error', () => socket.destroy());
      if (this.sockets.size >= context.limits.maxConnections) {
        // No greeting at all: a client retries, and the proxy spends nothing on it.
        socket.destroy();
        return;
      }
      const slot = preLogin.acquire(socket.remoteAddress);
      if (!slot) {
        // One address's flood must not take the whole proxy (anvil-style): it alone is refused.
        options.log?.warn('too many connections from one address before login', {
          ip: socket.remoteAddress,
        });
        socket.end(this.busyLine);
        return;
      }
      preLoginSlots.set(socket, slot);
      this.sockets.add(socket);
      socket.once('close', () => {
        slot();
        this.sockets.delete(socket);
      });
      this.open(socket, secure, context).start();
    };
    const plain = createServer((socket) => accept(socket, false));
    this.plainPort = await listen(plain, options.host, options.port);
    this.servers.push(plain);
    if (options.tls && options.tlsPort !== undefined) {
      // tls.Server builds its own context from key and cert; it ignores a `secureContext` option.
      const { key, cert } = options.tls;
      const secure = createTlsServer({ key, cert, minVersion: 'TLSv1.2' }, (socket: TLSSocket) =>
        accept(socket, true),
      );
      secure.on('tlsClientError', () => undefined);
      this.securePort = await listen(secure, options.host, options.tlsPort);
      this.servers.push(secure);
    }
  }

  /** The plain listener's port (after start). */
  get port(): number | undefined {
    return this.plainPort;
  }

  /** The implicit-TLS listener's port, if any. */
  get tlsPort(): number | undefined {
    return this.securePort;
  }

  /** Open client connections (before login and relayed). */
  get connectionCount(): number {
    return this.sockets.size;
  }

  /**
   * Refuses `user`'s logins (IMAP `NO [UNAVAILABLE]`, POP3 `-ERR [IN-USE]`) until released; sessions
   * already relayed stay (a cutover kicks them after holding).
   */
  hold(user: string): void {
    this.holds.hold(user);
  }

  /** Lets `user` log in again; returns whether they were held. */
  release(user: string): boolean {
    return this.holds.release(user);
  }

  /** Relayed sessions. */
  sessions(): ProxiedSession[] {
    return this.sessionRegistry.list();
  }

  /** Closes `user`'s relayed sessions; returns how many. */
  kick(user: string): number {
    return this.sessionRegistry.kick(user);
  }

  /** Closes the sessions relayed to a store node; returns how many. */
  kickStoreNode(node: string): number {
    return this.sessionRegistry.kickStoreNode(node);
  }

  /** Closes listeners and every connection. */
  async stop(): Promise<void> {
    const servers = this.servers;
    this.servers = [];
    this.sessionRegistry.closeAll();
    for (const socket of this.sockets) socket.destroy();
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  }
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.removeListener('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
