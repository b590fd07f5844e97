/**
 * The director's durable mail queue: the delivery state machine. `enqueue` resolves only once the
 * message is fsynced (the SMTP server sends 250 after it); each recipient is then routed and
 * delivered on its own, deferred with exponential backoff on temporary failures, and its final
 * outcome is recorded durably before the queue forgets it. `start` re-reads the spool after a
 * crash. The administrator's operations (bounce, flush, delete) are in queue-admin.ts.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../../common/clock.js';
import type { QueueHold } from '../../../common/contract/methods.js';
import type { DeliveryRoute, QueueTransports } from './delivery-transport.js';

import { deliverToDestination } from './destination-delivery.js';
import { DestinationSlots } from './destination-slots.js';
import { type IndexedOutcome, outcomeRecords } from './outcome-records.js';
import { countOutcomes, emptyQueueActivity, type QueueActivityTotals } from './queue-activity.js';
import {
  bounceRecipients,
  discardMessages,
  flushMessages,
  holdMail,
  listMessages,
  type QueueInternals,
  releaseMail,
  summarizeMessages,
} from './queue-admin.js';
import { type IncomingMessage, isFinal, type QueueEntry, type StateRecord } from './queue-entry.js';
import { QueueHolds } from './queue-holds.js';
import { expiryRecords } from './queue-lifetime.js';
import { defaultNoticeSettings, type QueueNoticeSettings, QueueNotices } from './queue-notices.js';
import { recoverSpool } from './queue-recovery.js';
import { QueueSpool, spoolHeader } from './queue-spool.js';
import type { QueueSummary } from './queue-summary.js';
import { applyRecord, routeRecipients } from './recipient-routing.js';
import { defaultRetryBackoff, type RetryBackoff } from './retry-backoff.js';

export type { QueueAgeBucket, QueueSummary } from './queue-summary.js';

/** Options of a MailQueue. */
export interface MailQueueOptions {
  /** Spool directory (created if missing). */
  root: string;
  clock: Clock;
  route: DeliveryRoute;
  /** The transport of each destination protocol: LMTP to the stores, SMTP by MX to the internet. */
  transports: QueueTransports;
  backoff?: RetryBackoff;
  /** Deliveries in flight per destination (default 10). */
  concurrencyPerDestination?: number;
  /** DSNs and lifetime (queue-notices.ts); reportingMta defaults to `localhost`. */
  notices?: Partial<QueueNoticeSettings>;
  log?: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
  /** Told each durable outcome (deferred, delivered, bounced) once applied: the mail trace. */
  onRecorded?: (entry: Readonly<QueueEntry>, records: readonly StateRecord[]) => void;
}

// Longest sleep of the retry timer, so a clock that jumps (tests, NTP) is noticed soon.
const maxTimerMs = 30_000;
// How long a recipient parked behind a held logical store waits before it is routed again.
const parkedRecheckMs = 60_000;

/** A durable queue with holds, retries and per-destination concurrency. */
export class MailQueue {
  private readonly spool: QueueSpool;
  private readonly holds: QueueHolds;
  private readonly slots: DestinationSlots;
  private readonly notices: QueueNotices;
  private readonly entries = new Map<string, QueueEntry>();
  // `<id>:<recipient index>` of recipients being routed or delivered now.
  private readonly inFlight = new Set<string>();
  private readonly attempts = new Set<Promise<void>>();
  // `<id>:<index>` -> when routing found its logical store held; re-routed on release or after a while.
  private readonly parked = new Map<string, number>();
  // Ids being deleted by an administrator: not attempted any more (queue-admin.ts).
  private readonly discarding = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private dispatchQueued = false;
  private running = false;
  private readonly totals = emptyQueueActivity();
  /** What the admin operations (queue-admin.ts) reach of this queue. */
  private readonly internals: QueueInternals;

  constructor(private readonly options: MailQueueOptions) {
    this.spool = new QueueSpool(options.root);
    this.holds = new QueueHolds(options.root);
    this.slots = new DestinationSlots(options.concurrencyPerDestination ?? 10);
    const settings = { reportingMta: 'localhost', ...defaultNoticeSettings, ...options.notices };
    this.notices = new QueueNotices(this.spool, options.clock, settings, (dsn) => {
      this.entries.set(dsn.id, dsn);
      this.kick();
    });
    this.internals = {
      clock: options.clock,
      spool: this.spool,
      holds: this.holds,
      slots: this.slots,
      entries: this.entries,
      inFlight: this.inFlight,
      parked: this.parked,
      discarding: this.discarding,
      attemptsSettled: () => Promise.allSettled([...this.attempts]).then(() => undefined),
      commit: (entry, records) => this.commit(entry, records),
      retire: (entry) => this.retire(entry),
      kick: () => this.kick(),
    };
  }

  /** Opens the spool, recovers queued messages (torn writes discarded) and starts delivering. */
  async start(): Promise<void> {
    await this.spool.open();
    await this.holds.load();
    const pending = await recoverSpool(this.spool, this.notices, (file, problem) =>
      this.log('warn', 'spool file skipped', { file, problem }),
    );
    for (const entry of pending) this.entries.set(entry.id, entry);
    this.running = true;
    this.log('info', 'queue recovered', { messages: this.entries.size });
    this.kick();
  }

  /** Stops delivering; resolves when attempts in flight have recorded their outcomes. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.attempts.size > 0) await Promise.allSettled([...this.attempts]);
    this.options.transports.lmtp.close?.();
    this.options.transports.smtp?.close?.();
  }

  /** Queues a message durably and returns its id; the caller acknowledges (250) only after this resolves. */
  async enqueue(message: IncomingMessage): Promise<string> {
    if (message.recipients.length === 0) throw new Error('a queued message needs at least one recipient');
    const id = `${this.options.clock.now().toString(36)}${randomBytes(6).toString('hex')}`;
    const entry: QueueEntry = {
      id,
      sender: message.sender,
      receivedAt: this.options.clock.now(),
      size: message.content.length,
      recipients: message.recipients.map((r) => ({
        address: r.address.toLowerCase(),
        original: r.original,
        state: 'pending',
        attempts: 0,
        nextAttemptAt: 0,
      })),
    };
    await this.spool.write(spoolHeader(entry), message.content);
    this.totals.received += entry.recipients.length;
    this.entries.set(id, entry);
    this.kick();
    return id;
  }

  /** Holds mail; resolves once no delivery matching the hold can still reach a store (queue-admin.ts). */
  hold(hold: QueueHold): Promise<void> {
    return holdMail(this.internals, hold);
  }

  /** Releases a hold; held mail is attempted at once. True when the hold existed. */
  release(hold: QueueHold): Promise<boolean> {
    return releaseMail(this.internals, hold);
  }

  /** Looks at the queue now: deferred recipients whose time has come (on the injected clock) are attempted. */
  wake(): void {
    this.kick();
  }

  /** Recipients received and outcomes recorded since start (a copy), for the metrics' rates. */
  activity(): QueueActivityTotals {
    return { ...this.totals };
  }

  /** When a message received at `receivedAt` is given up and its unfinished recipients bounced. */
  expiresAt(receivedAt: number): number {
    return receivedAt + this.notices.settings.maximalQueueLifetimeMs;
  }

  /** Whether a recipient is held by its message or its user (store holds apply when it is routed). */
  isHeld(messageId: string, address: string): boolean {
    return this.holds.holdsRecipient(messageId, address);
  }

  /** The holds in force. */
  listHolds(): QueueHold[] {
    return this.holds.list();
  }

  /**
   * Bounces queued recipients of message `id` (all when `addresses` is absent) with `reason`, e.g.
   * `5.0.0 deleted by the administrator`; returns how many (queue-admin.ts).
   */
  async bounce(id: string, addresses: readonly string[] | undefined, reason: string): Promise<number> {
    return bounceRecipients(this.internals, id, addresses, reason);
  }

  /** Makes the recipients of these messages (every message when absent) due now (queue-admin.ts). */
  flush(ids?: Iterable<string>, options: { resetBackoff?: boolean } = {}): void {
    flushMessages(this.internals, ids, options);
  }

  /** One queued message (the live entry: read, do not change), or undefined. */
  entry(id: string): Readonly<QueueEntry> | undefined {
    return this.entries.get(id);
  }

  /** Every queued message (live entries, queue order), so listings of thousands copy only one page. */
  entriesView(): IterableIterator<Readonly<QueueEntry>> {
    return this.entries.values();
  }

  /** A queued message's content as spooled. */
  content(id: string): Promise<Buffer> {
    return this.spool.content(id);
  }

  /** Deletes messages for good, with or without a bounce; resolves once that is durable (queue-admin.ts). */
  async discard(ids: string[], bounceReason?: string): Promise<number> {
    return discardMessages(this.internals, ids, bounceReason);
  }

  /** Queued messages (copies), oldest first. */
  list(): QueueEntry[] {
    return listMessages(this.internals);
  }

  /** Counts for the dashboard. */
  summary(): QueueSummary {
    return summarizeMessages(this.internals);
  }

  /** Resolves when no delivery attempt is in flight (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.attempts.size > 0 || this.dispatchQueued) {
      await Promise.allSettled([...this.attempts]);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Schedules a pass over the queue (coalesced). */
  private kick(): void {
    if (!this.running || this.dispatchQueued) return;
    this.dispatchQueued = true;
    setImmediate(() => {
      this.dispatchQueued = false;
      if (this.running) this.dispatch();
    });
  }

  private dispatch(): void {
    const now = this.options.clock.now();
    let wakeAt = Number.POSITIVE_INFINITY;
    for (const entry of this.entries.values()) {
      if (this.discarding.has(entry.id)) continue;
      if (this.checkAge(entry, now)) continue;
      wakeAt = Math.min(wakeAt, this.notices.nextAgeCheckAt(entry, now));
      const due: number[] = [];
      entry.recipients.forEach((r, index) => {
        const key = `${entry.id}:${index}`;
        if (isFinal(r.state) || this.inFlight.has(key)) return;
        if (this.holds.holdsRecipient(entry.id, r.address)) return;
        const parkedAt = this.parked.get(key);
        if (parkedAt !== undefined) {
          // Re-routed now and then: the user may have moved off the held store.
          if (now - parkedAt < parkedRecheckMs) {
            wakeAt = Math.min(wakeAt, parkedAt + parkedRecheckMs);
            return;
          }
          this.parked.delete(key);
        }
        if (r.nextAttemptAt <= now) due.push(index);
        else wakeAt = Math.min(wakeAt, r.nextAttemptAt);
      });
      if (due.length > 0) this.track(this.attempt(entry, due));
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (wakeAt !== Number.POSITIVE_INFINITY) {
      this.timer = setTimeout(() => this.kick(), Math.min(Math.max(wakeAt - now, 0), maxTimerMs));
      this.timer.unref();
    }
  }

  /** Expires recipients past the lifetime and sends the delay DSN when due; true when it expired some. */
  private checkAge(entry: QueueEntry, now: number): boolean {
    const skip = (index: number) =>
      this.inFlight.has(`${entry.id}:${index}`) ||
      this.holds.holdsRecipient(entry.id, entry.recipients[index]?.address ?? '');
    const expired = expiryRecords(entry, now, this.notices.settings.maximalQueueLifetimeMs, skip);
    if (expired.length > 0) {
      const keys = expired.map((r) => `${entry.id}:${r.i}`);
      for (const key of keys) this.inFlight.add(key);
      const release = () => {
        for (const key of keys) this.inFlight.delete(key);
      };
      this.track(this.commit(entry, expired).finally(release));
      return true;
    }
    if (this.notices.delayDue(entry, now)) this.track(this.notices.warnDelay(entry));
    return false;
  }

  private track(attempt: Promise<void>): void {
    const tracked = attempt.catch((error: unknown) => {
      this.log('error', 'delivery attempt failed', {
        error: error instanceof Error ? error.message : String(error),
      });
    });
    this.attempts.add(tracked);
    void tracked.finally(() => {
      this.attempts.delete(tracked);
      this.kick();
    });
  }

  /** Routes the due recipients of one message, delivers per destination and records the outcomes. */
  private async attempt(entry: QueueEntry, indexes: number[]): Promise<void> {
    for (const index of indexes) this.inFlight.add(`${entry.id}:${index}`);
    try {
      const { groups, outcomes, storeHeld } = await routeRecipients(
        entry,
        indexes,
        this.options.route,
        (store) => this.holds.holdsLogicalStore(store),
      );
      // Held store: the recipient stays pending without an attempt counted; release re-routes it.
      for (const index of storeHeld) this.parked.set(`${entry.id}:${index}`, this.options.clock.now());
      for (const { destination, indexes: batch } of groups.values())
        for (const index of batch) {
          const recipient = entry.recipients[index];
          if (recipient) recipient.destination = destination.key;
        }
      const parts = { slots: this.slots, spool: this.spool, transports: this.options.transports };
      const delivered = await Promise.all(
        [...groups.values()].map(({ destination, indexes: batch }) =>
          deliverToDestination(parts, entry, destination, batch),
        ),
      );
      outcomes.push(...delivered.flat());
      await this.record(entry, outcomes);
    } finally {
      for (const index of indexes) this.inFlight.delete(`${entry.id}:${index}`);
    }
  }

  private async record(entry: QueueEntry, outcomes: IndexedOutcome[]): Promise<void> {
    if (outcomes.length === 0) return;
    const backoff = this.options.backoff ?? defaultRetryBackoff;
    await this.commit(entry, outcomeRecords(entry, outcomes, this.options.clock.now(), backoff));
  }

  /** Writes outcomes durably, applies them, queues their DSNs, and forgets a finished message. */
  private async commit(entry: QueueEntry, records: StateRecord[]): Promise<void> {
    if (records.length === 0) return;
    const done = new Set(records.map((r) => r.i));
    if (
      records.every((r) => r.s === 'delivered') &&
      entry.recipients.every((r, index) => isFinal(r.state) || done.has(index)) &&
      this.entries.has(entry.id)
    ) {
      // Delivered to every recipient: removing the message (unlink, then a group-committed directory
      // fsync) is the durable record, one fdatasync'ed state append cheaper (Postfix does the same).
      // No DSN follows a delivery, but a delay DSN being written may still read the headers.
      this.entries.delete(entry.id);
      await this.notices.idle(entry.id);
      await this.spool.removeDurably(entry.id);
      countOutcomes(this.totals, records);
      for (const record of records) applyRecord(entry, record);
      this.options.onRecorded?.(entry, records);
      this.forget(entry);
      return;
    }
    this.notices.plan(entry, records);
    // Durable before the in-memory state changes: a delivered recipient must never be retried after a crash.
    await this.spool.record(entry.id, records);
    countOutcomes(this.totals, records);
    for (const record of records) applyRecord(entry, record);
    this.options.onRecorded?.(entry, records);
    await this.notices.sendPlanned(entry, records);
    for (const record of records.filter((r) => r.s === 'bounced')) {
      const recipient = entry.recipients[record.i]?.address;
      this.log('warn', 'recipient bounced', { id: entry.id, recipient, reason: record.r });
    }
    if (entry.recipients.every((r) => isFinal(r.state)) && this.entries.has(entry.id))
      await this.retire(entry);
  }

  /** Takes a message out of the queue: out of memory, then its spool files (not yet fsynced). */
  private async retire(entry: QueueEntry): Promise<void> {
    this.entries.delete(entry.id);
    // A delay DSN being written still reads this message's headers.
    await this.notices.idle(entry.id);
    this.forget(entry);
    await this.spool.remove(entry.id);
  }

  /** Drops a finished or deleted message from memory (its spool files are the caller's). */
  private forget(entry: QueueEntry): void {
    this.entries.delete(entry.id);
    this.notices.forget(entry.id);
    for (let index = 0; index < entry.recipients.length; index++) this.parked.delete(`${entry.id}:${index}`);
  }

  private log(level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>): void {
    this.options.log?.(level, message, fields);
  }
}
