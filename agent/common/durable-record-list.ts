/**
 * A small list of records kept in one JSON file of a data directory, replaced atomically at each
 * change (temp file, fsync, rename): what a director writes down about the holds it placed (a
 * move's cutover holds, a switch-over's holds), so a restart knows them. Changes run one at a
 * time, in call order.
 */
import type { z } from 'zod';
import { isMissing, readWholeFile, replaceFileAtomically } from './durable-fs.js';

/** The records of one file. */
export class DurableRecordList<T> {
  private records: T[] = [];
  /** One change of the file at a time, in call order. */
  private writing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly schema: z.ZodType<T[]>,
  ) {}

  /** Reads the records written before a restart (none when the file is missing). */
  async load(): Promise<void> {
    try {
      this.records = this.schema.parse(JSON.parse((await readWholeFile(this.file)).toString('utf8')));
    } catch (error) {
      if (!isMissing(error)) throw error;
      this.records = [];
    }
  }

  /** The records now. */
  list(): ReadonlyArray<Readonly<T>> {
    return this.records;
  }

  /** Replaces the records with what `change` returns and writes the file; resolves once durable. */
  change(change: (records: readonly T[]) => T[]): Promise<void> {
    const run = this.writing.then(async () => {
      this.records = change(this.records);
      await replaceFileAtomically(this.file, `${JSON.stringify(this.records)}\n`);
    });
    this.writing = run.catch(() => {});
    return run;
  }
}
