/**
 * What both proxy sessions (IMAP and POP3) share: the state of a connection before login, how
 * their command loops wait for a client that does not read, and what they do between the
 * director's check of a login and the byte relay (replay the login at the user's store, then make
 * sure the client is still there and no hold came meanwhile).
 */
import type { Socket } from 'node:net';
import { isLoopbackAddress } from './loopback-address.js';
import type { ProxyContext } from './proxy-context.js';
import type { StoreConnection } from './store-connection.js';
import type { StoreEndpoint } from './store-locator.js';

/** How opening the store session ended; anything but `ready` left no store connection open. */
export type StoreSessionOpening<S> =
  | { kind: 'ready'; session: S }
  /** The store could not be reached or refused the replayed login (logged here). */
  | { kind: 'failed'; error: Error }
  /** The client went away while the store login was under way. */
  | { kind: 'gone' }
  /** A hold on the user came while the store login was under way. */
  | { kind: 'held' };

/** Logs the routed user in at the store with `login` (imap-store-login.ts, pop3-store-login.ts). */
export async function openStoreSession<S extends { connection: StoreConnection }>(
  context: ProxyContext,
  client: Socket,
  route: { user: string; endpoint: StoreEndpoint },
  login: () => Promise<S>,
): Promise<StoreSessionOpening<S>> {
  let session: S;
  try {
    session = await login();
  } catch (error) {
    context.log?.warn('store login failed', {
      user: route.user,
      node: route.endpoint.node,
      error: (error as Error).message,
    });
    return { kind: 'failed', error: error as Error };
  }
  if (client.destroyed) {
    session.connection.destroy();
    return { kind: 'gone' };
  }
  // A cutover's kick would miss a session that starts after it: a hold that came meanwhile wins.
  if (context.routing.holds.has(route.user)) {
    session.connection.destroy();
    return { kind: 'held' };
  }
  return { kind: 'ready', session };
}

/** Holds a session's command loop while the client does not read its answers. */
export class AnswerBackpressure {
  private waiting = false;

  /**
   * True when the loop must stop now: the client's socket is full. Input pauses until the client has
   * read, then `resume` runs the loop again.
   */
  holds(socket: Socket, resume: () => void): boolean {
    if (this.waiting) return true;
    if (!socket.writableNeedDrain) return false;
    // A client that pipelines without reading the answers waits for them to drain first.
    this.waiting = true;
    socket.pause();
    socket.once('drain', () => {
      this.waiting = false;
      resume();
    });
    return true;
  }
}

/** A client connection of a proxy before login (imap-proxy-session.ts, pop3-proxy-session.ts). */
export abstract class PreLoginSession {
  protected readonly clientAddress: string;
  /** The TCP socket under any TLS layer: the pre-login timer lives there and must be cleared there. */
  protected readonly tcp: Socket;
  protected readonly backpressure = new AnswerBackpressure();

  constructor(
    /** The client's socket: TLS after STARTTLS or STLS. */
    protected socket: Socket,
    protected secure: boolean,
    protected readonly context: ProxyContext,
  ) {
    this.clientAddress = socket.remoteAddress ?? 'unknown';
    this.tcp = socket;
  }

  /** Passwords in clear text only over TLS, from loopback, or where the site allows them. */
  protected loginAllowed(): boolean {
    return this.secure || this.context.allowPlaintextAuth || isLoopbackAddress(this.clientAddress);
  }

  protected write(line: string): void {
    if (!this.socket.destroyed) this.socket.write(`${line}\r\n`);
  }
}
