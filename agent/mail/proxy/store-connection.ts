/**
 * The proxy's side of a connection to a store: connect with a timeout, read the store's reply lines
 * (bounded), write commands, upgrade to TLS (STARTTLS/STLS) when the store is not on loopback, then
 * hand the socket over to the relay together with any bytes already read past the last line.
 */
import { connect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { isLoopbackAddress } from './loopback-address.js';
import type { StoreEndpoint } from './store-locator.js';

/** How the proxy reaches stores. */
export interface StoreConnectOptions {
  /** Connect and each reply; default 10 s. */
  timeoutMs?: number;
  /**
   * When to use STARTTLS/STLS to the store: `remote` (default) for stores not on loopback,
   * `always`, or `never` (then a remote store must set `mail.allowPlaintextAuth`, docs/store.md,
   * and passwords cross the network in clear).
   */
  tlsToStores?: 'remote' | 'always' | 'never';
  /** CA certificates (PEM) the stores' certificates are checked against; default the system's. */
  ca?: string | Buffer;
}

/** A store refused or failed; `message` is for the log, the client gets a generic line. */
export class StoreConnectionError extends Error {
  override readonly name = 'StoreConnectionError';
}

// A store's greeting, capability and login lines are short; a longer one means something is wrong.
const maxReplyLineBytes = 64 * 1024;

/** A connection to a store before the relay starts. */
export class StoreConnection {
  private pending: Buffer = Buffer.alloc(0);
  private waiter: (() => void) | undefined;
  private failure: Error | undefined;

  private constructor(
    private socket: Socket,
    private readonly timeoutMs: number,
  ) {
    this.listen();
  }

  /** Connects to `host:port`. */
  static open(host: string, port: number, options: StoreConnectOptions = {}): Promise<StoreConnection> {
    const timeoutMs = options.timeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new StoreConnectionError(`connecting to ${host}:${port} timed out`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new StoreConnection(socket, timeoutMs));
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(new StoreConnectionError(`cannot connect to ${host}:${port}: ${error.message}`));
      });
    });
  }

  /** Whether the login must go over TLS under `policy` (a loopback store allows plaintext logins). */
  needsTls(policy: StoreConnectOptions['tlsToStores'] = 'remote'): boolean {
    if (policy !== 'remote') return policy === 'always';
    return !isLoopbackAddress(this.socket.remoteAddress ?? '');
  }

  /** Sends a command line (CRLF added). */
  send(line: string): void {
    this.socket.write(`${line}\r\n`);
  }

  /** The next line the store sends, without CRLF. */
  async readLine(): Promise<string> {
    const deadline = setTimeout(
      () => this.fail(new StoreConnectionError('the store did not answer in time')),
      this.timeoutMs,
    );
    try {
      for (;;) {
        const end = this.pending.indexOf(0x0a);
        if (end !== -1) {
          const line = this.pending.subarray(0, end).toString('utf8').replace(/\r$/, '');
          this.pending = this.pending.subarray(end + 1);
          return line;
        }
        if (this.failure) throw this.failure;
        if (this.pending.length > maxReplyLineBytes)
          throw new StoreConnectionError('the store sent an overlong line');
        await new Promise<void>((resolve) => {
          this.waiter = resolve;
        });
      }
    } finally {
      clearTimeout(deadline);
    }
  }

  /** Upgrades to TLS (after the store said yes to STARTTLS/STLS) and checks the store's certificate. */
  async startTls(host: string, ca: string | Buffer | undefined): Promise<void> {
    this.socket.removeAllListeners('data');
    this.pending = Buffer.alloc(0);
    const secure = await new Promise<Socket>((resolve, reject) => {
      // SNI carries host names only (RFC 6066); the certificate is checked against `host` either way.
      const upgraded = tlsConnect({
        socket: this.socket,
        host,
        ...(isIP(host) === 0 ? { servername: host } : {}),
        ...(ca ? { ca } : {}),
        minVersion: 'TLSv1.2',
      });
      upgraded.once('secureConnect', () => resolve(upgraded));
      upgraded.once('error', (error) =>
        reject(new StoreConnectionError(`TLS to the store failed: ${error.message}`)),
      );
    });
    this.socket = secure;
    this.listen();
  }

  /** Stops reading and hands over the socket and the bytes read past the last line. */
  detach(): { socket: Socket; leftover: Buffer } {
    this.socket.removeAllListeners('data');
    this.socket.removeAllListeners('error');
    this.socket.removeAllListeners('end');
    this.socket.pause();
    return { socket: this.socket, leftover: this.pending };
  }

  /** Closes the connection (login failed, client gone). */
  destroy(): void {
    this.socket.destroy();
  }

  private listen(): void {
    this.socket.on('data', (chunk: Buffer) => {
      this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
      this.wake();
    });
    this.socket.on('error', (error) =>
      this.fail(new StoreConnectionError(`the store connection failed: ${error.message}`)),
    );
    this.socket.on('end', () => this.fail(new StoreConnectionError('the store closed the connection')));
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.wake();
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }
}

/** How a protocol opens a session at a store: the greeting it expects, and how it asks for TLS. */
export interface StoreGreeting {
  /** What the store's first line starts with (`* OK`, `+OK`). */
  greeting: string;
  /** Asks the store for TLS in the protocol's words; rejects when the store refuses. */
  askForTls(connection: StoreConnection): Promise<void>;
}

/**
 * Connects to the store, checks its greeting, starts TLS unless the store is on loopback (or the
 * policy says otherwise), and runs `login` on the connection. Any failure closes the connection.
 */
export async function loggedInAtStore<T>(
  endpoint: StoreEndpoint,
  options: StoreConnectOptions,
  protocol: StoreGreeting,
  login: (connection: StoreConnection) => Promise<T>,
): Promise<T> {
  const connection = await StoreConnection.open(endpoint.host, endpoint.port, options);
  try {
    const greeting = await connection.readLine();
    if (!greeting.startsWith(protocol.greeting))
      throw new StoreConnectionError(`the store greeted with ${greeting.slice(0, 100)}`);
    if (connection.needsTls(options.tlsToStores)) {
      await protocol.askForTls(connection);
      await connection.startTls(endpoint.host, options.ca);
    }
    return await login(connection);
  } catch (error) {
    connection.destroy();
    throw error;
  }
}
