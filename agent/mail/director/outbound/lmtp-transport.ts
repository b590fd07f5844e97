/**
 * Delivery from the director's queue to stores over LMTP (RFC 2033) with nodemailer's SMTPConnection:
 * one transaction per message and destination, and one outcome per recipient from the store's
 * per-recipient replies (2xx delivered, 4xx deferred, 5xx bounced). A connection failure defers all.
 * Connections are reused per store (lmtp-connection-pool.ts, RSET between transactions).
 */
import type SMTPConnection from 'nodemailer/lib/smtp-connection';
import type {
  DeliveryDestination,
  DeliveryOutcome,
  MessageTransport,
  OutgoingMessage,
} from '../queue/delivery-transport.js';
import { LmtpConnectionPool } from './lmtp-connection-pool.js';

/** Options of an LmtpTransport. */
export interface LmtpTransportOptions {
  /** Name sent in LHLO. */
  clientName: string;
  /** Connection and greeting timeout (default 30 s). */
  connectTimeoutMs?: number;
  /** Whole-transaction timeout per reply (default 10 minutes: a store fsyncs before replying). */
  socketTimeoutMs?: number;
  /** Open connections kept per store between messages (default 20; the queue's per-destination concurrency). */
  maxConnectionsPerDestination?: number;
  /** How long an unused connection stays open (default 2 s). */
  idleMs?: number;
}

interface RecipientError {
  recipient?: unknown;
  responseCode?: unknown;
  response?: unknown;
  message?: unknown;
}

/** The queue's transport to stores. */
export class LmtpTransport implements MessageTransport {
  private readonly pool: LmtpConnectionPool;

  constructor(options: LmtpTransportOptions) {
    this.pool = new LmtpConnectionPool({
      clientName: options.clientName,
      connectTimeoutMs: options.connectTimeoutMs ?? 30_000,
      socketTimeoutMs: options.socketTimeoutMs ?? 600_000,
      ...(options.maxConnectionsPerDestination === undefined
        ? {}
        : { maxIdlePerDestination: options.maxConnectionsPerDestination }),
      ...(options.idleMs === undefined ? {} : { idleMs: options.idleMs }),
    });
  }

  /** Delivers one message to the recipients at one destination. */
  async deliver(
    destination: DeliveryDestination,
    message: OutgoingMessage,
    addresses: string[],
  ): Promise<DeliveryOutcome[]> {
    try {
      const lent = await this.pool.acquire(destination);
      const first = await this.transaction(destination, lent.connection, message, addresses);
      // A parked connection the store closed meanwhile fails before any reply: try once on a new one.
      // Retrying can only repeat what a deferral would retry later anyway, so no outcome gets weaker.
      if (!lent.reused || !('connectionLost' in first))
        return 'connectionLost' in first ? first.outcomes : first;
      const fresh = await this.pool.acquire(destination);
      const second = await this.transaction(destination, fresh.connection, message, addresses);
      return 'connectionLost' in second ? second.outcomes : second;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return addresses.map((address) => ({ address, outcome: 'deferred', reason }));
    }
  }

  /** Connections parked per destination now (tests, status). */
  idleConnections(): Record<string, number> {
    return this.pool.idleCounts();
  }

  /** Closes the connections kept open (the queue calls this when it stops). */
  close(): void {
    this.pool.close();
  }

  /** One LMTP transaction; a lost connection is reported apart so the caller may retry it. */
  private async transaction(
    destination: DeliveryDestination,
    connection: SMTPConnection,
    message: OutgoingMessage,
    addresses: string[],
  ): Promise<DeliveryOutcome[] | { connectionLost: true; outcomes: DeliveryOutcome[] }> {
    try {
      const info = await new Promise<SMTPConnection.SentMessageInfo>((resolve, reject) => {
        connection.send({ from: message.sender, to: addresses }, message.content, (error, sent) => {
          if (error || !sent) reject(error ?? new Error('no answer from the store'));
          else resolve(sent);
        });
      });
      this.pool.release(destination, connection, true);
      return outcomes(
        addresses,
        info.accepted,
        info.rejectedErrors as RecipientError[] | undefined,
        info.response,
      );
    } catch (error) {
      const rejected = (error as { rejectedErrors?: RecipientError[] }).rejectedErrors;
      // Every recipient refused at RCPT: the store answered each, and the connection is still good.
      if (rejected && rejected.length > 0) {
        this.pool.release(destination, connection, true);
        return outcomes(addresses, [], rejected, '');
      }
      this.pool.release(destination, connection, false);
      const reason = error instanceof Error ? error.message : String(error);
      const deferred = addresses.map((address) => ({ address, outcome: 'deferred' as const, reason }));
      const code = (error as { code?: unknown }).code;
      return code === 'ECONNECTION' || code === 'ESOCKET'
        ? { connectionLost: true, outcomes: deferred }
        : deferred;
    }
  }
}

function outcomes(
  addresses: string[],
  accepted: unknown[],
  rejectedErrors: RecipientError[] | undefined,
  response: unknown,
): DeliveryOutcome[] {
  const acceptedSet = new Set(accepted.map((a) => String(a).toLowerCase()));
  return addresses.map((address) => {
    if (acceptedSet.has(address.toLowerCase())) {
      return { address, outcome: 'delivered', reason: String(response ?? '250') };
    }
    const error = rejectedErrors?.find((e) => String(e.recipient).toLowerCase() === address.toLowerCase());
    if (!error) return { address, outcome: 'deferred', reason: 'store gave no reply for this recipient' };
    const code = typeof error.responseCode === 'number' ? error.responseCode : 0;
    const reason = String(error.response ?? error.message ?? 'refused');
    // Anything that is not a clear permanent 5xx is retried: losing mail is worse than retrying.
    return { address, outcome: code >= 500 && code < 600 ? 'bounced' : 'deferred', reason };
  });
}
