/** LoginThrottle: the delay curve, the lock, the sliding window and the bound on tracked keys. */
import { describe, expect, it } from 'vitest';
import { LoginThrottle, userThrottlePolicy } from '../../../../agent/mail/auth/login-throttle.js';

function throttle(maxKeys = userThrottlePolicy.maxKeys) {
  const clock = { at: 0, now: () => clock.at };
  return { clock, throttle: new LoginThrottle({ ...userThrottlePolicy, maxKeys }, clock) };
}

describe('LoginThrottle', () => {
  it('lets the free failures pass, then doubles the delay, then locks', () => {
    const { clock, throttle: t } = throttle();
    const delays: number[] = [];
    for (let i = 0; i < 10; i++) {
      t.fail('carol');
      const wait = t.retryAfterMs('carol');
      delays.push(wait);
      clock.at += wait;
    }
    expect(delays).toEqual([0, 0, 0, 1000, 2000, 4000, 8000, 16000, 32000, 300_000]);
    expect(t.retryAfterMs('carol')).toBe(0);
  });

  it('caps the delay', () => {
    const noLock = new LoginThrottle({ ...userThrottlePolicy, lockAfterFailures: 100 }, { now: () => 0 });
    for (let i = 0; i < 20; i++) noLock.fail('x');
    expect(noLock.retryAfterMs('x')).toBe(userThrottlePolicy.maxDelayMs);
  });

  it('counts only failures inside the window and clears on success', () => {
    const { clock, throttle: t } = throttle();
    for (let i = 0; i < 5; i++) t.fail('a');
    expect(t.failureCount('a')).toBe(5);
    clock.at += userThrottlePolicy.windowMs + 1;
    expect(t.failureCount('a')).toBe(0);
    for (let i = 0; i < 5; i++) t.fail('b');
    t.clear('b');
    expect(t.retryAfterMs('b')).toBe(0);
  });

  it('tracks at most maxKeys keys, forgetting the least recently failed', () => {
    const { throttle: t } = throttle(100);
    for (let i = 0; i < 1000; i++) t.fail(`user${i}`);
    expect(t.size).toBe(100);
    expect(t.failureCount('user999')).toBe(1);
    expect(t.failureCount('user0')).toBe(0);
  });

  it('lists the keys that must wait, locked first, with until-when, and counts the locked ones', () => {
    const { clock, throttle: t } = throttle();
    for (let i = 0; i < 4; i++) t.fail('delayed');
    for (let i = 0; i < 10; i++) t.fail('locked');
    t.fail('free');
    expect(t.throttled()).toEqual([
      { key: 'locked', failures: 10, until: 300_000, locked: true },
      { key: 'delayed', failures: 4, until: 1000, locked: false },
    ]);
    expect(t.lockedCount()).toBe(1);
    clock.at = 300_000;
    expect(t.throttled()).toEqual([]);
    expect(t.lockedCount()).toBe(0);
  });
});
