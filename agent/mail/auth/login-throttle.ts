/**
 * Throttling of failed password checks, per key (a login name, or a client address). Each key keeps
 * the times of its recent failures in a sliding window; after `freeFailures` failures every further
 * attempt must wait an exponentially growing delay after the last failure, and after
 * `lockAfterFailures` the key is locked for `lockMs`. A success clears the key.
 *
 * This is the one throttle of every password check of the fleet (IMAP, POP3 and SMTP AUTH through
 * login-guard.ts, the embedded directory's LDAP binds): change the curve here and it changes
 * everywhere.
 *
 * Memory is bounded: at most `maxKeys` keys are tracked (the least recently failed are forgotten
 * first), so someone trying millions of user names cannot grow the agent without bound.
 */
import type { Clock } from '../../common/clock.js';

/** Tuning of one throttle. */
export interface LoginThrottlePolicy {
  /** How far back failures count. */
  windowMs: number;
  /** Failures in the window that cost nothing (typos). */
  freeFailures: number;
  /** Delay after the first failure beyond the free ones; doubles with each further failure. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Failures in the window that lock the key. */
  lockAfterFailures: number;
  /** How long a lock lasts after the failure that caused it. */
  lockMs: number;
  /** Most keys tracked at once. */
  maxKeys: number;
}

/** Per user: 3 free failures, then 1 s, 2 s, 4 s... up to 60 s; locked 5 min after 10 in 15 min. */
export const userThrottlePolicy: LoginThrottlePolicy = {
  windowMs: 15 * 60_000,
  freeFailures: 3,
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
  lockAfterFailures: 10,
  lockMs: 5 * 60_000,
  maxKeys: 50_000,
};

/**
 * Per client address: more room (a campus NAT puts many users behind one address), same curve;
 * locked 5 min after 30 failures in 15 min.
 */
export const addressThrottlePolicy: LoginThrottlePolicy = {
  windowMs: 15 * 60_000,
  freeFailures: 10,
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
  lockAfterFailures: 30,
  lockMs: 5 * 60_000,
  maxKeys: 50_000,
};

/** A key that must wait now: its failures in the window and until when (ms since the epoch). */
export interface ThrottledKey {
  key: string;
  failures: number;
  until: number;
  /** True for a lock (`lockAfterFailures` reached), false for a growing delay. */
  locked: boolean;
}

/** Sliding-window failure record per key. */
export class LoginThrottle {
  /** Failure times per key, oldest first; Map order = least recently failed first. */
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly policy: LoginThrottlePolicy,
    private readonly clock: Clock,
  ) {}

  /** Milliseconds until `key` may try again; 0 when it may try now. */
  retryAfterMs(key: string): number {
    const times = this.recent(key);
    if (times.length === 0) return 0;
    const now = this.clock.now();
    const last = times[times.length - 1] as number;
    const { freeFailures, baseDelayMs, maxDelayMs, lockAfterFailures, lockMs } = this.policy;
    if (times.length >= lockAfterFailures) return Math.max(0, last + lockMs - now);
    if (times.length <= freeFailures) return 0;
    const delay = Math.min(maxDelayMs, baseDelayMs * 2 ** (times.length - freeFailures - 1));
    return Math.max(0, last + delay - now);
  }

  /** Records a failed attempt of `key`. */
  fail(key: string): void {
    const times = this.recent(key);
    times.push(this.clock.now());
    // Re-insert so the Map's order stays "least recently failed first" for eviction.
    this.failures.delete(key);
    this.failures.set(key, times.slice(-this.policy.lockAfterFailures));
    while (this.failures.size > this.policy.maxKeys) {
      const oldest = this.failures.keys().next().value;
      if (oldest === undefined) break;
      this.failures.delete(oldest);
    }
  }

  /** Forgets `key`'s failures (after a successful login). */
  clear(key: string): void {
    this.failures.delete(key);
  }

  /** Failures of `key` still in the window. */
  failureCount(key: string): number {
    return this.recent(key).length;
  }

  /** Keys that must wait now, locked ones first, then the longest wait first; at most `limit`. */
  throttled(limit = Number.POSITIVE_INFINITY): ThrottledKey[] {
    const now = this.clock.now();
    const found: ThrottledKey[] = [];
    for (const key of [...this.failures.keys()]) {
      const wait = this.retryAfterMs(key);
      if (wait <= 0) continue;
      const failures = this.failureCount(key);
      found.push({ key, failures, until: now + wait, locked: failures >= this.policy.lockAfterFailures });
    }
    found.sort((a, b) => Number(b.locked) - Number(a.locked) || b.until - a.until);
    return found.slice(0, limit);
  }

  /** Keys locked now (`lockAfterFailures` reached and the lock not over). */
  lockedCount(): number {
    let count = 0;
    for (const key of [...this.failures.keys()]) {
      if (this.failureCount(key) >= this.policy.lockAfterFailures && this.retryAfterMs(key) > 0) count++;
    }
    return count;
  }

  /** Keys tracked now (for tests and metrics). */
  get size(): number {
    return this.failures.size;
  }

  private recent(key: string): number[] {
    const times = this.failures.get(key);
    if (!times) return [];
    const since = this.clock.now() - this.policy.windowMs;
    const kept = times.filter((at) => at > since);
    if (kept.length === 0) this.failures.delete(key);
    else if (kept.length !== times.length) this.failures.set(key, kept);
    return kept;
  }
}
