/**
 * A bounded window of fleet figures over time for the charts: one point per snapshot, at most
 * `historyPoints` (5 minutes at 1 Hz), so memory and chart work stay flat however long it runs.
 */
import type { StateCreator } from 'zustand';
import type { ConsoleFleetSnapshot } from '../../../../main/console/console-fleet-snapshot';
import { fleetTotals } from './fleet-figures';
import type { FleetStore } from './fleet-store';

/** 5 minutes of 1 Hz snapshots. */
export const historyPoints = 300;

/** One point of the fleet's history. */
export interface FleetPoint {
  at: number;
  deliveriesPerMin: number | null;
  sessions: number | null;
}

export interface HistoryState {
  history: FleetPoint[];
}

export interface HistoryActions {
  recordPoint(snapshot: ConsoleFleetSnapshot): void;
}

export const historyInitialState: HistoryState = { history: [] };

/** The point a snapshot adds (null where no node publishes the figure, so the chart shows a gap). */
export function pointOf(snapshot: ConsoleFleetSnapshot): FleetPoint {
  const totals = fleetTotals(snapshot);
  return {
    at: snapshot.at,
    deliveriesPerMin: totals.deliveriesPerMin ?? null,
    sessions: totals.sessions ?? null,
  };
}

export const createHistorySlice: StateCreator<FleetStore, [], [], HistoryState & HistoryActions> = (set) => ({
  ...historyInitialState,
  recordPoint: (snapshot) =>
    set((state) => {
      const last = state.history[state.history.length - 1];
      // The same snapshot may arrive twice (the first fetch and the first push): keep one point.
      if (last && last.at >= snapshot.at) return state;
      const history = [...state.history, pointOf(snapshot)];
      return { history: history.length > historyPoints ? history.slice(-historyPoints) : history };
    }),
});
