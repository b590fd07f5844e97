import { expect, test } from 'vitest';
import { CallerRateLimit } from '../../../agent/control/caller-rate-limit.js';

test('a caller gets its burst, then one call per interval, and says how long to wait', () => {
  let now = 1_000_000;
  const limit = new CallerRateLimit({ burst: 3, everyMs: 2000, now: () => now });
  expect([limit.take('a'), limit.take('a'), limit.take('a')]).toEqual([0, 0, 0]);
  expect(limit.take('a')).toBe(2000);
  now += 500;
  expect(limit.take('a')).toBe(1500);
  // Another caller is not held by the first.
  expect(limit.take('b')).toBe(0);
  now += 1500;
  expect(limit.take('a')).toBe(0);
  expect(limit.take('a')).toBe(2000);
  // A long pause gives the burst back, never more.
  now += 60_000;
  expect([limit.take('a'), limit.take('a'), limit.take('a'), limit.take('a')]).toEqual([0, 0, 0, 2000]);
});

test('callers whose bucket filled up again are forgotten, so the table holds only recent callers', () => {
  let now = 0;
  const limit = new CallerRateLimit({ burst: 2, everyMs: 1000, now: () => now });
  for (let n = 0; n < 1000; n++) {
    expect(limit.take(`caller${n}`)).toBe(0);
    now += 50;
  }
  const buckets = (limit as unknown as { buckets: Map<string, unknown> }).buckets;
  // Each caller's bucket is full again 1 s (20 callers) after its call.
  expect(buckets.size).toBeLessThanOrEqual(64);
  // A forgotten caller starts with a full burst, as before.
  expect([limit.take('caller0'), limit.take('caller0'), limit.take('caller0')]).toEqual([0, 0, 1000]);
});
