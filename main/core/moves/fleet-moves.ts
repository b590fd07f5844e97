/**
 * Mailbox moves as the console core sees them: which agent to ask (a move runs on the node serving
 * the target store; a job's id names its node), the store figures behind the suggestions and the
 * drain, and every node's jobs merged into one list. The CLI and the console call these; the
 * agents decide and enforce (docs/moves.md).
 */
import type { MethodParams, MethodResult } from '../../../agent/common/contract/methods.js';
import type { KeptMailboxCopy, MoveBatch, MoveJob } from '../../../agent/common/contract/move-contract.js';
import type { FleetDirectory } from '../../../agent/common/directory/fleet-directory.js';
import type { FleetClient } from '../fleet-client.js';
import { planDrain, type Rebalance, type StoreLoad } from './move-suggestions.js';

/** What these functions use of an open fleet. */
export interface MoveFleet {
  fleet: Pick<FleetClient, 'call' | 'nodeNames' | 'snapshot'>;
  directory: Pick<FleetDirectory, 'getLogicalStore' | 'listLogicalStores' | 'searchUsers'>;
}

/** The node serving a logical store, in words when there is none. */
export async function nodeOfStore(fleet: MoveFleet, store: string): Promise<string> {
  const entry = await fleet.directory.getLogicalStore(store);
  if (!entry) throw new Error(`there is no store ${store}`);
  return entry.servedBy;
}

/** The node that runs a job: its id is `mv-<node>-<time>-<random>`. */
export function nodeOfJob(job: string): string {
  const match = /^m[vb]-(.+)-[0-9a-z]+-[0-9a-f]{6}$/.exec(job);
  if (!match) throw new Error(`not a move job id: ${job}`);
  return match[1]!;
}

/**
 * How long a plan or a start may take to answer: the agent looks every user up and asks each
 * source for its figures (16 at a time), so a drain of a 1,150-user store takes far longer than the
 * console's 10 s for one call, and a start that timed out would leave the console not knowing
 * whether the batch began. 10 s, plus 100 ms a user (a 1,150-user drain: about two minutes).
 */
export function batchCallTimeoutMs(users: number): number {
  return 10_000 + 100 * users;
}

/** `move.plan` on the target's node. */
export async function planMove(
  fleet: MoveFleet,
  users: string[],
  to: string,
  speed: { concurrency?: number; bandwidthBytesPerSecond?: number } = {},
): Promise<MethodResult<'move.plan'>> {
  return fleet.fleet.call(
    await nodeOfStore(fleet, to),
    'move.plan',
    { users, to, ...speed },
    { timeoutMs: batchCallTimeoutMs(users.length) },
  );
}

/** `move.start` on the target's node. */
export async function startMove(
  fleet: MoveFleet,
  params: MethodParams<'move.start'>,
): Promise<MethodResult<'move.start'>> {
  return fleet.fleet.call(await nodeOfStore(fleet, params.to), 'move.start', params, {
    timeoutMs: batchCallTimeoutMs(params.users.length),
  });
}

/** A kept copy with the node that keeps it. */
export type KeptCopyOnNode = KeptMailboxCopy & { node: string };

/** Every store node's jobs (newest first), batches and kept copies; nodes that do not answer are named. */
export async function listMoves(
  fleet: MoveFleet,
  state: 'active' | 'finished' | 'all' = 'all',
): Promise<{ jobs: MoveJob[]; batches: MoveBatch[]; keptCopies: KeptCopyOnNode[]; unanswered: string[] }> {
  const stores = fleet.fleet
    .snapshot()
    .nodes.filter((n) => n.role === 'store' || n.role === 'spare')
    .map((n) => n.name);
  const answers = await Promise.allSettled(
    stores.map((node) => fleet.fleet.call(node, 'move.list', { state })),
  );
  const merged = {
    jobs: [] as MoveJob[],
    batches: [] as MoveBatch[],
    keptCopies: [] as KeptCopyOnNode[],
    unanswered: [] as string[],
  };
  answers.forEach((answer, i) => {
    if (answer.status === 'rejected') {
      merged.unanswered.push(stores[i]!);
      return;
    }
    merged.jobs.push(...answer.value.jobs);
    merged.batches.push(...answer.value.batches);
    merged.keptCopies.push(...answer.value.keptCopies.map((c) => ({ ...c, node: stores[i]! })));
  });
  merged.jobs.sort((a, b) => b.createdAt - a.createdAt);
  return merged;
}

/** One job and its history, from its node. */
export function showMove(fleet: MoveFleet, job: string): Promise<MethodResult<'move.show'>> {
  return fleet.fleet.call(nodeOfJob(job), 'move.show', { job });
}

/** Cancels a job (or a batch: `mb-...`) on its node. */
export function cancelMove(fleet: MoveFleet, id: string): Promise<MethodResult<'move.cancel'>> {
  return fleet.fleet.call(nodeOfJob(id), 'move.cancel', id.startsWith('mb-') ? { batch: id } : { job: id });
}

/** Moves the user of a finished job back (asked of the job's node). */
export function rollbackMove(fleet: MoveFleet, job: string): Promise<MethodResult<'move.rollback'>> {
  return fleet.fleet.call(nodeOfJob(job), 'move.rollback', { job });
}

/**
 * Each logical store's mailboxes and their sizes (mailbox.list on its node, every page), for the
 * suggestions and a drain. Users of the store without a mailbox yet count with 0 bytes.
 */
export async function storeLoads(fleet: MoveFleet): Promise<StoreLoad[]> {
  const loads: StoreLoad[] = [];
  for (const store of await fleet.directory.listLogicalStores()) {
    const sizes = new Map<string, number>();
    for (let offset = 0; ; ) {
      const page = await fleet.fleet.call(store.servedBy, 'mailbox.list', { offset, limit: 2000 });
      for (const mailbox of page.mailboxes) sizes.set(mailbox.user, mailbox.sizeBytes);
      offset += page.mailboxes.length;
      if (page.mailboxes.length === 0 || offset >= page.total) break;
    }
    const users = await fleet.directory.searchUsers({ mailHost: store.name });
    loads.push({
      store: store.name,
      mailboxes: users.map((u) => ({
        user: u.mail.toLowerCase(),
        bytes: sizes.get(u.mail.toLowerCase()) ?? 0,
      })),
    });
  }
  return loads;
}

/** What a drain of `store` would start: one batch per target store, and the spread. */
export async function planStoreDrain(
  fleet: MoveFleet,
  store: string,
  targets: string[] = [],
): Promise<Rebalance> {
  return planDrain(await storeLoads(fleet), store, targets);
}
