/**
 * The director's IMAP proxy: greets clients, checks their login against the directory, finds the
 * store serving their mailbox, replays the login there and relays bytes until either side closes.
 * See docs/proxy.md.
 */
import { ImapProxySession } from './imap-proxy-session.js';
import type { ProxyHolds } from './proxy-holds.js';
import { type MailProxyOptions, MailProxyServer } from './proxy-server.js';
import type { ProxiedSession } from './proxy-sessions.js';

/** IMAP proxy: `start()`, `port`/`tlsPort`, `hold`/`release`, `sessions()`, `kick(user)`, `stop()`. */
export class ImapProxy {
  private readonly server: MailProxyServer;

  constructor(options: MailProxyOptions) {
    this.server = new MailProxyServer(
      options,
      (socket, secure, context) => new ImapProxySession(socket, secure, context),
    );
  }

  /** Binds the listeners. */
  start(): Promise<void> {
    return this.server.start();
  }

  /** Plain (STARTTLS) port, after start. */
  get port(): number | undefined {
    return this.server.port;
  }

  /** Implicit-TLS port, if configured. */
  get tlsPort(): number | undefined {
    return this.server.tlsPort;
  }

  /** Open client connections (before login and relayed). */
  get connectionCount(): number {
    return this.server.connectionCount;
  }

  /** The holds this proxy checks (possibly shared with the POP3 proxy). */
  get holds(): ProxyHolds {
    return this.server.holds;
  }

  /** Refuses `user`'s logins with `NO [UNAVAILABLE]` until released; sessions stay (kick them). */
  hold(user: string): void {
    this.server.holds.hold(user);
  }

  /** Lets `user` log in again; returns whether they were held. */
  release(user: string): boolean {
    return this.server.holds.release(user);
  }

  /** Relayed sessions: user, client address, store node, since. */
  sessions(): ProxiedSession[] {
    return this.server.sessions();
  }

  /** Closes `user`'s relayed sessions; returns how many. */
  kick(user: string): number {
    return this.server.kick(user);
  }

  /** Closes listeners and all connections. */
  stop(): Promise<void> {
    return this.server.stop();
  }
}
