/**
 * Bounded windows of fleet figures over time for the dashboard's charts and alarms: one point per
 * snapshot, at most `historyPoints` (5 minutes at 1 Hz), with the fleet's message rates and the
 * queue depth of each node that holds a queue; and per node a few minutes of failed logins, so the
 * alarm list can tell a spike from that node's normal. Memory and work stay flat however long the
 * console runs and however many nodes the fleet has.
 */
import type { StateCreator } from 'zustand';
import type { ConsoleFleetSnapshot } from '../../../../main/console/console-contract';
import { counter, fleetTotals } from './fleet-figures';
import type { FleetStore } from './fleet-store';
import { type LoginHistory, recordLogins } from './login-history';

/** 5 minutes of 1 Hz snapshots. */
export const historyPoints = 300;

/**
 * Queues a point keeps by name, deepest first; the rest are summed in `otherQueues`. A site has one
 * or two directors and a gateway; the bound only matters for a fleet with many queue nodes, whose
 * chart would otherwise be a thicket of lines nobody can read.
 */
export const queueNodesKept = 8;

/**
 * Seconds the message rates are averaged over. An agent's rate is the increase over one second, so
 * at a university's 2 messages a second the raw line jumps between 0, 60 and 180 a minute every
 * second; half a minute of readings gives a line that shows the trend and still moves within it.
 */
export const rateSmoothingMs = 30_000;

/** The four message rates of the directors' queues. */
export const messageRates = ['received', 'delivered', 'deferred', 'bounced'] as const;
export type MessageRate = (typeof messageRates)[number];

/** One point of the fleet's history; null where no node publishes the figure (a gap in the chart). */
export interface FleetPoint {
  at: number;
  /** Stores: messages delivered into mailboxes per minute. */
  deliveriesPerMin: number | null;
  sessions: number | null;
  /**
   * Directors' queues: recipients received, delivered, deferred (attempts), bounced, per minute,
   * the mean over the last `rateSmoothingMs` of readings.
   */
  receivedPerMin: number | null;
  deliveredPerMin: number | null;
  deferredPerMin: number | null;
  bouncedPerMin: number | null;
  /** This snapshot's own readings of the rates (per second, summed over the fleet), for the means. */
  readings: Readonly<Record<MessageRate, number | null>>;
  /** Messages queued on each node that holds a queue (up nodes only), at most `queueNodesKept`. */
  queues: Readonly<Record<string, number>>;
  /** Messages queued on the queue nodes beyond `queueNodesKept`; null when there are none. */
  otherQueues: number | null;
}

export interface HistoryState {
  history: FleetPoint[];
  /** Failed logins per node over the last minutes (nodes that publish them and answer). */
  loginHistory: Readonly<Record<string, LoginHistory>>;
}

export interface HistoryActions {
  recordPoint(snapshot: ConsoleFleetSnapshot): void;
}

export const historyInitialState: HistoryState = { history: [], loginHistory: {} };

/** The sum of a counter over the nodes that answer and publish it, or undefined when none does. */
function fleetSum(snapshot: ConsoleFleetSnapshot, name: string): number | undefined {
  let total: number | undefined;
  for (const node of snapshot.nodes) {
    if (node.state !== 'up') continue;
    const value = counter(node.sample, name);
    if (value !== undefined) total = (total ?? 0) + value;
  }
  return total;
}

/** Queue depth of every up node that publishes `queue_messages`, deepest first, then by name. */
function queueDepths(snapshot: ConsoleFleetSnapshot): Pick<FleetPoint, 'queues' | 'otherQueues'> {
  const depths: Array<[string, number]> = [];
  for (const node of snapshot.nodes) {
    if (node.state !== 'up') continue;
    const depth = counter(node.sample, 'queue_messages');
    if (depth !== undefined) depths.push([node.name, depth]);
  }
  depths.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0], 'en', { numeric: true }));
  const rest = depths.slice(queueNodesKept);
  return {
    queues: Object.fromEntries(depths.slice(0, queueNodesKept)),
    otherQueues: rest.length === 0 ? null : rest.reduce((sum, [, depth]) => sum + depth, 0),
  };
}

/** The mean per minute of one rate's readings within `rateSmoothingMs` before `at` (null with none). */
function smoothed(rate: MessageRate, latest: number | null, earlier: readonly FleetPoint[], at: number) {
  let sum = latest ?? 0;
  let count = latest === null ? 0 : 1;
  for (let i = earlier.length - 1; i >= 0; i--) {
    const point = earlier[i];
    if (!point || point.at <= at - rateSmoothingMs) break;
    const reading = point.readings[rate];
    if (reading !== null) {
      sum += reading;
      count += 1;
    }
  }
  return count === 0 ? null : (sum / count) * 60;
}

/** The point a snapshot adds after the `earlier` points (the history so far, for the rates' means). */
export function pointOf(snapshot: ConsoleFleetSnapshot, earlier: readonly FleetPoint[] = []): FleetPoint {
  const totals = fleetTotals(snapshot);
  const readings = Object.fromEntries(
    messageRates.map((rate) => [rate, fleetSum(snapshot, `queue_${rate}_per_sec`) ?? null]),
  ) as Record<MessageRate, number | null>;
  const mean = (rate: MessageRate) => smoothed(rate, readings[rate], earlier, snapshot.at);
  return {
    at: snapshot.at,
    deliveriesPerMin: totals.deliveriesPerMin ?? null,
    sessions: totals.sessions ?? null,
    receivedPerMin: mean('received'),
    deliveredPerMin: mean('delivered'),
    deferredPerMin: mean('deferred'),
    bouncedPerMin: mean('bounced'),
    readings,
    ...queueDepths(snapshot),
  };
}

export const createHistorySlice: StateCreator<FleetStore, [], [], HistoryState & HistoryActions> = (set) => ({
  ...historyInitialState,
  recordPoint: (snapshot) =>
    set((state) => {
      const last = state.history[state.history.length - 1];
      // The same snapshot may arrive twice (the first fetch and the first push): keep one point.
      if (last && last.at >= snapshot.at) return state;
      const history = [...state.history, pointOf(snapshot, state.history)];
      return {
        history: history.length > historyPoints ? history.slice(-historyPoints) : history,
        loginHistory: recordLogins(state.loginHistory, snapshot),
      };
    }),
});
