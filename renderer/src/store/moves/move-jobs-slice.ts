/**
 * Every move job the console sees: the merged listing of all store nodes (`move.list`) and the
 * changes the nodes push (`move.progress`), kept newest first. A job pushed after a listing was
 * asked keeps its pushed state when that (older) listing arrives, so a progress bar never steps
 * back; a job the listing no longer has, and no push since, is dropped.
 */
import type { StateCreator } from 'zustand';
import type { FleetMoveListResult, MoveJob } from '../../../../main/console/console-contract';
import type { LoadStatus } from '../queues/load-state';
import type { ShownError } from '../shown-error';
import type { MovesStore } from './moves-store';

/** What the last cancel, rollback or purge did. */
export interface MoveActionOutcome {
  kind: 'cancel' | 'cancelBatch' | 'rollback' | 'purge';
  /** The user it was about (the target store for a batch). */
  subject: string;
  error?: ShownError;
}

export interface MoveJobsState {
  /** Newest first. */
  jobs: MoveJob[];
  keptCopies: FleetMoveListResult['keptCopies'];
  /** Nodes whose moves could not be listed. */
  failures: FleetMoveListResult['failures'];
  listStatus: LoadStatus;
  listError: ShownError | undefined;
  listedAt: number | undefined;
  /** The push serial at which each job last changed by a push. */
  pushedAt: Record<string, number>;
  pushSerial: number;
  lastAction: MoveActionOutcome | undefined;
}

export interface MoveJobsActions {
  /** A listing is asked for; returns the serial to give back with its answer. */
  askList(): number;
  receiveList(list: FleetMoveListResult, askedAt: number, at: number): void;
  failList(error: ShownError): void;
  /** A node pushed a job's change. */
  receiveProgress(job: MoveJob): void;
  /** Jobs a start answered with (before their first push). */
  receiveStarted(jobs: MoveJob[]): void;
  acted(outcome: MoveActionOutcome): void;
}

export const moveJobsInitialState: MoveJobsState = {
  jobs: [],
  keptCopies: [],
  failures: [],
  listStatus: 'idle',
  listError: undefined,
  listedAt: undefined,
  pushedAt: {},
  pushSerial: 0,
  lastAction: undefined,
};

const newestFirst = (a: MoveJob, b: MoveJob) => b.createdAt - a.createdAt || a.job.localeCompare(b.job);

/** `jobs` with `job` put in, replacing its older state. */
function upsert(jobs: readonly MoveJob[], job: MoveJob): MoveJob[] {
  const at = jobs.findIndex((j) => j.job === job.job);
  if (at >= 0) {
    const next = [...jobs];
    next[at] = job;
    return next;
  }
  return [...jobs, job].sort(newestFirst);
}

export const createMoveJobsSlice: StateCreator<MovesStore, [], [], MoveJobsState & MoveJobsActions> = (
  set,
  get,
) => ({
  ...moveJobsInitialState,
  askList: () => {
    set((s) => (s.listStatus === 'ready' ? {} : { listStatus: 'loading', listError: undefined }));
    return get().pushSerial;
  },
  receiveList: (list, askedAt, at) =>
    set((s) => {
      const pushedSince = (job: string) => (s.pushedAt[job] ?? -1) > askedAt;
      const listed = new Set(list.jobs.map((j) => j.job));
      const jobs = list.jobs.map((job) =>
        pushedSince(job.job) ? (s.jobs.find((j) => j.job === job.job) ?? job) : job,
      );
      // Pushed after the listing was asked, so not in it yet.
      for (const job of s.jobs) if (!listed.has(job.job) && pushedSince(job.job)) jobs.push(job);
      jobs.sort(newestFirst);
      return {
        jobs,
        keptCopies: list.keptCopies,
        failures: list.failures,
        listStatus: 'ready',
        listError: undefined,
        listedAt: at,
      };
    }),
  // A failed refresh keeps what was shown (with the error above it).
  failList: (error) =>
    set((s) => ({ listStatus: s.listStatus === 'ready' ? 'ready' : 'error', listError: error })),
  receiveProgress: (job) =>
    set((s) => {
      const pushSerial = s.pushSerial + 1;
      return { jobs: upsert(s.jobs, job), pushSerial, pushedAt: { ...s.pushedAt, [job.job]: pushSerial } };
    }),
  receiveStarted: (started) =>
    set((s) => {
      let jobs = s.jobs;
      const pushedAt = { ...s.pushedAt };
      let pushSerial = s.pushSerial;
      for (const job of started) {
        // A push may have come before the answer: it is newer.
        if (jobs.some((j) => j.job === job.job)) continue;
        jobs = upsert(jobs, job);
        pushedAt[job.job] = ++pushSerial;
      }
      return { jobs, pushedAt, pushSerial };
    }),
  acted: (outcome) => set({ lastAction: outcome }),
});

/** Whether a job changes no more. */
export function isFinished(job: Pick<MoveJob, 'phase'>): boolean {
  return job.phase === 'done' || job.phase === 'failed' || job.phase === 'cancelled';
}

/** The unfinished job moving `user`, if any (jobs newest first). */
export function activeJobOf(jobs: readonly MoveJob[], user: string): MoveJob | undefined {
  return jobs.find((job) => job.user === user && !isFinished(job));
}

/** Whether a later job moves this one's user back (and has not failed). */
export function isRolledBack(job: MoveJob, jobs: readonly MoveJob[]): boolean {
  return jobs.some((other) => other.rollbackOf === job.job && other.phase !== 'failed');
}

/**
 * Whether a finished move can still be rolled back: done, its old copy still kept, not rolled back
 * already, and not itself a move back (that would be the first move again: start it as one).
 */
export function canRollBack(job: MoveJob, jobs: readonly MoveJob[], now: number): boolean {
  if (job.phase !== 'done' || job.rollbackOf !== undefined) return false;
  if (job.sourceCopyKeptUntil === undefined || job.sourceCopyKeptUntil <= now) return false;
  return !isRolledBack(job, jobs);
}

/** Whether a job can still be cancelled (before its flip). */
export function canCancel(job: Pick<MoveJob, 'phase'>): boolean {
  return !isFinished(job) && job.phase !== 'finishing' && job.phase !== 'rolling-back';
}

/** A batch as the jobs the page holds say it is now (pushes keep them current between listings). */
export interface BatchProgress {
  batch: string;
  /** The node running it. */
  node: string;
  target: string;
  requestedBy: string;
  createdAt: number;
  jobs: number;
  waiting: number;
  running: number;
  done: number;
  failed: number;
}

/** The batches of `jobs` with moves still to run, oldest first. */
export function runningBatches(jobs: readonly MoveJob[]): BatchProgress[] {
  const batches = new Map<string, BatchProgress>();
  for (const job of jobs) {
    let batch = batches.get(job.batch);
    if (!batch) {
      batch = {
        batch: job.batch,
        node: job.node,
        target: job.target,
        requestedBy: job.requestedBy,
        createdAt: job.createdAt,
        jobs: 0,
        waiting: 0,
        running: 0,
        done: 0,
        failed: 0,
      };
      batches.set(job.batch, batch);
    }
    batch.jobs++;
    batch.createdAt = Math.min(batch.createdAt, job.createdAt);
    if (job.phase === 'waiting') batch.waiting++;
    else if (job.phase === 'done') batch.done++;
    else if (isFinished(job)) batch.failed++;
    else batch.running++;
  }
  return [...batches.values()]
    .filter((batch) => batch.waiting + batch.running > 0)
    .sort((a, b) => a.createdAt - b.createdAt);
}
