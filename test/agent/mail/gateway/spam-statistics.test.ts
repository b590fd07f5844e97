import { describe, expect, it } from 'vitest';
import type { SpamOutcome } from '../../../../agent/common/contract/gateway-figures.js';
import { type GatewayDecision, SpamStatistics } from '../../../../agent/mail/gateway/spam-statistics.js';

const start = Date.UTC(2026, 10, 28, 5, 0, 0);

function decision(
  outcome: SpamOutcome,
  clientAddress = '192.0.2.1',
  domain = 'univ.example',
): GatewayDecision {
  return {
    outcome,
    clientAddress,
    sender: 'a@example.org',
    recipient: `r@${domain}`,
    domain,
    reason: `because ${outcome}`,
  };
}

describe('SpamStatistics', () => {
  it('counts per outcome per minute, per domain and per client', () => {
    let now = start;
    const stats = new SpamStatistics({ clock: { now: () => now } });
    stats.record(decision('greylisted'));
    stats.record(decision('clean', '192.0.2.2', 'phys.univ.example'));
    now += 60_000;
    stats.record(decision('rejectedSpam'));
    stats.record(decision('rejectedUnknownRecipient'));
    stats.record(decision('tagged', '192.0.2.3'));
    const s = stats.snapshot();
    expect(s.windowMinutes).toBe(60);
    expect(s.perMinute).toHaveLength(60);
    expect(s.perMinute.at(-1)).toEqual({
      minute: start + 60_000,
      greylisted: 0,
      rejectedUnknownRecipient: 1,
      rejectedAuthentication: 0,
      rejectedVirus: 0,
      rejectedSpam: 1,
      quarantined: 0,
      tagged: 1,
      clean: 0,
    });
    expect(s.perMinute.at(-2)).toMatchObject({ minute: start, greylisted: 1, clean: 1 });
    expect(s.totals).toEqual({
      greylisted: 1,
      rejectedUnknownRecipient: 1,
      rejectedAuthentication: 0,
      rejectedVirus: 0,
      rejectedSpam: 1,
      quarantined: 0,
      tagged: 1,
      clean: 1,
    });
    expect(s.byDomain.map((d) => [d.domain, d.total])).toEqual([
      ['univ.example', 4],
      ['phys.univ.example', 1],
    ]);
    expect(s.topClients[0]).toMatchObject({ address: '192.0.2.1', total: 3, greylisted: 1, rejectedSpam: 1 });
    expect(s.lastDecisions[0]).toMatchObject({
      outcome: 'tagged',
      reason: 'because tagged',
      at: start + 60_000,
    });
    // A plain object: survives JSON unchanged.
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });

  it('forgets minutes older than the window and reuses their slots', () => {
    let now = start;
    const stats = new SpamStatistics({ clock: { now: () => now }, minutes: 5 });
    stats.record(decision('clean'));
    now += 3 * 60_000;
    stats.record(decision('tagged'));
    expect(stats.snapshot().totals.clean).toBe(1);
    now += 2 * 60_000; // the first minute's slot is now outside the window
    expect(stats.snapshot().totals).toMatchObject({ clean: 0, tagged: 1 });
    stats.record(decision('greylisted'));
    const s = stats.snapshot();
    expect(s.totals).toMatchObject({ clean: 0, tagged: 1, greylisted: 1 });
    expect(s.byDomain[0]?.total).toBe(2);
    now += 60 * 60_000;
    expect(stats.snapshot().totals).toEqual({
      greylisted: 0,
      rejectedUnknownRecipient: 0,
      rejectedAuthentication: 0,
      rejectedVirus: 0,
      rejectedSpam: 0,
      quarantined: 0,
      tagged: 0,
      clean: 0,
    });
  });

  it('stays bounded: capped domains and clients per minute, capped decision list, top list', () => {
    const stats = new SpamStatistics({
      clock: { now: () => start },
      maxDomainsPerMinute: 3,
      maxClientsPerMinute: 4,
      lastDecisions: 10,
      topClients: 2,
    });
    for (let i = 0; i < 100; i += 1) stats.record(decision('clean', `10.0.0.${i}`, `d${i}.example`));
    for (let i = 0; i < 5; i += 1) stats.record(decision('rejectedSpam', '10.0.0.1', 'd1.example'));
    const s = stats.snapshot();
    expect(s.byDomain).toHaveLength(4);
    expect(s.byDomain[0]).toMatchObject({ domain: '(other)', total: 97 });
    expect(s.byDomain.find((d) => d.domain === 'd1.example')?.total).toBe(6);
    expect(s.topClients).toHaveLength(2);
    expect(s.topClients[0]).toMatchObject({ address: '(other)', total: 96 });
    expect(s.topClients[1]).toMatchObject({ address: '10.0.0.1', total: 6, rejectedSpam: 5 });
    expect(s.lastDecisions).toHaveLength(10);
    expect(s.totals.clean).toBe(100);
  });

  it('gives a department the figures of mail to its own domains only', () => {
    let now = start;
    const stats = new SpamStatistics({ clock: { now: () => now } });
    stats.record(decision('rejectedSpam', '192.0.2.1', 'alpha.example'));
    stats.record(decision('tagged', '192.0.2.1', 'beta.example'));
    now += 60_000;
    stats.record(decision('clean', '192.0.2.2', 'alpha.example'));
    stats.record(decision('rejectedSpam', '192.0.2.2', 'beta.example'));
    stats.record(decision('rejectedSpam', '192.0.2.2', 'beta.example'));
    const alpha = stats.snapshot(new Set(['alpha.example']));
    expect(alpha.totals).toMatchObject({ rejectedSpam: 1, tagged: 0, clean: 1 });
    expect(alpha.perMinute).toHaveLength(60);
    expect(alpha.perMinute.at(-2)).toMatchObject({ minute: start, rejectedSpam: 1, tagged: 0 });
    expect(alpha.perMinute.at(-1)).toMatchObject({ minute: start + 60_000, clean: 1, rejectedSpam: 0 });
    expect(alpha.byDomain.map((d) => [d.domain, d.total])).toEqual([['alpha.example', 2]]);
    expect(alpha.lastDecisions.map((d) => d.domain)).toEqual(['alpha.example', 'alpha.example']);
    expect(alpha.topClients).toEqual([]);
    expect(JSON.stringify(alpha)).not.toContain('beta.example');
    // The whole gateway's figures are still there for staff.
    expect(stats.snapshot().totals).toMatchObject({ rejectedSpam: 3, tagged: 1, clean: 1 });
  });
});
