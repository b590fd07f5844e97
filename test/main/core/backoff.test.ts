import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../main/core/backoff.js';

describe('backoffDelay', () => {
  it('grows exponentially and never exceeds the cap', () => {
    const policy = { initialMs: 100, maxMs: 1000 };
    expect(backoffDelay(0, policy, () => 1)).toBe(100);
    expect(backoffDelay(1, policy, () => 1)).toBe(200);
    expect(backoffDelay(3, policy, () => 1)).toBe(800);
    expect(backoffDelay(10, policy, () => 1)).toBe(1000);
    expect(backoffDelay(10_000, policy, () => 1)).toBe(1000);
  });

  it('jitters but keeps a floor of a tenth of the ceiling', () => {
    const policy = { initialMs: 1000, maxMs: 1000 };
    expect(backoffDelay(0, policy, () => 0)).toBe(100);
    expect(backoffDelay(0, policy, () => 0.5)).toBe(550);
  });
});
