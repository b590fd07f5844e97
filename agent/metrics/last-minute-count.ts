/**
 * How much a running total grew in the last 60 seconds, for counters such as
 * `deliveries_last_minute`. A dashboard tile labelled "per minute" must show the minute, not one
 * second times 60: with a per-second rate, one delivery in the last second reads as 60 a minute and
 * the next second as 0, and one failed login reads as 60 a minute, over the console's alarm limit.
 */
import type { Clock } from '../common/clock.js';

/** The window the count covers. */
export const lastMinuteMs = 60_000;

// One reading a second is enough for a minute's count to be right within a second; reads more often
// (the Prometheus endpoint next to the sampler) reuse the newest reading instead of growing the list.
const readingSpacingMs = 1000;

/** Increase of a monotonic total over the last minute, from readings taken as it is read. */
export class LastMinuteCount {
  private readings: Array<{ at: number; total: number }> = [];

  constructor(
    private readonly clock: Clock,
    private readonly total: () => number,
  ) {}

  /**
   * The increase since the newest reading at least a minute old (or since the first reading, in
   * the first minute after start). Never negative: a total that went back (a restart of the part
   * counting) starts a new window.
   */
  read(): number {
    const now = { at: this.clock.now(), total: this.total() };
    const newest = this.readings.at(-1);
    if (newest && now.total < newest.total) this.readings = [];
    const latest = this.readings.at(-1);
    if (!latest || now.at - latest.at >= readingSpacingMs) this.readings.push(now);
    // Keep one reading at or before the start of the window as the baseline, drop older ones.
    const windowStart = now.at - lastMinuteMs;
    while (this.readings.length > 1 && (this.readings[1]?.at ?? Number.POSITIVE_INFINITY) <= windowStart) {
      this.readings.shift();
    }
    const baseline = this.readings[0] ?? now;
    return Math.max(0, now.total - baseline.total);
  }
}
