/**
 * A token bucket per caller: `burst` calls at once, then one every `everyMs` on average. For a
 * method whose every call costs the node real work whichever caller asks (a department admin's
 * `audit.tail` reads up to 16 MiB of the log to find its few entries), so that one login calling
 * it in a loop cannot take the agent's time from everyone else.
 */

/** The bucket's size and refill. */
export interface CallerRateLimitOptions {
  /** Calls allowed at once. */
  burst: number;
  /** One call comes back this often. */
  everyMs: number;
  now?: () => number;
}

/** The buckets of every caller seen, by the caller's name. */
export class CallerRateLimit {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly options: CallerRateLimitOptions) {}

  /** Takes one call for `caller`: 0 when allowed, else the milliseconds until the next would be. */
  take(caller: string): number {
    const { burst, everyMs } = this.options;
    const now = (this.options.now ?? Date.now)();
    const bucket = this.buckets.get(caller) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + Math.max(0, now - bucket.at) / everyMs);
    bucket.at = now;
    this.buckets.set(caller, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      this.forgetFull(now);
      return 0;
    }
    return Math.ceil((1 - bucket.tokens) * everyMs);
  }

  // Buckets that have filled up again say nothing a new one would not: dropped, so the map holds
  // only callers seen lately.
  private forgetFull(now: number): void {
    const { burst, everyMs } = this.options;
    if (this.buckets.size < 64) return;
    for (const [caller, bucket] of this.buckets)
      if (bucket.tokens + (now - bucket.at) / everyMs >= burst) this.buckets.delete(caller);
  }
}
