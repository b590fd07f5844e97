/** The pieces behind the store counters: per-second rates, top quota users, sample sections. */
import { describe, expect, it } from 'vitest';
import { topQuotaUsers } from '../../../agent/daemon/modules/store-figures.js';
import { RateMeter } from '../../../agent/metrics/rate-meter.js';
import { SampleSections } from '../../../agent/metrics/sample-sections.js';

describe('RateMeter', () => {
  it('gives the increase per second between reads, 0 on the first read and when time stands still', () => {
    const clock = { at: 0, now: () => clock.at };
    let total = 0;
    const meter = new RateMeter(clock, () => total);
    expect(meter.read()).toBe(0);
    total = 30;
    clock.at = 2000;
    expect(meter.read()).toBe(15);
    total = 31;
    expect(meter.read()).toBe(0);
    clock.at = 2500;
    expect(meter.read()).toBe(2);
  });
});

describe('topQuotaUsers', () => {
  it('orders mailboxes with a quota by the share used, leaves out unlimited ones, keeps ten', () => {
    const mailboxes = [
      { user: 'a@x', sizeBytes: 50, messages: 1, quotaBytes: 100 },
      { user: 'b@x', sizeBytes: 900, messages: 1, quotaBytes: 1000 },
      { user: 'c@x', sizeBytes: 10_000, messages: 1, quotaBytes: 0 },
      ...Array.from({ length: 20 }, (_, i) => ({
        user: `u${i}@x`,
        sizeBytes: i,
        messages: 1,
        quotaBytes: 1000,
      })),
    ];
    const top = topQuotaUsers(mailboxes);
    expect(top).toHaveLength(10);
    expect(top.slice(0, 2)).toEqual([
      { user: 'b@x', usedBytes: 900, limitBytes: 1000 },
      { user: 'a@x', usedBytes: 50, limitBytes: 100 },
    ]);
    expect(top.map((entry) => entry.user)).not.toContain('c@x');
  });
});

describe('SampleSections', () => {
  it('reads every section, leaves out one that throws, and removes a section on request', () => {
    const sections = new SampleSections();
    const remove = sections.register('store', () => ({ topQuotaUsers: [] }));
    expect(sections.readAll()).toEqual({ store: { topQuotaUsers: [] } });
    expect(() => sections.register('store', () => ({ topQuotaUsers: [] }))).toThrow(/already supplied/);
    remove();
    sections.register('store', () => {
      throw new Error('scan broken');
    });
    expect(sections.readAll()).toEqual({});
  });
});
