/**
 * Which mailboxes to move so that the stores hold about the same amount of mail: the suggestions
 * of the Stores list, and the spread of a drain (every user of one store, to the others). Plain
 * functions over figures the console already reads (mailbox.list per store), so the console and
 * the CLI give the same answer.
 *
 * "Disk use" here is the mail a store holds (the sum of its mailboxes' sizes): on a shared file
 * system (the lab) the file system's figures are the same for every store, and a store's own mail
 * is what a move changes.
 */

/** A store and its mailboxes. */
export interface StoreLoad {
  /** Logical store name. */
  store: string;
  mailboxes: Array<{ user: string; bytes: number }>;
}

/** One suggested or planned move. */
export interface PlannedMove {
  user: string;
  from: string;
  to: string;
  bytes: number;
}

/** Moves, and the spread before and after (max minus min of the stores' bytes). */
export interface Rebalance {
  moves: PlannedMove[];
  bytes: number;
  spreadBefore: number;
  spreadAfter: number;
  /** Bytes per store after the moves. */
  after: Record<string, number>;
}

function totals(stores: readonly StoreLoad[]): Map<string, number> {
  return new Map(stores.map((s) => [s.store, s.mailboxes.reduce((sum, m) => sum + m.bytes, 0)]));
}

function spread(values: Iterable<number>): number {
  const all = [...values];
  return all.length === 0 ? 0 : Math.max(...all) - Math.min(...all);
}

/**
 * Moves that even out the stores: repeatedly the mailbox of the fullest store that, moved to the
 * emptiest, brings the two closest to each other, until no move narrows the gap by more than
 * `minGainBytes` or `maxMoves` are planned. Empty mailboxes are never worth a move.
 */
export function suggestRebalance(
  stores: readonly StoreLoad[],
  options: { maxMoves?: number; minGainBytes?: number } = {},
): Rebalance {
  const maxMoves = options.maxMoves ?? 200;
  const minGain = options.minGainBytes ?? 1_000_000;
  const load = totals(stores);
  const spreadBefore = spread(load.values());
  const remaining = new Map(stores.map((s) => [s.store, [...s.mailboxes].sort((a, b) => b.bytes - a.bytes)]));
  const moves: PlannedMove[] = [];
  while (moves.length < maxMoves && load.size > 1) {
    const ordered = [...load.entries()].sort((a, b) => b[1] - a[1]);
    const [full, fullBytes] = ordered[0]!;
    const [empty, emptyBytes] = ordered[ordered.length - 1]!;
    const gap = fullBytes - emptyBytes;
    // The best mailbox is the one closest to half the gap (moving it equalises the pair).
    let best: { user: string; bytes: number } | undefined;
    for (const mailbox of remaining.get(full) ?? []) {
      if (mailbox.bytes <= 0 || mailbox.bytes >= gap) continue;
      if (!best || Math.abs(gap / 2 - mailbox.bytes) < Math.abs(gap / 2 - best.bytes)) best = mailbox;
    }
    const gain = best ? gap - Math.abs(gap - 2 * best.bytes) : 0;
    if (!best || gain < minGain) break;
    remaining.set(
      full,
      (remaining.get(full) ?? []).filter((m) => m !== best),
    );
    load.set(full, fullBytes - best.bytes);
    load.set(empty, emptyBytes + best.bytes);
    moves.push({ user: best.user, from: full, to: empty, bytes: best.bytes });
  }
  return {
    moves,
    bytes: moves.reduce((sum, m) => sum + m.bytes, 0),
    spreadBefore,
    spreadAfter: spread(load.values()),
    after: Object.fromEntries(load),
  };
}

/**
 * A drain: every mailbox of `store` to the `targets` (all other stores when empty), largest
 * first, each to the target that holds the least at that point, so their use evens out; empty
 * mailboxes to the target with the fewest mailboxes.
 */
export function planDrain(
  stores: readonly StoreLoad[],
  store: string,
  targets: readonly string[] = [],
): Rebalance {
  const draining = stores.find((s) => s.store === store);
  if (!draining) throw new Error(`there is no store ${store}`);
  const chosen = targets.length > 0 ? targets : stores.map((s) => s.store).filter((s) => s !== store);
  for (const target of chosen) {
    if (target === store) throw new Error(`${store} cannot take its own users while it is drained`);
    if (!stores.some((s) => s.store === target)) throw new Error(`there is no store ${target}`);
  }
  if (chosen.length === 0) throw new Error(`there is no other store to take the users of ${store}`);
  const load = totals(stores);
  // The spread a drain changes is the one between the stores that take the users.
  const spreadOfTargets = () => spread(chosen.map((target) => load.get(target) ?? 0));
  const spreadBefore = spreadOfTargets();
  const moves: PlannedMove[] = [];
  // Mailboxes each target has: empty mailboxes (whose mail is still to come) go by count.
  const counts = new Map(stores.map((s) => [s.store, s.mailboxes.length]));
  const byBytes = (a: string, b: string) => (load.get(a) ?? 0) - (load.get(b) ?? 0);
  const byCount = (a: string, b: string) => (counts.get(a) ?? 0) - (counts.get(b) ?? 0);
  for (const mailbox of [...draining.mailboxes].sort((a, b) => b.bytes - a.bytes)) {
    const to = [...chosen].sort((a, b) =>
      mailbox.bytes > 0 ? byBytes(a, b) || byCount(a, b) : byCount(a, b) || byBytes(a, b),
    )[0]!;
    counts.set(to, (counts.get(to) ?? 0) + 1);
    load.set(to, (load.get(to) ?? 0) + mailbox.bytes);
    load.set(store, (load.get(store) ?? 0) - mailbox.bytes);
    moves.push({ user: mailbox.user, from: store, to, bytes: mailbox.bytes });
  }
  return {
    moves,
    bytes: moves.reduce((sum, m) => sum + m.bytes, 0),
    spreadBefore,
    spreadAfter: spreadOfTargets(),
    after: Object.fromEntries(load),
  };
}
