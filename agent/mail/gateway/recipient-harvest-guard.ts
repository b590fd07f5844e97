/**
 * Against directory harvesting (trying address after address to learn which exist): each client's
 * unknown-recipient rejections are counted in a sliding window; at the threshold the client is
 * told 421 and dropped, and for `blockMs` after that every attempt from it gets the same. Pure
 * logic; the SMTP server asks `check` before RCPT and reports each unknown recipient.
 */
import type { Clock } from '../../common/clock.js';
import { clientNetwork } from './client-network.js';
import type { SmtpReply } from './smtp-refusal.js';

/** Thresholds of the guard. */
export interface RecipientHarvestGuardOptions {
  clock: Clock;
  /** Unknown recipients allowed within the window (default 20); the next one drops the client. */
  threshold?: number;
  /** Sliding window (default 10 min). */
  windowMs?: number;
  /** How long a dropped client stays refused (default 30 min). */
  blockMs?: number;
  /** Clients tracked at most; the least recently seen are forgotten first (default 50,000). */
  maxClients?: number;
}

/** What to do with a client now. */
export type HarvestVerdict = { action: 'continue' } | { action: 'drop'; reply: SmtpReply; reason: string };

interface ClientRecord {
  /** Times of the recent unknown recipients, oldest first, at most `threshold` of them. */
  unknown: number[];
  blockedUntil: number;
}

/** Per-client unknown-recipient counting for one gateway. */
export class RecipientHarvestGuard {
  private readonly clients = new Map<string, ClientRecord>();
  private readonly threshold: number;
  private readonly windowMs: number;
  private readonly blockMs: number;
  private readonly maxClients: number;

  constructor(private readonly options: RecipientHarvestGuardOptions) {
    this.threshold = options.threshold ?? 20;
    this.windowMs = options.windowMs ?? 10 * 60_000;
    this.blockMs = options.blockMs ?? 30 * 60_000;
    this.maxClients = options.maxClients ?? 50_000;
  }

  /** Whether a client may go on (ask before each RCPT, and at connect). */
  check(clientAddress: string): HarvestVerdict {
    const record = this.clients.get(clientKey(clientAddress));
    if (record && this.options.clock.now() < record.blockedUntil) return this.drop(record);
    return { action: 'continue' };
  }

  /** Counts one unknown recipient from a client; says whether to drop it now. */
  recordUnknownRecipient(clientAddress: string): HarvestVerdict {
    const key = clientKey(clientAddress);
    const now = this.options.clock.now();
    let record = this.clients.get(key);
    if (record) {
      // Re-inserted so the Map's order is least recently seen first (eviction below).
      this.clients.delete(key);
    } else {
      record = { unknown: [], blockedUntil: 0 };
    }
    this.clients.set(key, record);
    if (this.clients.size > this.maxClients) {
      const oldest = this.clients.keys().next().value;
      if (oldest !== undefined) this.clients.delete(oldest);
    }
    if (now < record.blockedUntil) return this.drop(record);
    const windowStart = now - this.windowMs;
    while (record.unknown.length > 0 && (record.unknown[0] ?? 0) <= windowStart) record.unknown.shift();
    record.unknown.push(now);
    if (record.unknown.length > this.threshold) {
      record.blockedUntil = now + this.blockMs;
      record.unknown = [];
      return this.drop(record);
    }
    return { action: 'continue' };
  }

  /** Clients refused now, for status displays. */
  blockedClients(): string[] {
    const now = this.options.clock.now();
    return [...this.clients].filter(([, r]) => now < r.blockedUntil).map(([key]) => key);
  }

  private drop(record: ClientRecord): HarvestVerdict {
    const minutes = Math.ceil((record.blockedUntil - this.options.clock.now()) / 60_000);
    return {
      action: 'drop',
      reason: `more than ${this.threshold} unknown recipients within ${Math.round(this.windowMs / 60_000)} min`,
      reply: {
        code: 421,
        enhanced: '4.7.0',
        message: `too many unknown recipients from your address; closing connection, try again in ${minutes} min`,
      },
    };
  }
}

/**
 * The address for IPv4; the /64 for IPv6, where one host can rotate through a whole /64 of
 * addresses and would otherwise never reach the threshold.
 */
function clientKey(clientAddress: string): string {
  const client = clientNetwork(clientAddress);
  return client.family === 4 ? client.address : client.network;
}
