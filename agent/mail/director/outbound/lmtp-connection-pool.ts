/**
 * Open LMTP connections to stores, kept for the next message (nodemailer's SMTPConnection in LMTP
 * mode). After each transaction the connection is parked and reset with RSET; a parked connection
 * closes after an idle time, or as soon as the store closes it. At most `maxIdlePerDestination` are
 * parked per store; the queue's per-destination concurrency bounds how many are busy at once.
 */
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { DeliveryDestination } from '../queue/delivery-transport.js';

/** Options of an LmtpConnectionPool. */
export interface LmtpConnectionPoolOptions {
  /** Name sent in LHLO. */
  clientName: string;
  connectTimeoutMs: number;
  socketTimeoutMs: number;
  /** Parked connections per destination (default 20, the director's default concurrency). */
  maxIdlePerDestination?: number;
  /** How long a parked connection stays open unused (default 2 s, as Postfix caches connections). */
  idleMs?: number;
}

/** A connection lent out by the pool. */
export interface LentConnection {
  connection: SMTPConnection;
  /** Whether it carried an earlier transaction (a failure on it may be a store that closed it meanwhile). */
  reused: boolean;
}

interface Parked {
  connection: SMTPConnection;
  timer: NodeJS.Timeout;
  /** The RSET after its last transaction: true once the store answered 250. */
  reset: Promise<boolean>;
}

/** Connection reuse per destination. */
export class LmtpConnectionPool {
  private readonly parked = new Map<string, Parked[]>();
  // Connections whose socket has ended (SMTPConnection's own flag is private).
  private readonly ended = new WeakSet<SMTPConnection>();
  private closed = false;

  constructor(private readonly options: LmtpConnectionPoolOptions) {}

  /** A parked connection to `destination`, or a new one once its LHLO is answered. */
  async acquire(destination: DeliveryDestination): Promise<LentConnection> {
    const key = poolKey(destination);
    const list = this.parked.get(key);
    while (list && list.length > 0) {
      const parked = list.pop() as Parked;
      clearTimeout(parked.timer);
      if (list.length === 0) this.parked.delete(key);
      // Waiting for an RSET reply costs far less than a new connection and greeting.
      if ((await parked.reset) && !this.ended.has(parked.connection)) {
        return { connection: parked.connection, reused: true };
      }
      parked.connection.close();
    }
    return { connection: await this.open(destination), reused: false };
  }

  /**
   * Gives a connection back after a transaction. A healthy one is parked at once while its RSET is
   * answered (the next user waits for that reply); anything else closes it.
   */
  release(destination: DeliveryDestination, connection: SMTPConnection, healthy: boolean): void {
    if (!healthy || this.closed || this.ended.has(connection)) {
      connection.close();
      return;
    }
    const reset = new Promise<boolean>((resolve) => {
      connection.reset((error) => {
        const usable = !error && !this.closed && !this.ended.has(connection);
        if (!usable) connection.close();
        resolve(usable);
      });
    });
    this.park(poolKey(destination), connection, reset);
  }

  /** Closes every parked connection; later releases close theirs. */
  close(): void {
    this.closed = true;
    for (const list of this.parked.values()) {
      for (const { connection, timer } of list) {
        clearTimeout(timer);
        connection.quit();
      }
    }
    this.parked.clear();
  }

  /** Parked connections per destination key (tests, status). */
  idleCounts(): Record<string, number> {
    return Object.fromEntries([...this.parked].map(([key, list]) => [key, list.length]));
  }

  private park(key: string, connection: SMTPConnection, reset: Promise<boolean>): void {
    const list = this.parked.get(key) ?? [];
    if (list.length >= (this.options.maxIdlePerDestination ?? 20)) {
      void reset.then((usable) => usable && connection.quit());
      return;
    }
    const entry: Parked = {
      connection,
      reset,
      timer: setTimeout(() => this.drop(key, entry, true), this.options.idleMs ?? 2_000),
    };
    entry.timer.unref();
    list.push(entry);
    this.parked.set(key, list);
  }

  /** Forgets a parked connection (closed by the store, or idle too long). */
  private drop(key: string, entry: Parked, quit: boolean): void {
    clearTimeout(entry.timer);
    const list = this.parked.get(key);
    const at = list?.indexOf(entry) ?? -1;
    if (list && at >= 0) list.splice(at, 1);
    if (list?.length === 0) this.parked.delete(key);
    if (quit) entry.connection.quit();
  }

  private open(destination: DeliveryDestination): Promise<SMTPConnection> {
    const connection = new SMTPConnection({
      host: destination.host,
      port: destination.port,
      lmtp: true,
      ignoreTLS: true,
      name: this.options.clientName,
      connectionTimeout: this.options.connectTimeoutMs,
      greetingTimeout: this.options.connectTimeoutMs,
      socketTimeout: this.options.socketTimeoutMs,
    });
    const key = poolKey(destination);
    // A store that closes a parked connection (its idle timeout, a restart) takes it out of the pool.
    const forget = () => {
      this.ended.add(connection);
      const entry = this.parked.get(key)?.find((p) => p.connection === connection);
      if (entry) this.drop(key, entry, false);
    };
    connection.on('end', forget);
    // Errors also reach the callback of the command in flight; this listener only keeps them from being unhandled.
    connection.on('error', forget);
    return new Promise((resolve, reject) => {
      // A refused or failed connect is emitted as 'error' and may never reach the connect callback.
      connection.once('error', reject);
      connection.connect((error) => {
        connection.off('error', reject);
        if (error) {
          connection.close();
          reject(error);
        } else resolve(connection);
      });
    });
  }
}

function poolKey(destination: DeliveryDestination): string {
  return `${destination.key}@${destination.host}:${destination.port}`;
}
