/** When a deferred recipient is tried again: exponential backoff with a ceiling. */

/** Backoff settings of the queue. */
export interface RetryBackoff {
  /** Delay after the first failure (default 60 s). */
  firstMs: number;
  /** Largest delay between attempts (default 1 h, as Postfix's maximal_backoff_time). */
  maxMs: number;
}

/** Defaults of {@link RetryBackoff}. */
export const defaultRetryBackoff: RetryBackoff = { firstMs: 60_000, maxMs: 3_600_000 };

/** Delay before the next attempt after `attempts` failed attempts (1 = first failure). */
export function retryDelayMs(backoff: RetryBackoff, attempts: number): number {
  // Capped exponent: 2 ** 40 is already far past any ceiling and keeps the arithmetic finite.
  const exponent = Math.min(Math.max(attempts - 1, 0), 40);
  return Math.min(backoff.maxMs, backoff.firstMs * 2 ** exponent);
}
