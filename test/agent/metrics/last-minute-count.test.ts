/**
 * LastMinuteCount on a clock the test moves: the count is the increase over the last 60 s, not a
 * second's rate times 60, so one event reads as 1 a minute for a minute and then goes away.
 */
import { describe, expect, it } from 'vitest';
import { LastMinuteCount } from '../../../agent/metrics/last-minute-count.js';

function meter() {
  let now = 1_000_000;
  let total = 0;
  const count = new LastMinuteCount({ now: () => now }, () => total);
  return {
    count,
    add: (n: number) => {
      total += n;
    },
    setTotal: (n: number) => {
      total = n;
    },
    tick: (ms = 1000) => {
      now += ms;
    },
  };
}

describe('LastMinuteCount', () => {
  it('counts one event as 1 for the minute after it, then 0', () => {
    const m = meter();
    expect(m.count.read()).toBe(0);
    m.tick();
    m.add(1);
    expect(m.count.read()).toBe(1);
    for (let s = 0; s < 58; s++) {
      m.tick();
      expect(m.count.read()).toBe(1);
    }
    m.tick(2000);
    expect(m.count.read()).toBe(0);
  });

  it('sums a steady flow over the window: 2 a second reads 120 once a minute has passed', () => {
    const m = meter();
    m.count.read();
    for (let s = 0; s < 90; s++) {
      m.tick();
      m.add(2);
      m.count.read();
    }
    expect(m.count.read()).toBe(120);
  });

  it('counts only what it saw in the first minute after start', () => {
    const m = meter();
    m.setTotal(5_000);
    expect(m.count.read()).toBe(0);
    m.tick(10_000);
    m.add(7);
    expect(m.count.read()).toBe(7);
  });

  it('keeps its window when read many times a second, and bounded', () => {
    const m = meter();
    m.count.read();
    for (let i = 0; i < 10_000; i++) {
      m.tick(10);
      if (i % 100 === 0) m.add(1);
      m.count.read();
    }
    // 100 s passed, one event a second: the last 60 s hold 60 of them (give or take the reading spacing).
    const last = m.count.read();
    expect(last).toBeGreaterThanOrEqual(59);
    expect(last).toBeLessThanOrEqual(61);
    const readings = (m.count as unknown as { readings: unknown[] }).readings;
    expect(readings.length).toBeLessThanOrEqual(62);
  });

  it('starts a new window when the total goes back (the counting part restarted), never negative', () => {
    const m = meter();
    m.setTotal(100);
    m.count.read();
    m.tick();
    m.setTotal(3);
    expect(m.count.read()).toBe(0);
    m.tick();
    m.setTotal(5);
    expect(m.count.read()).toBe(2);
  });
});
