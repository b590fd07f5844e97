/**
 * The failover jobs' journal on the node that runs them (docs/failover.md): one file per job,
 * `<data dir>/failover/jobs/<job>.json`, replaced atomically with fsync before each step acts and
 * after it is done, so a job killed at any point resumes at its step (each step can run twice).
 */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { type FailoverJobView, failoverJobView } from '../common/contract/failover-contract.js';
import { replaceFileAtomically } from '../common/durable-fs.js';

/** What the journal keeps of a job: what the console sees, and the epoch it started from. */
export const failoverRecord = failoverJobView.extend({
  /** The store's epoch when the job started: the fence is written from it. */
  fromEpoch: z.number().int().nonnegative(),
  /** The users whose copies the promotion installs (listed before the first is installed). */
  promotedList: z.array(z.string()).optional(),
  /** When the switch-over began to hold the store (ms since the epoch): its pause runs from here. */
  switchStartedAt: z.number().optional(),
  /** Set at a restart that found the job before its switch-over's repoint: it is rolled back first. */
  resumeRollback: z.boolean().optional(),
});
export type FailoverRecord = z.infer<typeof failoverRecord>;

/** History lines kept per job (the oldest are dropped). */
const maxHistory = 60;

/** The journal directory of one node. */
export class FailoverJournal {
  private readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'failover', 'jobs');
  }

  /** Every job on disk; a file that does not parse is reported, not dropped. */
  async load(onBad: (file: string, error: string) => void): Promise<FailoverRecord[]> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const records: FailoverRecord[] = [];
    for (const file of await readdir(this.dir)) {
      if (!file.endsWith('.json')) continue;
      try {
        records.push(failoverRecord.parse(JSON.parse(await readFile(join(this.dir, file), 'utf8'))));
      } catch (error) {
        onBad(file, (error as Error).message);
      }
    }
    return records.sort((a, b) => a.startedAt - b.startedAt);
  }

  /** Writes a job durably. */
  async save(record: FailoverRecord): Promise<void> {
    if (record.history.length > maxHistory) record.history.splice(0, record.history.length - maxHistory);
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await replaceFileAtomically(join(this.dir, `${record.job}.json`), `${JSON.stringify(record)}\n`);
  }
}

/** The console's view of a record (the journal's own fields left out). */
export function viewOf(record: FailoverRecord): FailoverJobView {
  const {
    fromEpoch: _fromEpoch,
    promotedList: _promotedList,
    switchStartedAt: _switchStartedAt,
    resumeRollback: _resumeRollback,
    ...view
  } = record;
  return view;
}
