/** The director bench's greylist measurement runs the mix it claims: first attempts and passing retries. */
import { describe, expect, it } from 'vitest';
import { benchGreylistDecisions } from '../../../bench/director/greylist-decisions.js';

describe('greylist decisions bench', () => {
  it('makes the decisions asked for, some passing and some deferred', () => {
    const result = benchGreylistDecisions(60_000);
    expect(result.decisions).toBe(60_000);
    expect(result.passed + result.deferred).toBe(60_000);
    expect(result.passed).toBeGreaterThan(0);
    expect(result.deferred).toBeGreaterThan(0);
    expect(result.decisionsPerSecond).toBeGreaterThan(0);
  });
});
