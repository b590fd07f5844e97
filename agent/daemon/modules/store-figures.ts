/**
 * The store's figures for metrics: session gauges and per-second rates from the mail stack's
 * activity, and mailbox figures (count, bytes, top quota users) from a scan of the mailboxes at most
 * every `scanIntervalMs` by the agent's clock (default 30 s: listing ~1,150 mailboxes each second
 * would cost more than the figure is worth). A sample that finds the scan too old starts a new one
 * in the background; its figures show in the next samples.
 */

import type { Clock } from '../../common/clock.js';
import type { QuotaUser } from '../../common/contract/node-metrics.js';
import type { MailStack } from '../../mail/store/mail-stack.js';
import type { MailboxSummary } from '../../mail/store/mail-storage.js';
import type { CounterRegistry } from '../../metrics/counter-registry.js';
import { LastMinuteCount } from '../../metrics/last-minute-count.js';
import { RateMeter } from '../../metrics/rate-meter.js';
import type { SampleSections } from '../../metrics/sample-sections.js';

/** How many top quota users the sample carries. */
const topQuotaCount = 10;

/** Options of {@link StoreFigures}. */
export interface StoreFiguresOptions {
  stack: MailStack;
  counters: CounterRegistry;
  sections: SampleSections;
  clock: Clock;
  scanIntervalMs?: number;
  onScanError?: (error: unknown) => void;
}

/** Registers the store counters and keeps the mailbox figures fresh. */
export class StoreFigures {
  private removers: Array<() => void> = [];
  private lastScanAt = Number.NEGATIVE_INFINITY;
  private scanning: Promise<void> | undefined;
  private mailboxes = { count: 0, bytes: 0, top: [] as QuotaUser[] };

  constructor(private readonly options: StoreFiguresOptions) {}

  /** Registers counters and scans once. */
  async start(): Promise<void> {
    const { stack, counters, clock } = this.options;
    const rate = (total: () => number) => {
      const meter = new RateMeter(clock, total);
      return () => meter.read();
    };
    const lastMinute = (total: () => number) => {
      const count = new LastMinuteCount(clock, total);
      return () => count.read();
    };
    const activity = () => stack.activity();
    this.removers = [
      counters.register({
        name: 'imap_sessions',
        kind: 'gauge',
        help: 'Open IMAP sessions.',
        read: () => activity().imapSessions,
      }),
      counters.register({
        name: 'pop3_sessions',
        kind: 'gauge',
        help: 'Open POP3 sessions.',
        read: () => activity().pop3Sessions,
      }),
      counters.register({
        name: 'logins_per_sec',
        kind: 'gauge',
        help: 'Successful IMAP and POP3 logins per second.',
        read: rate(() => activity().loginsTotal),
      }),
      counters.register({
        name: 'failed_logins_per_sec',
        kind: 'gauge',
        help: 'Refused IMAP and POP3 logins per second (wrong password, throttled, other store...).',
        read: rate(() => activity().failedLoginsTotal),
      }),
      counters.register({
        name: 'failed_logins_last_minute',
        kind: 'gauge',
        help: 'Refused IMAP and POP3 logins in the last 60 seconds.',
        read: lastMinute(() => activity().failedLoginsTotal),
      }),
      counters.register({
        name: 'deliveries_last_minute',
        kind: 'gauge',
        help: 'Messages delivered into mailboxes in the last 60 seconds (one per recipient).',
        read: lastMinute(() => activity().deliveriesTotal),
      }),
      counters.register({
        name: 'deliveries_per_sec',
        kind: 'gauge',
        help: 'Messages delivered into mailboxes per second (one per recipient).',
        read: rate(() => activity().deliveriesTotal),
      }),
      counters.register({
        name: 'delivered_bytes_per_sec',
        kind: 'gauge',
        help: 'Bytes delivered into mailboxes per second.',
        read: rate(() => activity().deliveredBytesTotal),
      }),
      counters.register({
        name: 'mailbox_count',
        kind: 'gauge',
        help: 'Mailboxes on this store (scanned every 30 s).',
        read: () => {
          this.scanIfStale();
          return this.mailboxes.count;
        },
      }),
      counters.register({
        name: 'mail_disk_bytes',
        kind: 'gauge',
        help: 'Bytes of mail stored in the mailboxes, by message size (scanned every 30 s).',
        read: () => this.mailboxes.bytes,
      }),
      this.options.sections.register('store', () => ({ topQuotaUsers: this.mailboxes.top })),
    ];
    await this.scan();
  }

  stop(): void {
    for (const remove of this.removers) remove();
    this.removers = [];
  }

  /** Scans the mailboxes now (one scan at a time). */
  scan(): Promise<void> {
    this.lastScanAt = this.options.clock.now();
    this.scanning ??= this.options.stack
      .listMailboxes()
      .then((all) => {
        this.mailboxes = {
          count: all.length,
          bytes: all.reduce((sum, m) => sum + m.sizeBytes, 0),
          top: topQuotaUsers(all),
        };
      })
      .catch((error: unknown) => this.options.onScanError?.(error))
      .finally(() => {
        this.scanning = undefined;
      });
    return this.scanning;
  }

  private scanIfStale(): void {
    if (this.options.clock.now() - this.lastScanAt >= (this.options.scanIntervalMs ?? 30_000))
      void this.scan();
  }
}

/** Mailboxes with a quota, by share of it used, highest first. */
export function topQuotaUsers(mailboxes: readonly MailboxSummary[], count = topQuotaCount): QuotaUser[] {
  return mailboxes
    .filter((mailbox) => mailbox.quotaBytes > 0)
    .sort((a, b) => b.sizeBytes / b.quotaBytes - a.sizeBytes / a.quotaBytes || (a.user < b.user ? -1 : 1))
    .slice(0, count)
    .map((mailbox) => ({ user: mailbox.user, usedBytes: mailbox.sizeBytes, limitBytes: mailbox.quotaBytes }));
}
