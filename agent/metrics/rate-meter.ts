/**
 * A per-second rate from a running total, for counters such as `logins_per_sec`: each read gives
 * the increase since the previous read divided by the time between them. The sampler reads
 * counters once per sample, so the rate is over the sample interval.
 */
import type { Clock } from '../common/clock.js';

/** Rate of a monotonic total. */
export class RateMeter {
  private last: { total: number; at: number } | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly total: () => number,
  ) {}

  /** Increase per second since the previous read; 0 on the first read or if time did not move. */
  read(): number {
    const now = { total: this.total(), at: this.clock.now() };
    const previous = this.last;
    // Time that did not move keeps the old baseline, so the increase is counted at the next read.
    if (previous && now.at <= previous.at) return 0;
    this.last = now;
    if (!previous) return 0;
    const rate = ((now.total - previous.total) * 1000) / (now.at - previous.at);
    return Math.max(0, Math.round(rate * 100) / 100);
  }
}
