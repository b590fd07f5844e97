/**
 * The steps of a failover job (docs/failover.md), each written so it can run twice: a job killed
 * in the middle of one runs it again at its restart, and each step first looks at what is already
 * done (in the directory, on disk) before it acts.
 */
import type { FailoverStep } from '../common/contract/failover-contract.js';
import type { MethodName, MethodParams, MethodResult } from '../common/contract/methods.js';
import type { FleetDirectory } from '../common/directory/fleet-directory.js';
import type { JsonLogger } from '../common/json-logger.js';
import type { StoreReplication } from '../replication/store-replication.js';
import type { FailoverRecord } from './failover-journal.js';
import { installReplicaCopies, type PromotionStorage, usersWithCopies } from './replica-promotion.js';
import { switchHold, switchRelease, switchRepoint, switchShip } from './switchover-steps.js';

/** What the steps use; the node's parts are looked up at each use (a service may restart). */
export interface FailoverContext {
  node: string;
  directory: Pick<FleetDirectory, 'getLogicalStore' | 'changeStoreState' | 'listServers'>;
  mailRoot: string;
  /** Calls a method on a peer's agent; rejects after `timeoutMs`. */
  callPeer: <M extends MethodName>(
    node: string,
    method: M,
    params: MethodParams<M>,
    timeoutMs: number,
  ) => Promise<MethodResult<M>>;
  replication: () => StoreReplication | undefined;
  storage: () => PromotionStorage | undefined;
  /** Notes the recent INBOX messages of promoted users (redelivery-filter.ts); resolves once durable. */
  noteRedeliveries: (users: readonly string[]) => Promise<number>;
  /** Saves the job's record durably (the journal). */
  save: (job: FailoverRecord) => Promise<void>;
  /** Forgets this node's cached view of a store it now serves (proofs, store list). */
  forgetStore: (store: string) => void;
  /** Stops this node serving a store at an epoch, durably (a switch-over away from it). */
  fence: (store: string, epoch: number) => Promise<void>;
  /** The users whose mailHost is the store (the directory's). */
  storeUsers: (store: string) => Promise<string[]>;
  /** How long a store node's proof lasts: the wait for an old node that cannot be told. */
  leaseMs: number;
  logger: JsonLogger;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

/** A step's outcome: the next step and what happened, in words. */
interface Done {
  next: FailoverStep;
  text: string;
}

/** A refusal that no retry mends (the store changed hands meanwhile): the job fails with it. */
export class FailoverStopped extends Error {
  override readonly name = 'FailoverStopped';
}

/** Runs one step of a job; the caller journals the outcome. */
export function runStep(context: FailoverContext, job: FailoverRecord): Promise<Done> {
  switch (job.step) {
    case 'fence':
      return fence(context, job);
    case 'stop-old':
      return stopOld(context, job);
    case 'promote':
      return promote(context, job);
    case 'repoint':
      return repoint(context, job);
    case 'reroute':
      return reroute(context, job);
    case 'rebuild':
      return rebuild(context, job);
    case 'switch-hold':
      return switchHold(context, job);
    case 'switch-ship':
      return switchShip(context, job);
    case 'switch-repoint':
      return switchRepoint(context, job);
    case 'switch-release':
      return switchRelease(context, job);
    case 'done':
    case 'failed':
      throw new Error(`the job is ${job.step}`);
  }
}

/** The store's state `failed` with the epoch raised: the old node serves it no more. */
async function fence(context: FailoverContext, job: FailoverRecord): Promise<Done> {
  const entry = await context.directory.getLogicalStore(job.store);
  if (!entry) throw new FailoverStopped(`there is no logical store ${job.store}`);
  const fenced = job.fromEpoch + 1;
  const text = `fenced ${job.failedNode}: ${job.store} is failed at epoch ${fenced}, so ${job.failedNode} may serve it no more`;
  if (entry.epoch === fenced && entry.state === 'failed' && entry.servedBy === job.failedNode) {
    job.epoch = fenced;
    return { next: 'stop-old', text };
  }
  if (entry.epoch !== job.fromEpoch)
    throw new FailoverStopped(
      `${job.store} changed meanwhile (epoch ${entry.epoch}, not ${job.fromEpoch}): another failover or an administrator wrote it`,
    );
  if (entry.servedBy !== job.failedNode)
    throw new FailoverStopped(`${job.store} is served by ${entry.servedBy} now, not ${job.failedNode}`);
  await context.directory.changeStoreState(job.store, {
    fromEpoch: job.fromEpoch,
    epoch: fenced,
    state: 'failed',
  });
  job.epoch = fenced;
  return { next: 'stop-old', text };
}

/**
 * The old node told to stop. When it answers (it runs and stopped serving: no 250 after this), the
 * replica first copies what it still owes from it (the last flag and folder changes), so nothing is
 * left behind. When it cannot be told (dead, stopped, cut off), one lease is waited for from the
 * fence: by then it saw the fence or holds no proof. Then the replica takes no more of its stream.
 */
async function stopOld(context: FailoverContext, job: FailoverRecord): Promise<Done> {
  const replicas = context.replication()?.replicas;
  if (!replicas) throw new Error('the replica side of this node is not running');
  // The lease runs from the fence: an answer within it ends the wait early.
  const waitMs = context.leaseMs + 500;
  const started = context.now();
  let text: string;
  try {
    await context.callPeer(job.failedNode, 'failover.fence', { store: job.store, epoch: job.epoch }, waitMs);
    const owed = await replicas.settle(job.store, 15_000);
    text = `${job.failedNode} answered: it stopped serving ${job.store}; ${owed === 0 ? 'the replica copied what it still owed from it' : `${owed} mailbox(es) still owed changes from it after 15 s: the replica keeps what it has`}`;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    await context.sleep(Math.max(0, waitMs - (context.now() - started)));
    text = `${job.failedNode} could not be told to stop (${why}); waited ${(waitMs / 1000).toFixed(1)} s, longer than a store's proof lasts, so it cannot serve ${job.store} any more`;
  }
  await replicas.closeForPromotion(job.store);
  return { next: 'promote', text };
}

/** The replica's copies put in the store's place on this node. */
async function promote(context: FailoverContext, job: FailoverRecord): Promise<Done> {
  const replicas = context.replication()?.replicas;
  if (!replicas) throw new Error('the replica side of this node is not running');
  const copiesRoot = await replicas.closeForPromotion(job.store);
  // Listed in the journal before the first is installed: a restart in the middle knows them all.
  if (!job.promotedList) {
    job.promotedList = await usersWithCopies(copiesRoot);
    await context.save(job);
  }
  await installReplicaCopies({
    copiesRoot,
    mailRoot: context.mailRoot,
    job: job.job,
    storage: context.storage(),
  });
  const noted = await context.noteRedeliveries(job.promotedList);
  await replicas.forgetStore(job.store);
  job.promotedUsers = job.promotedList.length;
  return {
    next: 'repoint',
    text: `promoted the replica of ${job.store}: ${job.promotedUsers} mailboxes are in place on ${context.node} (${noted} recent deliveries noted, so the director's redeliveries are not stored twice)`,
  };
}

/** The store served by this node from now, its replica placed on the spare (or nowhere). */
async function repoint(context: FailoverContext, job: FailoverRecord): Promise<Done> {
  const entry = await context.directory.getLogicalStore(job.store);
  if (!entry) throw new FailoverStopped(`there is no logical store ${job.store}`);
  const next = job.epoch + 1;
  const replicaNode = job.spare ?? null;
  const landed = entry.epoch === next && entry.servedBy === context.node && entry.state === 'serving';
  if (!landed) {
    if (entry.epoch !== job.epoch)
      throw new FailoverStopped(
        `${job.store} changed meanwhile (epoch ${entry.epoch}, not ${job.epoch}): another failover or an administrator wrote it`,
      );
    await context.directory.changeStoreState(job.store, {
      fromEpoch: job.epoch,
      epoch: next,
      state: 'serving',
      servedBy: context.node,
      replicaNode,
    });
  }
  job.epoch = next;
  context.forgetStore(job.store);
  await context
    .replication()
    ?.refreshNow()
    .catch(() => undefined);
  return {
    next: 'reroute',
    text: `${job.store} is served by ${context.node} from epoch ${next}${job.spare ? `; its new replica is built on ${job.spare}` : ''}`,
  };
}

/** Every director drops its routes to the store and closes the proxied sessions to the old node. */
async function reroute(context: FailoverContext, job: FailoverRecord): Promise<Done> {
  const directors = (await context.directory.listServers()).filter((server) => server.role === 'director');
  const told: string[] = [];
  const missed: string[] = [];
  let closed = 0;
  // A director whose link is new may need a few seconds (its SSH handshake, its reading of this
  // node's key): five attempts over about 8 s before the job goes on without it.
  const waitsMs = [500, 1000, 2000, 4000];
  for (const director of directors) {
    let done = false;
    let lastError = '';
    for (let attempt = 0; attempt <= waitsMs.length && !done; attempt++) {
      try {
        const result = await context.callPeer(
          director.name,
          'failover.reroute',
          { store: job.store, from: job.failedNode },
          5000,
        );
        closed += result.closed;
        done = true;
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
        context.logger.warn('a director did not take the new route yet', {
          director: director.name,
          error: lastError,
        });
        const wait = waitsMs[attempt];
        if (wait !== undefined) await context.sleep(wait);
      }
    }
    if (done) told.push(director.name);
    else missed.push(`${director.name} (${lastError})`);
  }
  const missedText =
    missed.length === 0
      ? ''
      : `; ${missed.join(', ')} did not answer: it reads the store's entry again when its cached route expires or it restarts`;
  return {
    next: job.spare ? 'rebuild' : 'done',
    text: `re-routed ${told.length} director(s) to ${context.node}, ${closed} proxied session(s) to ${job.failedNode} closed${missedText}`,
  };
}

/**
 * Waits until the spare holds the store in step. Protected alone is not that: a resync owes the
 * replica every mailbox, and a small store counts as protected while it owes them (at most 64
 * users owed). Nothing owed is not it either: a store under steady mail always owes its replica
 * the last seconds (a user's deliveries wait 10 s for their indexes). So: protected with nothing
 * owed, or protected for longer than `inStepAfterMs` with nothing owed for longer than that: the
 * resync's mailboxes, owed since before, are copied.
 */
const inStepAfterMs = 15_000;

async function rebuild(context: FailoverContext, job: FailoverRecord): Promise<Done> {
  if (job.planned) await placeReplicaOnSpare(context, job);
  let protectedSince: number | undefined;
  for (;;) {
    const stream = context
      .replication()
      ?.status()
      .find((s) => s.store === job.store);
    const now = context.now();
    if (stream && stream.replicaNode === job.spare && stream.state === 'protected') {
      protectedSince ??= now;
      const settled = now - protectedSince > inStepAfterMs && stream.lagSeconds * 1000 < inStepAfterMs;
      if (stream.lagChanges === 0 || settled)
        return {
          next: 'switch-hold',
          text: `${job.spare} holds ${job.store} in step: the store is protected again; switching over to ${job.spare}`,
        };
    } else protectedSince = undefined;
    if (!stream)
      await context
        .replication()
        ?.refreshNow()
        .catch(() => undefined);
    await context.sleep(1000);
  }
}

/**
 * A planned switch-over whose store has its replica elsewhere places it on the spare first (one
 * compare-and-set; the store stays served by this node): the spare's empty ledger asks for a full
 * resync. The old replica is dropped from the placement, so the store is protected by the spare
 * only once it is in step (the rebuild waits for that).
 */
async function placeReplicaOnSpare(context: FailoverContext, job: FailoverRecord): Promise<void> {
  const entry = await context.directory.getLogicalStore(job.store);
  if (!entry) throw new FailoverStopped(`there is no logical store ${job.store}`);
  if (entry.servedBy !== context.node || entry.state !== 'serving')
    throw new FailoverStopped(
      `${job.store} is ${entry.state} on ${entry.servedBy} now, not served by ${context.node}`,
    );
  job.epoch = entry.epoch;
  if (entry.replicaNode === job.spare) return;
  await context.directory.changeStoreState(job.store, {
    fromEpoch: entry.epoch,
    epoch: entry.epoch + 1,
    state: 'serving',
    replicaNode: job.spare ?? null,
  });
  job.epoch = entry.epoch + 1;
  await context.save(job);
  context.forgetStore(job.store);
  await context
    .replication()
    ?.refreshNow()
    .catch(() => undefined);
}
