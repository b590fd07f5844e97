/**
 * Failed logins of each node over the last minutes, kept from the 1 Hz snapshots so the alarm list
 * can compare a node's rate now with its own normal: per node, the mean of each of the last
 * `loginBaselineMinutes` complete minutes, and sums of the last few 10-second blocks for the rate
 * now. Bounded per node; nodes that leave the fleet are dropped. Per tick a node costs one small
 * object (arrays change once per block or minute), which matters at 1,000 nodes.
 */
import type { ConsoleFleetSnapshot } from '../../../../main/console/console-contract';
import { counter } from './fleet-figures';

/**
 * Complete minutes the baseline is the median of. Ten minutes holds a normal morning's ups and
 * downs, and a median of ten is not moved by one or two odd minutes (a class logging in at once).
 */
export const loginBaselineMinutes = 10;

/**
 * Complete 10-second blocks whose readings, with the block being collected, make the rate "now"
 * (30 to 40 s of 1 Hz readings). One reading is the increase over one second, so a single mistyped
 * password reads 60 a minute; half a minute of readings smooths that out and still shows a
 * guessing run within a minute.
 */
export const loginRecentBlocks = 3;

/** Length of one block of the rate now. */
export const loginBlockMs = 10_000;

/** Readings summed: their sum and how many. */
export interface ReadingSum {
  sum: number;
  count: number;
}

/** One node's failed logins over time (failed logins per minute). */
export interface LoginHistory {
  /** Means of complete minutes, oldest first, at most `loginBaselineMinutes`. */
  minutes: readonly number[];
  /** The minute being collected (ms since the epoch / 60,000) and its readings so far. */
  minute: number;
  minuteReadings: ReadingSum;
  /** Complete blocks, oldest first, at most `loginRecentBlocks`. */
  blocks: readonly ReadingSum[];
  /** The block being collected (ms since the epoch / `loginBlockMs`) and its readings so far. */
  block: number;
  blockReadings: ReadingSum;
}

const add = (readings: ReadingSum, value: number): ReadingSum => ({
  sum: readings.sum + value,
  count: readings.count + 1,
});

/** Adds one reading (failed logins per minute) to a node's history at time `at`. */
function addReading(previous: LoginHistory | undefined, at: number, perMin: number): LoginHistory {
  const minute = Math.floor(at / 60_000);
  const block = Math.floor(at / loginBlockMs);
  const one: ReadingSum = { sum: perMin, count: 1 };
  if (!previous) return { minutes: [], minute, minuteReadings: one, blocks: [], block, blockReadings: one };
  const sameMinute = previous.minute === minute;
  const sameBlock = previous.block === block;
  const done = previous.minuteReadings;
  return {
    minutes: sameMinute
      ? previous.minutes
      : [...previous.minutes, done.sum / done.count].slice(-loginBaselineMinutes),
    minute,
    minuteReadings: sameMinute ? add(done, perMin) : one,
    blocks: sameBlock
      ? previous.blocks
      : [...previous.blocks, previous.blockReadings].slice(-loginRecentBlocks),
    block,
    blockReadings: sameBlock ? add(previous.blockReadings, perMin) : one,
  };
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
  const next: Record<string, LoginHistory> = {};
  for (const node of snapshot.nodes) {
    const known = previous[node.name];
    const perSec = node.state === 'up' ? counter(node.sample, 'failed_logins_per_sec') : undefined;
    if (perSec !== undefined) next[node.name] = addReading(known, snapshot.at, perSec * 60);
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

/** The mean of the recent blocks' readings and the current block's (failed logins per minute). */
export function recentLoginRate(history: LoginHistory): number | undefined {
  let { sum, count } = history.blockReadings;
  for (const block of history.blocks) {
    sum += block.sum;
    count += block.count;
  }
  return count === 0 ? undefined : sum / count;
}
