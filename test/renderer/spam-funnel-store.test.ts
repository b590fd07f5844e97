/**
 * The dashboard's spam funnel knows which gateways scan no content (issue 17, "Also"): their 0 spam
 * is not a finding, and the chart says so (spam-funnel-chart.tsx, `funnel-scanning-off`).
 */
import { describe, expect, it } from 'vitest';
import { spamOutcomes, spamStatistics } from '../../agent/common/contract/gateway-figures.js';
import { createSpamFunnelStore } from '../../renderer/src/store/spam/spam-funnel-store';

const zero = Object.fromEntries(spamOutcomes.map((o) => [o, 0]));
const statistics = (accepted: number) =>
  spamStatistics.parse({
    generatedAt: 0,
    windowMinutes: 60,
    perMinute: [],
    totals: { ...zero, clean: accepted },
    byDomain: [],
    topClients: [],
    lastDecisions: [],
  });

describe('the spam funnel store', () => {
  it('keeps the gateways whose content scanning is off, and none when all scan', () => {
    const store = createSpamFunnelStore();
    store.getState().receiveFunnel(
      [
        { node: 'gateway01', statistics: statistics(5), scanning: false },
        { node: 'gateway02', statistics: statistics(7), scanning: true },
      ],
      [],
    );
    expect(store.getState().funnelScanningOff).toEqual(['gateway01']);
    expect(store.getState().funnelTotals?.clean).toBe(12);
    store.getState().receiveFunnel([{ node: 'gateway02', statistics: statistics(1), scanning: true }], []);
    expect(store.getState().funnelScanningOff).toEqual([]);
  });
});
