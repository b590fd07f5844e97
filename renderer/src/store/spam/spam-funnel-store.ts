/**
 * The dashboard's spam funnel: every gateway's decisions over the last hour (`spam.statistics`),
 * summed, polled while the dashboard is on screen. Kept apart from the Spam view's store, which
 * shows one chosen gateway in detail.
 */
import { create } from 'zustand';
import type { LoadStatus } from '../queues/load-state';
import type { ShownError } from '../shown-error';
import type { SpamStatistics } from './spam-store';

/** Decisions per outcome over the window. */
export type FunnelTotals = SpamStatistics['totals'];

/** A gateway that did not answer the last read. */
export interface FunnelFailure {
  node: string;
  error: ShownError;
}

export interface SpamFunnelState {
  /** The gateways whose figures are summed (those that answered). */
  funnelGateways: string[];
  funnelTotals: FunnelTotals | undefined;
  /** Minutes the gateways count over (60 unless configured otherwise). */
  funnelMinutes: number;
  funnelFailures: FunnelFailure[];
  /** `ready` with no gateways: the fleet has none. */
  funnelStatus: LoadStatus;
  /** Gateways that answered and scan no content (no spam can be counted there). */
  funnelScanningOff: string[];
}

export interface SpamFunnelActions {
  loadingFunnel(): void;
  receiveFunnel(
    /** `scanning`: whether the gateway's content scanning is configured. */
    answers: Array<{ node: string; statistics: SpamStatistics; scanning?: boolean }>,
    failures: FunnelFailure[],
  ): void;
}

export const spamFunnelInitialState: SpamFunnelState = {
  funnelGateways: [],
  funnelTotals: undefined,
  funnelMinutes: 60,
  funnelFailures: [],
  funnelStatus: 'idle',
  funnelScanningOff: [],
};

/** The totals of several gateways' statistics, outcome by outcome. */
export function sumTotals(statistics: readonly SpamStatistics[]): FunnelTotals | undefined {
  const [first, ...rest] = statistics;
  if (!first) return undefined;
  const sum = { ...first.totals };
  for (const more of rest) {
    for (const outcome of Object.keys(sum) as Array<keyof FunnelTotals>) sum[outcome] += more.totals[outcome];
  }
  return sum;
}

/** Creates a funnel store (one per window; tests make their own). */
export function createSpamFunnelStore() {
  return create<SpamFunnelState & SpamFunnelActions>()((set) => ({
    ...spamFunnelInitialState,
    loadingFunnel: () => set((s) => (s.funnelStatus === 'idle' ? { funnelStatus: 'loading' } : {})),
    receiveFunnel: (answers, funnelFailures) =>
      set((s) => {
        // Every gateway failing keeps the last figures on screen (with the failure said above them).
        if (answers.length === 0 && funnelFailures.length > 0) {
          return { funnelFailures, funnelStatus: s.funnelTotals ? 'ready' : 'error' };
        }
        return {
          funnelGateways: answers.map((a) => a.node),
          funnelTotals: sumTotals(answers.map((a) => a.statistics)),
          funnelMinutes: answers[0]?.statistics.windowMinutes ?? 60,
          funnelFailures,
          funnelStatus: 'ready',
          funnelScanningOff: answers.filter((a) => a.scanning === false).map((a) => a.node),
        };
      }),
  }));
}

/** The window's funnel store. */
export const useSpamFunnelStore = createSpamFunnelStore();
