/**
 * Failed logins of each node over the last minutes, kept from the 1 Hz snapshots so the alarm list
 * can compare a node's rate now with its own normal: per node, the mean of each of the last
 * `loginBaselineMinutes` complete minutes and the newest `loginRecentReadings` readings. Bounded per
 * node; nodes that leave the fleet are dropped.
 */
import type { ConsoleFleetSnapshot } from '../../../../main/console/console-fleet-snapshot';
import { counter } from './fleet-figures';

/**
 * Complete minutes the baseline is the median of. Ten minutes holds a normal morning's ups and
 * downs, and a median of ten is not moved by one or two odd minutes (a class logging in at once).
 */
export const loginBaselineMinutes = 10;

/**
 * Readings (1 Hz) whose mean is the rate "now". One reading is the increase over one second, so a
 * single mistyped password reads 60 a minute; half a minute of readings smooths that out and still
 * shows a guessing run within a minute.
 */
export const loginRecentReadings = 30;

/** One node's failed logins over time (failed logins per minute). */
export interface LoginHistory {
  /** Means of complete minutes, oldest first, at most `loginBaselineMinutes`. */
  minutes: readonly number[];
  /** The minute being collected (ms since the epoch / 60,000) and its readings so far. */
  minute: number;
  sum: number;
  count: number;
  /** The newest readings, oldest first, at most `loginRecentReadings`. */
  recent: readonly number[];
}

/** Adds one reading to a node's history at minute `minute`. */
function addReading(previous: LoginHistory | undefined, minute: number, perMin: number): LoginHistory {
  const recent = [...(previous?.recent ?? []), perMin].slice(-loginRecentReadings);
  if (previous && previous.minute === minute) {
    return { ...previous, sum: previous.sum + perMin, count: previous.count + 1, recent };
  }
  const minutes =
    previous && previous.count > 0
      ? [...previous.minutes, previous.sum / previous.count].slice(-loginBaselineMinutes)
      : (previous?.minutes ?? []);
  return { minutes, minute, sum: perMin, count: 1, recent };
}

/**
 * The histories after a snapshot: a reading for every node that answers and publishes
 * `failed_logins_per_sec`; a node not answering keeps its history as it was (its old figures are
 * not new readings); a node no longer in the fleet is dropped.
 */
export function recordLogins(
  previous: Readonly<Record<string, LoginHistory>>,
  snapshot: ConsoleFleetSnapshot,
): Record<string, LoginHistory> {
  const minute = Math.floor(snapshot.at / 60_000);
  const next: Record<string, LoginHistory> = {};
  for (const node of snapshot.nodes) {
    const known = previous[node.name];
    const perSec = node.state === 'up' ? counter(node.sample, 'failed_logins_per_sec') : undefined;
    if (perSec !== undefined) next[node.name] = addReading(known, minute, perSec * 60);
    else if (known) next[node.name] = known;
  }
  return next;
}

/** The median of the complete minutes, or undefined with fewer than `minMinutes` of them. */
export function loginBaseline(history: LoginHistory, minMinutes: number): number | undefined {
  if (history.minutes.length < minMinutes) return undefined;
  const sorted = [...history.minutes].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** The mean of the newest readings (failed logins per minute), or undefined with none. */
export function recentLoginRate(history: LoginHistory): number | undefined {
  if (history.recent.length === 0) return undefined;
  return history.recent.reduce((sum, value) => sum + value, 0) / history.recent.length;
}
