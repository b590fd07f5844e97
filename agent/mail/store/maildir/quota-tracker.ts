/**
 * A mailbox's quota in memory: the limit from the directory, the usage (loaded from or recomputed
 * into maildirsize), and bytes reserved by writes in flight, so concurrent deliveries, APPENDs and
 * COPYs are checked against the same figure and cannot overshoot the limit together.
 * Changes reach maildirsize at most a second later, batched (it is a cache: after a crash the
 * storage recomputes it), which keeps three file operations off every delivery.
 */
import { MailStorageError, type QuotaUsage } from '../mail-storage.js';
import {
  appendMaildirSize,
  computeUsage,
  type QuotaFigures,
  readMaildirSize,
  writeMaildirSize,
} from './maildirsize-file.js';
import { SerialLane } from './serial-lane.js';

/** maildirsize longer than this is recomputed (Maildir++). */
const maxMaildirSizeBytes = 5120;
/** How long changes may wait before they are written to maildirsize. */
const flushDelayMs = 1000;

/** Quota state of one mailbox. */
export class QuotaTracker {
  private reserved = 0;
  private appendedBytes = 0;
  // Changes not yet in the file; the writer takes them all at once, so none is written twice.
  private unwritten: QuotaFigures = { bytes: 0, messages: 0 };
  private readonly writes = new SerialLane();
  private flushTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly maildir: string,
    private limit: number,
    private readonly usage: QuotaFigures,
  ) {}

  /** Loads maildirsize, recomputing it when missing, damaged, too long, for another limit, or `distrust`. */
  static async load(maildir: string, limitBytes: number, distrust: boolean): Promise<QuotaTracker> {
    const content = distrust ? undefined : await readMaildirSize(maildir);
    if (content && content.limitBytes === limitBytes && content.fileBytes <= maxMaildirSizeBytes) {
      const tracker = new QuotaTracker(maildir, limitBytes, content.usage);
      tracker.appendedBytes = content.fileBytes;
      return tracker;
    }
    const usage = await computeUsage(maildir);
    await writeMaildirSize(maildir, limitBytes, usage);
    return new QuotaTracker(maildir, limitBytes, usage);
  }

  /** The current figures. */
  snapshot(): QuotaUsage {
    return { usedBytes: this.usage.bytes, messages: this.usage.messages, limitBytes: this.limit };
  }

  /** Takes a new limit from the directory (rewrites the file's first line). */
  async setLimit(limitBytes: number): Promise<void> {
    if (limitBytes === this.limit) return;
    this.limit = limitBytes;
    await this.rewrite();
  }

  /** Reserves room for `bytes` or throws 'over-quota'; call `settle` or `release` afterwards. */
  reserve(bytes: number): void {
    if (this.limit > 0 && this.usage.bytes + this.reserved + bytes > this.limit) {
      throw new MailStorageError(
        'over-quota',
        `mailbox over quota (${this.usage.bytes + this.reserved} of ${this.limit} bytes used, ${bytes} more needed)`,
      );
    }
    this.reserved += bytes;
  }

  /** Gives back a reservation that was not used. */
  release(bytes: number): void {
    this.reserved -= bytes;
  }

  /** Turns a reservation into usage (or records a change without one: expunge, negative). */
  record(delta: QuotaFigures, reservedBytes = 0): void {
    this.reserved -= reservedBytes;
    this.usage.bytes += delta.bytes;
    this.usage.messages += delta.messages;
    if (delta.bytes === 0 && delta.messages === 0) return;
    this.unwritten.bytes += delta.bytes;
    this.unwritten.messages += delta.messages;
    if (!this.flushTimer) {
      this.flushTimer = setTimeout(() => {
        this.flushTimer = undefined;
        void this.flush().catch(() => {
          // The changes were put back; the next change or close() tries again.
        });
      }, flushDelayMs);
      this.flushTimer.unref();
    }
  }

  /** True while changes are not yet in maildirsize (the mailbox must not be evicted then). */
  get dirty(): boolean {
    return this.flushTimer !== undefined || this.unwritten.bytes !== 0 || this.unwritten.messages !== 0;
  }

  /** Writes pending changes now (close, eviction). */
  async flush(): Promise<void> {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
    }
    await this.writes.run(() => this.writeUnwritten());
  }

  private async writeUnwritten(): Promise<void> {
    const delta = this.unwritten;
    if (delta.bytes === 0 && delta.messages === 0) return;
    this.unwritten = { bytes: 0, messages: 0 };
    const line = `${delta.bytes} ${delta.messages}\n`;
    try {
      if (this.appendedBytes + line.length > maxMaildirSizeBytes) {
        await writeMaildirSize(this.maildir, this.limit, this.usage);
        this.appendedBytes = 0;
      } else {
        await appendMaildirSize(this.maildir, delta);
        this.appendedBytes += line.length;
      }
    } catch (error) {
      this.unwritten.bytes += delta.bytes;
      this.unwritten.messages += delta.messages;
      throw error;
    }
  }

  /** Recounts from the files (after a folder is deleted, or on request). */
  async recompute(): Promise<void> {
    const usage = await computeUsage(this.maildir);
    this.usage.bytes = usage.bytes;
    this.usage.messages = usage.messages;
    await this.rewrite();
  }

  private async rewrite(): Promise<void> {
    await this.writes.run(async () => {
      // The full figures include anything not yet appended.
      this.unwritten = { bytes: 0, messages: 0 };
      await writeMaildirSize(this.maildir, this.limit, this.usage);
      this.appendedBytes = 0;
    });
  }
}
