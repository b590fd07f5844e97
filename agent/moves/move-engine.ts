/**
 * The moves of one store node (MoveNode): as a target it plans, starts, lists, cancels and rolls
 * back move jobs (move-scheduler.ts runs them); as a source it serves its users' mailboxes, holds
 * them for cutovers and keeps their old copies (source-side.ts, sync/sync-source.ts). Built by the
 * `store-moves` lifecycle module on store and spare nodes.
 */
import type { Duplex } from 'node:stream';
import { rpcErrorCodes } from '../common/contract/json-rpc.js';
import {
  finishedMovePhases,
  type KeptMailboxCopy,
  type MoveBatch,
  type MoveEvent,
  type MoveJob,
  type MovePlan,
} from '../common/contract/move-contract.js';
import { MethodError } from '../control/method-handler.js';
import { type MoveContext, stagingPathOf } from './move-context.js';
import type { MoveBatchRecord, MoveJobRecord } from './move-journal.js';
import type { MoveNode, MoveRequest, MoveRequester, MoveSpeed } from './move-node.js';
import { type MovableUser, planMoves } from './move-planner.js';
import { contractJob, MoveScheduler, newMoveId } from './move-scheduler.js';
import type { SyncSource } from './sync/sync-source.js';

/** The moves of a store node. */
export class MoveEngine implements MoveNode {
  readonly scheduler: MoveScheduler;

  constructor(
    private readonly context: Omit<MoveContext, 'changed'>,
    private readonly syncSource: SyncSource,
    /** The store defaults of a batch a move back runs in. */
    private readonly defaults: { bandwidthBytesPerSecond: number },
  ) {
    this.scheduler = new MoveScheduler(context);
  }

  /** Reads the journal and the source's holds; unfinished jobs resume. */
  async open(): Promise<void> {
    await this.context.sourceSide.load();
    await this.scheduler.load();
  }

  /** Stops the running jobs where they are (they resume at the next open). */
  async close(): Promise<void> {
    await this.scheduler.stop();
  }

  /** The source's sweep (holds of moves that are over, purges): run at start and every minute. */
  async sweep(): Promise<void> {
    await this.context.sourceSide.sweep(this.context.tuning.keepDays);
  }

  plan(request: MoveRequest, requester: MoveRequester, speed: Partial<MoveSpeed> = {}): Promise<MovePlan> {
    return this.planFor(request, requester, {
      concurrency: speed.concurrency ?? 2,
      bandwidthBytesPerSecond: speed.bandwidthBytesPerSecond ?? this.defaults.bandwidthBytesPerSecond,
    }).then((p) => p.plan);
  }

  async start(
    request: MoveRequest & { concurrency: number; bandwidthBytesPerSecond: number },
    requester: MoveRequester,
  ): Promise<{ batch: MoveBatch; jobs: MoveJob[] }> {
    const { plan, movable } = await this.planFor(request, requester, request);
    if (plan.refusals.length > 0) {
      const words = plan.refusals.map((r) => r.reason);
      throw new MethodError(
        rpcErrorCodes.refused,
        `nothing was moved: ${words.slice(0, 5).join('; ')}${words.length > 5 ? `; and ${words.length - 5} more` : ''}`,
        { refusals: plan.refusals },
      );
    }
    const { batch, jobs } = this.newBatch(request.to, requester.id, request, movable);
    await this.scheduler.add(batch, jobs);
    return { batch: this.scheduler.batchSummary(batch), jobs: jobs.map(contractJob) };
  }

  async list(
    filter: { state: 'active' | 'finished' | 'all'; limit: number },
    requester: MoveRequester,
  ): Promise<{ jobs: MoveJob[]; batches: MoveBatch[]; keptCopies: KeptMailboxCopy[] }> {
    const jobs = [...this.scheduler.jobs.values()]
      .filter((j) => requester.sees(j.user))
      .filter(
        (j) => filter.state === 'all' || (filter.state === 'finished') === finishedMovePhases.has(j.phase),
      )
      .sort((a, b) => b.createdAt - a.createdAt)
      .slice(0, filter.limit);
    const batchIds = new Set(jobs.map((j) => j.batch));
    return {
      jobs: jobs.map(contractJob),
      batches: [...this.scheduler.batches.values()]
        .filter((b) => batchIds.has(b.batch))
        .map((b) => this.scheduler.batchSummary(b)),
      keptCopies: this.context.sourceSide.keptCopies().filter((c) => requester.sees(c.user)),
    };
  }

  async show(job: string, requester: MoveRequester): Promise<{ job: MoveJob; events: MoveEvent[] }> {
    const record = await this.jobOf(job, requester);
    return { job: contractJob(record), events: await this.context.journal.events(job) };
  }

  async cancel(which: { job: string } | { batch: string }, requester: MoveRequester): Promise<string[]> {
    const records: MoveJobRecord[] = [];
    if ('job' in which) {
      const record = await this.jobOf(which.job, requester);
      if (finishedMovePhases.has(record.phase))
        throw new MethodError(
          rpcErrorCodes.refused,
          record.phase === 'done'
            ? `job ${record.job} is done: ${record.user} is on ${record.target} (a rollback moves them back)`
            : `job ${record.job} is already over (${record.phase}): nothing to cancel`,
        );
      records.push(record);
    } else {
      const batch = this.scheduler.batches.get(which.batch);
      if (!batch)
        throw new MethodError(rpcErrorCodes.notFound, `no move batch ${which.batch} on ${this.context.node}`);
      for (const id of batch.jobs) {
        const record = this.scheduler.jobs.get(id);
        if (!record || finishedMovePhases.has(record.phase)) continue;
        await requester.mayTouch(record.user);
        records.push(record);
      }
    }
    const cancelled: string[] = [];
    for (const record of records) {
      if (record.phase === 'finishing') {
        if ('job' in which)
          throw new MethodError(
            rpcErrorCodes.refused,
            `job ${record.job} has flipped ${record.user} to ${record.target} already: it can only be rolled back once done`,
          );
        continue;
      }
      await this.scheduler.cancel(record);
      cancelled.push(record.job);
    }
    return cancelled;
  }

  async rollback(job: string, requester: MoveRequester): Promise<MoveJob> {
    const record = await this.jobOf(job, requester);
    if (record.phase !== 'done')
      throw new MethodError(
        rpcErrorCodes.refused,
        `job ${job} did not move ${record.user} (${record.phase}): nothing to roll back`,
      );
    if (record.rolledBackBy)
      throw new MethodError(
        rpcErrorCodes.refused,
        `job ${job} was rolled back already, by job ${record.rolledBackBy}`,
      );
    let reverse: MoveJob;
    try {
      reverse = (
        await this.context.links.call(record.sourceNode ?? '', 'sync.reverse', {
          job,
          requestedBy: requester.id,
        })
      ).job;
    } catch (error) {
      throw new MethodError(
        rpcErrorCodes.refused,
        `${record.source} cannot move ${record.user} back: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    record.rolledBackBy = reverse.job;
    await this.context.journal.saveJob(record);
    return reverse;
  }

  purge(user: string): Promise<{ purged: boolean; bytes: number }> {
    return this.context.sourceSide.purge(user);
  }

  onJobChange(listener: (job: MoveJob) => void): () => void {
    return this.scheduler.onJobChange(listener);
  }

  figures(user: string) {
    return this.context.sourceSide.figures(user);
  }

  holdForMove(job: string, user: string, peer: string) {
    return this.context.sourceSide.hold(job, user, peer);
  }

  releaseForMove(job: string, user: string, peer: string) {
    return this.context.sourceSide.release(job, user, peer);
  }

  finishForMove(job: string, user: string, peer: string, keepUntil: number) {
    return this.context.sourceSide.finish(job, user, peer, keepUntil);
  }

  /** A move back of a user moved away from here, from the old copy this node keeps. */
  async reverse(job: string, peer: string, requestedBy: string): Promise<MoveJob> {
    const { directory, node, sourceSide } = this.context;
    const kept = sourceSide.keptCopyOf(job);
    if (!kept)
      throw new MethodError(rpcErrorCodes.refused, `${node} keeps no old copy of move ${job} (purged?)`);
    const entry = await directory.findUserByAddress(kept.user);
    if (!entry) throw new MethodError(rpcErrorCodes.refused, `${kept.user} no longer exists`);
    if (entry.moveState)
      throw new MethodError(
        rpcErrorCodes.refused,
        `${kept.user} is being moved by job ${entry.moveState.job}`,
      );
    if (entry.mailHost !== kept.movedTo)
      throw new MethodError(
        rpcErrorCodes.refused,
        `${kept.user} is on ${entry.mailHost} now, not on ${kept.movedTo}`,
      );
    const stores = await directory.listLogicalStores();
    if (stores.find((s) => s.name === kept.movedTo)?.servedBy !== peer)
      throw new MethodError(rpcErrorCodes.refused, `${peer} does not serve ${kept.movedTo}`);
    const back = kept.movedFrom ?? stores.find((s) => s.servedBy === node)?.name;
    if (!back || stores.find((s) => s.name === back)?.servedBy !== node)
      throw new MethodError(rpcErrorCodes.refused, `${node} no longer serves the store ${kept.user} left`);
    const movable: MovableUser = {
      user: kept.user,
      source: kept.movedTo,
      sourceNode: peer,
      messages: kept.messages,
      bytes: kept.bytes,
    };
    const { batch, jobs } = this.newBatch(
      back,
      requestedBy,
      { concurrency: 1, ...this.defaults },
      [movable],
      job,
    );
    // The old copy is where the move back starts: only what changed since is copied.
    await sourceSide.takeKeptCopy(job, stagingPathOf(this.context.mailRoot, jobs[0]!.job));
    await this.scheduler.add(batch, jobs);
    return contractJob(jobs[0]!);
  }

  serveSyncChannel(stream: Duplex, peer: string): Promise<void> {
    return this.syncSource.serve(stream, peer);
  }

  private planFor(
    request: MoveRequest,
    requester: MoveRequester,
    batch: { concurrency: number; bandwidthBytesPerSecond: number },
  ) {
    return planMoves(
      {
        node: this.context.node,
        directory: this.context.directory,
        links: this.context.links,
        mailRoot: this.context.mailRoot,
        observedRate: () => this.scheduler.observedRate(),
      },
      request,
      requester,
      batch,
    );
  }

  private newBatch(
    target: string,
    requestedBy: string,
    limits: { concurrency: number; bandwidthBytesPerSecond: number },
    movable: MovableUser[],
    rollbackOf?: string,
  ): { batch: MoveBatchRecord; jobs: MoveJobRecord[] } {
    const now = this.context.now();
    const node = this.context.node;
    const batchId = newMoveId('mb', node, now);
    const jobs: MoveJobRecord[] = movable.map((m) => ({
      job: newMoveId('mv', node, now),
      batch: batchId,
      user: m.user,
      source: m.source,
      target,
      node,
      phase: 'waiting',
      requestedBy,
      createdAt: now,
      progress: {
        folders: 0,
        messagesTotal: m.messages,
        messagesCopied: 0,
        bytesTotal: m.bytes,
        bytesCopied: 0,
        rateBytesPerSecond: 0,
      },
      rounds: 0,
      result: rollbackOf
        ? `waiting to move ${m.user} back from ${m.source}`
        : 'waiting for its turn in the batch',
      sourceNode: m.sourceNode,
      ...(rollbackOf ? { rollbackOf } : {}),
    }));
    const batch: MoveBatchRecord = {
      batch: batchId,
      target,
      requestedBy,
      createdAt: now,
      concurrency: limits.concurrency,
      bandwidthBytesPerSecond: limits.bandwidthBytesPerSecond,
      jobs: jobs.map((j) => j.job),
    };
    return { batch, jobs };
  }

  private async jobOf(job: string, requester: MoveRequester): Promise<MoveJobRecord> {
    const record = this.scheduler.jobs.get(job);
    if (!record) throw new MethodError(rpcErrorCodes.notFound, `no move job ${job} on ${this.context.node}`);
    await requester.mayTouch(record.user);
    return record;
  }
}
