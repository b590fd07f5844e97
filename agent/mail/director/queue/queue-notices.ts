/**
 * The queue's delivery status notifications: a bounce DSN for recipients that bounced (5xx, expiry,
 * or an administrator's bounce) and one delay DSN per message after `delayWarningAfterMs`. DSNs go
 * from `<>` to the envelope sender and are queued in the same spool; a null-sender message never
 * gets one (no loops).
 *
 * Crash safety, in write order:
 * 1. the `bounced` state record carries the id of its planned DSN (`<id>-b<first index>`);
 * 2. the DSN is written to the spool (fsynced) but not yet delivered;
 * 3. a notice record `{n, dsn}` is appended to the original's state log (fdatasynced);
 * 4. only then is the DSN handed to delivery and may the original's files be removed.
 * A kill between 1 and 2 leaves a planned DSN with no file: recovery writes it. Between 2 and 3 the
 * file exists: recovery only notes it (the id is deterministic, so it is never written twice). The
 * delay DSN has the fixed id `<id>-d`, so the same holds for it.
 */
import type { Clock } from '../../../common/clock.js';
import { buildDsn, type DsnRecipient } from './dsn/delivery-status-notice.js';
import type { NoticeRecord, QueueEntry, StateRecord } from './queue-entry.js';
import { type QueueSpool, spoolHeader } from './queue-spool.js';

/** When DSNs are sent. */
export interface QueueNoticeSettings {
  /** Host name in Reporting-MTA and the DSN's From. */
  reportingMta: string;
  /** A delay DSN once a message has waited this long with deferred recipients; 0 = never. Default 4 h. */
  delayWarningAfterMs: number;
  /** Recipients still queued after this long are bounced. Default 5 days. */
  maximalQueueLifetimeMs: number;
  /**
   * Where a DSN to this envelope sender goes; default the sender itself. With SRS, a forwarded
   * copy's sender is our SRS address: its DSN goes straight to the address that encodes.
   */
  returnTo?: (sender: string) => string;
}

/** The defaults (Postfix's delay_warning_time 4h and maximal_queue_lifetime 5d). */
export const defaultNoticeSettings: Omit<QueueNoticeSettings, 'reportingMta'> = {
  delayWarningAfterMs: 4 * 3_600_000,
  maximalQueueLifetimeMs: 5 * 86_400_000,
};

/** The DSN bookkeeping of one queue. */
export class QueueNotices {
  // Message id -> ids of its DSNs already noted as queued.
  private readonly noted = new Map<string, Set<string>>();
  // Message id -> DSN work in progress (the original's files stay until it is done).
  private readonly working = new Map<string, Promise<void>>();

  constructor(
    private readonly spool: QueueSpool,
    private readonly clock: Clock,
    readonly settings: QueueNoticeSettings,
    /** Hands a newly spooled DSN to delivery. */
    private readonly admit: (dsn: QueueEntry) => void,
  ) {}

  /** Restores what the state log says was noted. */
  load(id: string, notices: NoticeRecord[]): void {
    if (notices.length > 0) this.noted.set(id, new Set(notices.map((n) => n.dsn)));
  }

  /** Drops the bookkeeping of a message that left the queue. */
  forget(id: string): void {
    this.noted.delete(id);
  }

  /** Sets the planned DSN id on a batch of bounced records (before they are written). */
  plan(entry: QueueEntry, records: StateRecord[]): void {
    if (entry.sender === '') return;
    const bounced = records.filter((r) => r.s === 'bounced');
    if (bounced.length === 0) return;
    const dsn = `${entry.id}-b${Math.min(...bounced.map((r) => r.i))}`;
    for (const record of bounced) record.dsn = dsn;
  }

  /** Queues the DSNs planned in durable records that are not noted yet (after a batch, or at recovery). */
  async sendPlanned(entry: QueueEntry, records: StateRecord[]): Promise<void> {
    const groups = new Map<string, StateRecord[]>();
    for (const record of records) {
      if (record.s !== 'bounced' || !record.dsn || this.isNoted(entry.id, record.dsn)) continue;
      groups.set(record.dsn, [...(groups.get(record.dsn) ?? []), record]);
    }
    for (const [dsn, group] of groups) {
      const recipients = group.map((record) => ({
        finalRecipient: entry.recipients[record.i]?.address ?? '',
        originalRecipient: entry.recipients[record.i]?.original ?? '',
        reason: record.r ?? 'bounced',
        remoteMta: record.mta,
        lastAttemptAt: record.at,
      }));
      await this.run(entry.id, () => this.send(entry, dsn, 'failed', recipients));
    }
  }

  /**
   * At start, before delivery runs: DSNs of this message planned or spooled before a crash but not
   * noted. `spooled` holds the ids found in the spool.
   */
  async recover(entry: QueueEntry, records: StateRecord[], spooled: ReadonlySet<string>): Promise<void> {
    await this.sendPlanned(entry, records);
    const delay = delayId(entry);
    // Spooled but not noted: note it now, before delivery could remove the DSN's file.
    if (spooled.has(delay) && !this.isNoted(entry.id, delay)) {
      await this.spool.note(entry.id, { n: 'delayed', dsn: delay, at: this.clock.now() });
      this.noted.set(entry.id, new Set([...(this.noted.get(entry.id) ?? []), delay]));
    }
  }

  /** Whether the message is due its delay DSN now. */
  delayDue(entry: QueueEntry, now: number): boolean {
    const after = this.settings.delayWarningAfterMs;
    return (
      after > 0 &&
      entry.sender !== '' &&
      now - entry.receivedAt >= after &&
      !this.isNoted(entry.id, delayId(entry)) &&
      !this.working.has(entry.id) &&
      entry.recipients.some((r) => r.state === 'deferred')
    );
  }

  /**
   * When the message next needs the queue's attention for its age (delay DSN or expiry), if that is
   * still ahead. A deadline already passed without effect (only held or in-flight recipients) waits
   * for the release or the attempt's end, which wake the queue anyway: re-arming for it would spin.
   */
  nextAgeCheckAt(entry: QueueEntry, now: number): number {
    const expiry = entry.receivedAt + this.settings.maximalQueueLifetimeMs;
    const after = this.settings.delayWarningAfterMs;
    const warnAt =
      after <= 0 || entry.sender === '' || this.isNoted(entry.id, delayId(entry))
        ? Number.POSITIVE_INFINITY
        : entry.receivedAt + after;
    return Math.min(...[expiry, warnAt].filter((at) => at > now), Number.POSITIVE_INFINITY);
  }

  /** Queues the delay DSN for the recipients deferred now. */
  async warnDelay(entry: QueueEntry): Promise<void> {
    const recipients = entry.recipients
      .filter((r) => r.state === 'deferred')
      .map((r) => ({
        finalRecipient: r.address,
        originalRecipient: r.original,
        reason: r.lastReason ?? 'deferred',
        remoteMta: r.remoteMta,
      }));
    await this.run(entry.id, () => this.send(entry, delayId(entry), 'delayed', recipients));
  }

  /** Resolves when no DSN work for this message is in progress. */
  async idle(id: string): Promise<void> {
    while (this.working.has(id)) await this.working.get(id);
  }

  private isNoted(id: string, dsn: string): boolean {
    return this.noted.get(id)?.has(dsn) ?? false;
  }

  // One piece of DSN work per message at a time, in order.
  private async run(id: string, work: () => Promise<void>): Promise<void> {
    const previous = this.working.get(id) ?? Promise.resolve();
    const next = previous.then(work);
    const settled = next.catch(() => {});
    this.working.set(id, settled);
    void settled.then(() => {
      if (this.working.get(id) === settled) this.working.delete(id);
    });
    await next;
  }

  private async send(
    entry: QueueEntry,
    dsn: string,
    action: 'failed' | 'delayed',
    recipients: DsnRecipient[],
  ): Promise<void> {
    if (this.isNoted(entry.id, dsn) || recipients.length === 0) return;
    const now = this.clock.now();
    const content = buildDsn({
      action,
      reportingMta: this.settings.reportingMta,
      queueId: entry.id,
      sender: entry.sender,
      arrivedAt: entry.receivedAt,
      recipients,
      retryUntil: entry.receivedAt + this.settings.maximalQueueLifetimeMs,
      original: await this.spool.content(entry.id),
      now,
    });
    const notice: QueueEntry = {
      id: dsn,
      sender: '',
      receivedAt: now,
      size: content.length,
      recipients: [
        {
          address: (this.settings.returnTo?.(entry.sender) ?? entry.sender).toLowerCase(),
          original: entry.sender,
          state: 'pending',
          attempts: 0,
          nextAttemptAt: 0,
        },
      ],
    };
    // Already spooled: a kill came between writing it and noting it; never write it twice.
    const written = !(await this.spool.has(dsn));
    if (written) await this.spool.write(spoolHeader(notice), content);
    await this.spool.note(entry.id, { n: action, dsn, at: now });
    const ids = this.noted.get(entry.id) ?? new Set();
    ids.add(dsn);
    this.noted.set(entry.id, ids);
    if (written) this.admit(notice);
  }
}

function delayId(entry: QueueEntry): string {
  return `${entry.id}-d`;
}
