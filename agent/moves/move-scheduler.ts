/**
 * The jobs and batches of one node, and which of them run: each batch runs its jobs in the order
 * given, at most `concurrency` at once, all sharing the batch's bandwidth limit. Jobs found
 * unfinished in the journal at start run again at once (they resume from their last step).
 * Changes of jobs reach the progress stream at most once a second per job (phase changes at once).
 */
import { randomBytes } from 'node:crypto';
import { finishedMovePhases, type MoveBatch, type MoveJob } from '../common/contract/move-contract.js';
import { mapInParallel } from './in-parallel.js';
import type { MoveContext } from './move-context.js';
import type { MoveBatchRecord, MoveJobRecord } from './move-journal.js';
import { MoveRunner } from './move-runner.js';
import { BandwidthLimit } from './sync/bandwidth-limit.js';

// Finished jobs are forgotten after this long, or beyond this many (the oldest first).
const keepFinishedMs = 30 * 86_400_000;
const keepFinishedJobs = 5000;
const progressIntervalMs = 1000;
// Job files written at once when a batch is added: their fsyncs overlap.
const journalWritesAtOnce = 16;

/** A new id: `mv-<node>-<time>-<random>` or `mb-...`. */
export function newMoveId(kind: 'mv' | 'mb', node: string, now: number): string {
  return `${kind}-${node}-${now.toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** What a job shows on the wire (the journal's own fields left out). */
export function contractJob(record: MoveJobRecord): MoveJob {
  const {
    sourceNode: _s,
    cutover: _c,
    cancelRequested: _r,
    rollbackTo: _t,
    rolledBackBy: _b,
    ...job
  } = record;
  return { ...job, progress: { ...job.progress } };
}

/** Jobs, batches and runners of one node. */
export class MoveScheduler {
  readonly jobs = new Map<string, MoveJobRecord>();
  readonly batches = new Map<string, MoveBatchRecord>();
  private readonly runners = new Map<
    string,
    { runner: MoveRunner; cancel: AbortController; done: Promise<void> }
  >();
  private readonly limits = new Map<string, BandwidthLimit>();
  private readonly listeners = new Set<(job: MoveJob) => void>();
  private readonly lastSent = new Map<string, { at: number; phase: string; timer?: NodeJS.Timeout }>();
  private readonly stopping = new AbortController();

  constructor(private readonly context: Omit<MoveContext, 'changed'>) {}

  /** The context jobs run with (their changes come back here). */
  get jobContext(): MoveContext {
    return { ...this.context, changed: (job) => this.changed(job) };
  }

  /** Reads the journal; unfinished jobs start again. */
  async load(): Promise<void> {
    const { jobs, batches } = await this.context.journal.load((file, error) =>
      this.context.logger.error('unreadable move journal file left aside', { file, error }),
    );
    for (const batch of batches) this.batches.set(batch.batch, batch);
    for (const job of jobs) this.jobs.set(job.job, job);
    await this.prune();
    this.pump();
  }

  /** Adds a batch of new jobs (journaled first) and starts what its concurrency allows. */
  async add(batch: MoveBatchRecord, jobs: MoveJobRecord[]): Promise<void> {
    await mapInParallel(jobs, journalWritesAtOnce, (job) => this.context.journal.saveJob(job));
    await this.context.journal.saveBatch(batch);
    this.batches.set(batch.batch, batch);
    for (const job of jobs) this.jobs.set(job.job, job);
    for (const job of jobs) this.changed(job);
    this.pump();
  }

  /** Asks a job to stop and roll back (a waiting job ends at once). */
  async cancel(record: MoveJobRecord): Promise<void> {
    record.cancelRequested = true;
    const running = this.runners.get(record.job);
    if (running) {
      await this.context.journal.saveJob(record);
      running.cancel.abort();
      return;
    }
    record.phase = 'cancelled';
    record.finishedAt = this.context.now();
    record.result = `cancelled before it started: ${record.user} stays on ${record.source}`;
    await this.context.journal.saveJob(record);
    this.changed(record);
    this.pump();
  }

  /** A batch with its jobs counted. */
  batchSummary(batch: MoveBatchRecord): MoveBatch {
    const phases = batch.jobs.map((id) => this.jobs.get(id)?.phase);
    const count = (test: (phase: string | undefined) => boolean) => phases.filter(test).length;
    return {
      batch: batch.batch,
      target: batch.target,
      requestedBy: batch.requestedBy,
      createdAt: batch.createdAt,
      concurrency: batch.concurrency,
      bandwidthBytesPerSecond: batch.bandwidthBytesPerSecond,
      jobs: batch.jobs.length,
      waiting: count((p) => p === 'waiting'),
      running: count((p) => p !== undefined && p !== 'waiting' && !finishedMovePhases.has(p as never)),
      done: count((p) => p === 'done'),
      failed: count((p) => p === 'failed'),
      cancelled: count((p) => p === 'cancelled'),
    };
  }

  /** Bytes per second of recent finished moves (for estimates), if any. */
  observedRate(): number | undefined {
    const recent = [...this.jobs.values()]
      .filter(
        (j) => j.phase === 'done' && j.startedAt && j.finishedAt && (j.verified?.bytes ?? 0) > 1_000_000,
      )
      .sort((a, b) => (b.finishedAt ?? 0) - (a.finishedAt ?? 0))
      .slice(0, 20);
    if (recent.length === 0) return undefined;
    const bytes = recent.reduce((sum, j) => sum + (j.verified?.bytes ?? 0), 0);
    const seconds = recent.reduce((sum, j) => sum + ((j.finishedAt ?? 0) - (j.startedAt ?? 0)) / 1000, 0);
    return seconds > 0 ? bytes / seconds : undefined;
  }

  onJobChange(listener: (job: MoveJob) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops every runner, leaving each job as journaled (it resumes at the next start). */
  async stop(): Promise<void> {
    this.stopping.abort();
    for (const sent of this.lastSent.values()) clearTimeout(sent.timer);
    await Promise.allSettled([...this.runners.values()].map((r) => r.done));
  }

  /** Starts what each batch's concurrency allows, in each batch's order. */
  pump(): void {
    if (this.stopping.signal.aborted) return;
    for (const job of this.jobs.values()) {
      // Jobs past `waiting` (resumed after a restart) run whatever the batch's count.
      if (job.phase !== 'waiting' && !finishedMovePhases.has(job.phase) && !this.runners.has(job.job))
        this.run(job);
    }
    for (const batch of this.batches.values()) {
      let running = batch.jobs.filter((id) => this.runners.has(id)).length;
      for (const id of batch.jobs) {
        if (running >= batch.concurrency) break;
        const job = this.jobs.get(id);
        if (job?.phase !== 'waiting' || this.runners.has(id)) continue;
        this.run(job);
        running++;
      }
    }
  }

  private run(job: MoveJobRecord): void {
    const cancel = new AbortController();
    if (job.cancelRequested) cancel.abort();
    const runner = new MoveRunner(
      this.jobContext,
      job,
      this.limitOf(job.batch),
      this.stopping.signal,
      cancel.signal,
    );
    const done = runner
      .run()
      .catch((error: unknown) =>
        this.context.logger.error('move job stopped on an error', { job: job.job, error: String(error) }),
      )
      .finally(() => {
        this.runners.delete(job.job);
        this.pump();
      });
    this.runners.set(job.job, { runner, cancel, done });
  }

  private limitOf(batchId: string): BandwidthLimit {
    let limit = this.limits.get(batchId);
    if (!limit) {
      limit = new BandwidthLimit(this.batches.get(batchId)?.bandwidthBytesPerSecond ?? 0);
      this.limits.set(batchId, limit);
    }
    return limit;
  }

  private changed(record: MoveJobRecord): void {
    const now = this.context.now();
    const last = this.lastSent.get(record.job);
    const send = () => {
      const sent = this.lastSent.get(record.job);
      if (sent?.timer) clearTimeout(sent.timer);
      this.lastSent.set(record.job, { at: this.context.now(), phase: record.phase });
      const job = contractJob(record);
      for (const listener of this.listeners) listener(job);
    };
    if (!last || last.phase !== record.phase || now - last.at >= progressIntervalMs) {
      send();
      return;
    }
    // Progress within the second: one trailing update, so the last figures always arrive.
    last.timer ??= setTimeout(send, progressIntervalMs - (now - last.at));
  }

  /** Forgets finished jobs past their time (and batches left without jobs). */
  private async prune(): Promise<void> {
    const now = this.context.now();
    const finished = [...this.jobs.values()]
      .filter((j) => finishedMovePhases.has(j.phase))
      .sort((a, b) => (b.finishedAt ?? b.createdAt) - (a.finishedAt ?? a.createdAt));
    for (const [index, job] of finished.entries()) {
      if (index < keepFinishedJobs && now - (job.finishedAt ?? job.createdAt) < keepFinishedMs) continue;
      this.jobs.delete(job.job);
      await this.context.journal.removeJob(job.job);
    }
    for (const batch of [...this.batches.values()]) {
      if (batch.jobs.some((id) => this.jobs.has(id))) continue;
      this.batches.delete(batch.batch);
      await this.context.journal.removeBatch(batch.batch);
    }
  }
}
