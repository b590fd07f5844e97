/**
 * The journal of the moves a node runs, in its data directory (`<dataDir>/moves/`): one JSON file
 * per job and per batch, replaced atomically (temp file, fsync, rename, fsync directory) at every
 * step that matters for a restart, and a history of each job (`<job>.events`, JSON lines). After a
 * kill -9 at any point the agent reads the journal back and every unfinished job resumes from its
 * last recorded step (move-runner.ts says how each step recovers).
 */
import { appendFile, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { moveBatch, moveEvent, moveJob } from '../common/contract/move-contract.js';
import { isMissing, replaceFileAtomically } from '../common/durable-fs.js';

/** A job as journaled: what the contract shows, and what a restart needs besides. */
export const moveJobRecord = moveJob.extend({
  /** The node that served the source store when the move started. */
  sourceNode: z.string().optional(),
  /** Set while the cutover runs: when the holds began, and whether the copy was being installed. */
  cutover: z.object({ startedAt: z.number(), step: z.enum(['holding', 'committing']) }).optional(),
  /** An administrator asked to cancel: the job rolls back at its next step. */
  cancelRequested: z.boolean().optional(),
  /** How the rollback in progress ends: `failed` (an error) or `cancelled`. */
  rollbackTo: z.enum(['failed', 'cancelled']).optional(),
  /** The job that moved the user back after this one was done. */
  rolledBackBy: z.string().optional(),
});
export type MoveJobRecord = z.infer<typeof moveJobRecord>;

/** A batch as journaled (the counts are computed from its jobs). */
export const moveBatchRecord = moveBatch
  .pick({
    batch: true,
    target: true,
    requestedBy: true,
    createdAt: true,
    concurrency: true,
    bandwidthBytesPerSecond: true,
  })
  .extend({
    /** Its jobs, in the order given: they start in this order. */
    jobs: z.array(z.string()),
  });
export type MoveBatchRecord = z.infer<typeof moveBatchRecord>;

/** The journal directory of one node. */
export class MoveJournal {
  private readonly jobsDir: string;
  private readonly batchesDir: string;

  constructor(dataDir: string) {
    this.jobsDir = join(dataDir, 'moves', 'jobs');
    this.batchesDir = join(dataDir, 'moves', 'batches');
  }

  /** Every job and batch recorded (unreadable files are reported, not fatal). */
  async load(onBadFile: (file: string, error: string) => void): Promise<{
    jobs: MoveJobRecord[];
    batches: MoveBatchRecord[];
  }> {
    await mkdir(this.jobsDir, { recursive: true, mode: 0o700 });
    await mkdir(this.batchesDir, { recursive: true, mode: 0o700 });
    const read = async <T>(dir: string, schema: z.ZodType<T>): Promise<T[]> => {
      const found: T[] = [];
      for (const file of await readdir(dir)) {
        if (!file.endsWith('.json')) continue;
        try {
          found.push(schema.parse(JSON.parse(await readFile(join(dir, file), 'utf8'))));
        } catch (error) {
          onBadFile(join(dir, file), error instanceof Error ? error.message : String(error));
        }
      }
      return found;
    };
    return {
      jobs: await read(this.jobsDir, moveJobRecord),
      batches: await read(this.batchesDir, moveBatchRecord),
    };
  }

  /** Records a job durably. */
  saveJob(job: MoveJobRecord): Promise<void> {
    return replaceFileAtomically(join(this.jobsDir, `${job.job}.json`), `${JSON.stringify(job)}\n`);
  }

  /** Records a batch durably. */
  saveBatch(batch: MoveBatchRecord): Promise<void> {
    return replaceFileAtomically(join(this.batchesDir, `${batch.batch}.json`), `${JSON.stringify(batch)}\n`);
  }

  /** Adds a line to a job's history (not fsynced: the job file is what a restart relies on). */
  async addEvent(job: string, event: z.infer<typeof moveEvent>): Promise<void> {
    await appendFile(join(this.jobsDir, `${job}.events`), `${JSON.stringify(event)}\n`, { mode: 0o600 });
  }

  /** A job's history, oldest first (lines that do not parse are skipped). */
  async events(job: string): Promise<Array<z.infer<typeof moveEvent>>> {
    let text = '';
    try {
      text = await readFile(join(this.jobsDir, `${job}.events`), 'utf8');
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
    const events = [];
    for (const line of text.split('\n')) {
      if (line === '') continue;
      try {
        events.push(moveEvent.parse(JSON.parse(line)));
      } catch {
        // A line cut short by a crash.
      }
    }
    return events;
  }

  /** Forgets an old finished job. */
  async removeJob(job: string): Promise<void> {
    await rm(join(this.jobsDir, `${job}.json`), { force: true });
    await rm(join(this.jobsDir, `${job}.events`), { force: true });
  }

  /** Forgets a batch whose jobs are all forgotten. */
  async removeBatch(batch: string): Promise<void> {
    await rm(join(this.batchesDir, `${batch}.json`), { force: true });
  }
}
