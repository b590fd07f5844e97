/**
 * What a move of some users to a store this node serves would do, and who cannot move and why
 * (`move.plan`, and the check `move.start` makes before it starts anything). Every refusal is in
 * words, with a code the console translates:
 *
 * - the store: not a store (`no-such-store`), served by another node (`not-served-here`), its node
 *   marked down, failed or in maintenance in the directory (`target-down`), or more than 90 % full
 *   after the move (`target-full`);
 * - the user: unknown (`no-such-user`), named twice (`duplicate`), already on the store
 *   (`same-store`), locked by another move (`already-moving`), or on a store whose agent does not
 *   answer (`source-down`). A domain admin naming someone else's user is refused outright
 *   (forbidden), before anything about that user is read.
 */
import type { MovePlan, MoveRefusal } from '../common/contract/move-contract.js';
import type { FleetDirectory } from '../common/directory/fleet-directory.js';
import { diskUsedShare } from '../common/disk-use.js';
import { sizeInWords } from '../common/in-words.js';
import { readDisk } from '../metrics/machine-readings.js';
import { mapInParallel } from './in-parallel.js';
import type { MoveRequest, MoveRequester } from './move-node.js';
import type { PeerLinks } from './peer-links.js';

/** A user that can move, with where from. */
export interface MovableUser {
  user: string;
  source: string;
  sourceNode: string;
  messages: number;
  bytes: number;
}

/** What planning reads. */
export interface PlannerDeps {
  node: string;
  directory: FleetDirectory;
  links: PeerLinks;
  mailRoot: string;
  /** Bytes per second one move copied lately on this node, if any finished. */
  observedRate: () => number | undefined;
}

// A store fuller than this after a move (df's share, as the dashboard's disk alarm) is refused:
// Maildir needs room for tmp/ and growth.
const maxDiskUse = 0.9;
// When no move has run yet: what one move copies per second on a small store (docs/moves.md).
const assumedRate = 30 * 1000 * 1000;
// The cutover and the catch-up rounds of one mailbox, whatever its size.
const perMailboxSeconds = 3;
const badNodeStates = new Set(['down', 'failed', 'maintenance']);
// Directory lookups and source figures asked at once for a batch.
const lookupsAtOnce = 16;

/** Plans a move of `request.users` to `request.to`. */
export async function planMoves(
  deps: PlannerDeps,
  request: MoveRequest,
  requester: MoveRequester,
  batch: { concurrency: number; bandwidthBytesPerSecond: number },
): Promise<{ plan: MovePlan; movable: MovableUser[] }> {
  const { directory } = deps;
  const target = request.to;
  const refusals: MoveRefusal[] = [];
  const entries: MovePlan['users'] = [];
  const candidates: Array<Omit<MovableUser, 'messages' | 'bytes'>> = [];
  const storeRefusal = await targetRefusal(deps, target);
  const stores = new Map((await directory.listLogicalStores()).map((s) => [s.name, s]));
  const seen = new Set<string>();
  const refuse = (user: string, code: MoveRefusal['code'], reason: string, source?: string) => {
    const refusal = { user, code, reason };
    refusals.push(refusal);
    entries.push({ user, ...(source ? { source } : {}), messages: 0, bytes: 0, refusal });
  };
  // Every address is looked up first, a few at once (the caller checked that each is theirs).
  const addresses = [...new Set(request.users.map((address) => address.toLowerCase()))];
  const looked = await mapInParallel(addresses, lookupsAtOnce, (address) =>
    directory.findUserByAddress(address),
  );
  const entryOf = new Map(addresses.map((address, i) => [address, looked[i]]));
  for (const address of request.users) {
    const given = address.toLowerCase();
    if (seen.has(given)) {
      refuse(given, 'duplicate', `${given} is named twice`);
      continue;
    }
    seen.add(given);
    const entry = entryOf.get(given);
    if (!entry) {
      refuse(given, 'no-such-user', `no user has the address ${given}`);
      continue;
    }
    const user = entry.mail.toLowerCase();
    await requester.mayTouch(user);
    if (user !== given && seen.has(user)) {
      refuse(user, 'duplicate', `${user} is named twice (${given} is one of their addresses)`);
      continue;
    }
    seen.add(user);
    const lock = entry.moveState;
    if (storeRefusal) refuse(user, storeRefusal.code, storeRefusal.reason, entry.mailHost);
    else if (lock)
      refuse(
        user,
        'already-moving',
        `${user} is already being moved by job ${lock.job} (${lock.source} to ${lock.target}, ${lock.phase})`,
        entry.mailHost,
      );
    else if (entry.mailHost === target) refuse(user, 'same-store', `${user} is already on ${target}`, target);
    else {
      const sourceNode = stores.get(entry.mailHost)?.servedBy;
      if (!sourceNode)
        refuse(user, 'source-down', `${user} is on ${entry.mailHost}, which no node serves`, entry.mailHost);
      else candidates.push({ user, source: entry.mailHost, sourceNode });
    }
  }

  const movable: MovableUser[] = [];
  const figures = await mapInParallel(candidates, lookupsAtOnce, async (candidate) => {
    try {
      return await deps.links.call(candidate.sourceNode, 'sync.figures', { user: candidate.user });
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  });
  candidates.forEach((candidate, i) => {
    const answer = figures[i]!;
    if (answer instanceof Error) {
      refuse(
        candidate.user,
        'source-down',
        `the agent of ${candidate.source} (node ${candidate.sourceNode}) does not answer: ${answer.message}`,
        candidate.source,
      );
      return;
    }
    movable.push({ ...candidate, messages: answer.messages, bytes: answer.bytes });
  });

  // The disk as the store's tile reads it (the metrics sampler's reading, df's share), so the
  // dialog's "disk after" and the 90 % limit never name another percentage than the dashboard.
  const disk = await readDisk(deps.mailRoot);
  if (!disk) throw new Error(`the disk of ${target}'s mail (${deps.mailRoot}) cannot be read`);
  const bytes = movable.reduce((sum, m) => sum + m.bytes, 0);
  const usedAfterBytes = disk.usedBytes + bytes;
  const shareAfter = diskUsedShare(disk, bytes) ?? 1;
  if (movable.length > 0 && shareAfter > maxDiskUse) {
    const percent = Math.round(100 * shareAfter);
    for (const m of movable.splice(0))
      refuse(
        m.user,
        'target-full',
        `${target} would be ${percent} % full after moving ${sizeInWords(bytes)} (at most ${maxDiskUse * 100} %)`,
        m.source,
      );
  }
  for (const m of movable)
    entries.push({ user: m.user, source: m.source, messages: m.messages, bytes: m.bytes });
  const order = new Map(request.users.map((u, i) => [u.toLowerCase(), i]));
  entries.sort((a, b) => (order.get(a.user) ?? 0) - (order.get(b.user) ?? 0));

  const perMove = deps.observedRate() ?? assumedRate;
  const rate = Math.min(
    perMove * batch.concurrency,
    batch.bandwidthBytesPerSecond > 0 ? batch.bandwidthBytesPerSecond : Number.POSITIVE_INFINITY,
  );
  const movingBytes = movable.reduce((sum, m) => sum + m.bytes, 0);
  const plan: MovePlan = {
    target,
    node: deps.node,
    users: entries,
    mailboxes: movable.length,
    messages: movable.reduce((sum, m) => sum + m.messages, 0),
    bytes: movingBytes,
    // What the disk would hold if everyone named moved (also when that is what refuses them).
    targetDisk: {
      totalBytes: disk.totalBytes,
      usedBytes: disk.usedBytes,
      usedAfterBytes,
      availableAfterBytes: Math.max(0, disk.availableBytes - bytes),
      usedPercentAfter: Math.round(1000 * shareAfter) / 10,
    },
    estimatedSeconds: Math.round(
      movingBytes / rate + (movable.length * perMailboxSeconds) / batch.concurrency,
    ),
    speed: { concurrency: batch.concurrency, bandwidthBytesPerSecond: batch.bandwidthBytesPerSecond },
    refusals,
  };
  return { plan, movable };
}

/** Why no one can move to `target` through this node, if so. */
async function targetRefusal(
  deps: PlannerDeps,
  target: string,
): Promise<Pick<MoveRefusal, 'code' | 'reason'> | undefined> {
  const store = await deps.directory.getLogicalStore(target);
  if (!store) return { code: 'no-such-store', reason: `there is no store ${target}` };
  if (store.servedBy !== deps.node)
    return {
      code: 'not-served-here',
      reason: `${target} is served by node ${store.servedBy}, not by ${deps.node}: ask ${store.servedBy}`,
    };
  const server = await deps.directory.getServer(deps.node);
  if (server && badNodeStates.has(server.state))
    return { code: 'target-down', reason: `the node of ${target} (${deps.node}) is marked ${server.state}` };
  return undefined;
}
