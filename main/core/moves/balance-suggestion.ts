/**
 * Which mailboxes to move so that the store nodes' disks fill evenly: a pure function of each
 * node's disk size and the mailboxes it holds, so the console's Stores list and the CLI propose
 * the same moves and a test can check them by hand.
 *
 * What is evened out is the mail a node holds as a share of its disk (`mailBytes / diskBytes`):
 * that is the part of disk use a move changes. The rest of a disk (system, logs, the old copies a
 * store keeps for a week after a move) does not move, and in a lab where every store shares one
 * disk the disk's own figure is the same for all of them and says nothing.
 *
 * Greedy, as an administrator would do it by hand: take the fullest node and the emptiest, move
 * the largest mailbox of the fullest that does not overshoot the fleet's mean, and again, until
 * the gap between the fullest and the emptiest is within a tolerance of the mean or no single
 * mailbox would narrow it. Large mailboxes first, so few users are moved.
 */

/** A store node as the suggestion sees it. */
export interface StoreNodeLoad {
  /** The node (the disk belongs to it). */
  node: string;
  /** The logical store a mailbox moved to this node goes to (the first it serves). */
  store: string;
  /** Size of the node's mail file system. */
  diskBytes: number;
  /** Its mailboxes (a user already being moved may be among them: the plan then says so). */
  mailboxes: ReadonlyArray<{ user: string; bytes: number; messages: number; store?: string }>;
}

/** One suggested move. */
export interface SuggestedMove {
  user: string;
  /** Logical store the user is on now. */
  from: string;
  /** Logical store to move to. */
  to: string;
  bytes: number;
  messages: number;
}

/** The moves to one store: one batch when the administrator takes the suggestion. */
export interface SuggestedBatch {
  to: string;
  /** The node serving `to`. */
  node: string;
  users: string[];
  /** Logical stores the users leave, in name order. */
  from: string[];
  bytes: number;
  messages: number;
}

/** One node's mail share of its disk. */
export interface StoreShare {
  node: string;
  store: string;
  mailBytes: number;
  diskBytes: number;
  /** mailBytes / diskBytes, 0..1. */
  share: number;
}

/** The fleet's balance: each node's share and the gap between the fullest and the emptiest. */
export interface BalanceFigures {
  stores: StoreShare[];
  /** Largest share minus smallest, 0..1. */
  spread: number;
  /** All mail over all disks, 0..1: where every node would be if perfectly even. */
  mean: number;
}

/** What {@link suggestBalance} answers. */
export interface BalanceSuggestion {
  moves: SuggestedMove[];
  batches: SuggestedBatch[];
  before: BalanceFigures;
  after: BalanceFigures;
  /** Why no (more) moves are suggested. */
  stoppedBecause: 'balanced' | 'no-mailbox-fits' | 'move-limit' | 'too-few-stores';
}

/** Limits of a suggestion. */
export interface BalanceOptions {
  /** At most this many moves (default 500). */
  maxMoves?: number;
  /**
   * Balanced once the spread is at most this share of the mean (default 0.05: with stores 60 %
   * full on average, within 3 points of each other).
   */
  tolerance?: number;
}

const defaultMaxMoves = 500;
const defaultTolerance = 0.05;

interface Working {
  load: StoreNodeLoad;
  mailBytes: number;
  /** Mailboxes not yet moved, largest first. */
  left: Array<{ user: string; bytes: number; messages: number; store: string }>;
}

const shareOf = (w: Working): number => (w.load.diskBytes > 0 ? w.mailBytes / w.load.diskBytes : 0);

function figuresOf(nodes: readonly Working[]): BalanceFigures {
  const stores = nodes.map((w) => ({
    node: w.load.node,
    store: w.load.store,
    mailBytes: w.mailBytes,
    diskBytes: w.load.diskBytes,
    share: shareOf(w),
  }));
  const shares = stores.map((s) => s.share);
  const disk = stores.reduce((sum, s) => sum + s.diskBytes, 0);
  const mail = stores.reduce((sum, s) => sum + s.mailBytes, 0);
  return {
    stores,
    spread: shares.length ? Math.max(...shares) - Math.min(...shares) : 0,
    mean: disk > 0 ? mail / disk : 0,
  };
}

/** The spread if `bytes` went from `over` to `under`. */
function spreadAfter(nodes: readonly Working[], over: Working, under: Working, bytes: number): number {
  let max = Number.NEGATIVE_INFINITY;
  let min = Number.POSITIVE_INFINITY;
  for (const w of nodes) {
    const mail = w === over ? w.mailBytes - bytes : w === under ? w.mailBytes + bytes : w.mailBytes;
    const share = w.load.diskBytes > 0 ? mail / w.load.diskBytes : 0;
    if (share > max) max = share;
    if (share < min) min = share;
  }
  return max - min;
}

const byName = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

/** The moves that even out the nodes' mail as a share of their disks. */
export function suggestBalance(
  loads: readonly StoreNodeLoad[],
  options: BalanceOptions = {},
): BalanceSuggestion {
  const maxMoves = options.maxMoves ?? defaultMaxMoves;
  const tolerance = options.tolerance ?? defaultTolerance;
  // A node with no disk figure cannot take mail: it is shown, never a target.
  const nodes: Working[] = loads
    .filter((load) => load.diskBytes > 0)
    .map((load) => ({
      load,
      mailBytes: load.mailboxes.reduce((sum, m) => sum + m.bytes, 0),
      left: load.mailboxes
        .filter((m) => m.bytes > 0)
        .map((m) => ({ ...m, store: m.store ?? load.store }))
        .sort((a, b) => b.bytes - a.bytes || byName(a.user, b.user)),
    }))
    .sort((a, b) => byName(a.load.node, b.load.node));
  const before = figuresOf(nodes);
  const moves: SuggestedMove[] = [];
  let stoppedBecause: BalanceSuggestion['stoppedBecause'] = 'balanced';
  if (nodes.length < 2) stoppedBecause = 'too-few-stores';
  const mean = before.mean;
  while (nodes.length >= 2) {
    const ordered = [...nodes].sort((a, b) => shareOf(b) - shareOf(a) || byName(a.load.node, b.load.node));
    const over = ordered[0]!;
    const under = ordered.at(-1)!;
    const spread = shareOf(over) - shareOf(under);
    if (spread <= tolerance * mean) break;
    if (moves.length >= maxMoves) {
      stoppedBecause = 'move-limit';
      break;
    }
    // Up to what brings either side to the mean: more would only swap which one is off.
    const fits = Math.min(
      over.mailBytes - mean * over.load.diskBytes,
      mean * under.load.diskBytes - under.mailBytes,
    );
    let pick = over.left.findIndex((m) => m.bytes <= fits);
    // None fits under the mean: the smallest that still narrows the gap, if one does.
    if (pick < 0 && over.left.length > 0) {
      const smallestBytes = over.left.at(-1)!.bytes;
      // Of equal sizes, the first by address, as the list shows them.
      const smallest = over.left.findIndex((m) => m.bytes === smallestBytes);
      if (spreadAfter(nodes, over, under, smallestBytes) < spread) pick = smallest;
    }
    if (pick < 0) {
      stoppedBecause = 'no-mailbox-fits';
      break;
    }
    const [mailbox] = over.left.splice(pick, 1);
    if (!mailbox) break;
    over.mailBytes -= mailbox.bytes;
    under.mailBytes += mailbox.bytes;
    under.left.push(mailbox);
    under.left.sort((a, b) => b.bytes - a.bytes || byName(a.user, b.user));
    moves.push({
      user: mailbox.user,
      from: mailbox.store,
      to: under.load.store,
      bytes: mailbox.bytes,
      messages: mailbox.messages,
    });
  }
  // A mailbox suggested twice (away and on again) moves once, to where it ends.
  const finalMoves = collapse(moves);
  return {
    moves: finalMoves,
    batches: batchesOf(finalMoves, nodes),
    before,
    after: figuresOf(nodes),
    stoppedBecause,
  };
}

function collapse(moves: readonly SuggestedMove[]): SuggestedMove[] {
  const byUser = new Map<string, SuggestedMove>();
  for (const move of moves) {
    const earlier = byUser.get(move.user);
    byUser.set(move.user, earlier ? { ...move, from: earlier.from } : move);
  }
  return [...byUser.values()].filter((move) => move.from !== move.to);
}

function batchesOf(moves: readonly SuggestedMove[], nodes: readonly Working[]): SuggestedBatch[] {
  const nodeOf = new Map(nodes.map((w) => [w.load.store, w.load.node]));
  const batches = new Map<string, SuggestedBatch>();
  for (const move of moves) {
    let batch = batches.get(move.to);
    if (!batch) {
      batch = {
        to: move.to,
        node: nodeOf.get(move.to) ?? move.to,
        users: [],
        from: [],
        bytes: 0,
        messages: 0,
      };
      batches.set(move.to, batch);
    }
    batch.users.push(move.user);
    if (!batch.from.includes(move.from)) batch.from.push(move.from);
    batch.bytes += move.bytes;
    batch.messages += move.messages;
  }
  for (const batch of batches.values()) batch.from.sort(byName);
  return [...batches.values()].sort((a, b) => byName(a.to, b.to));
}
