/**
 * The mark a copy's directory carries while it holds writes not yet made durable
 * (`mailfleet-unflushed`, with the boot they were written in; staging-maildir.ts says what `open`
 * does with it). A bulk copy writes its files and records without an fsync each and flushes the
 * file system once at the end of its round (file-system-flush.ts): the mark is written (durably)
 * before the first such write, and removed by the flush that made them all durable.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDirectory, isMissing, replaceFileAtomically } from '../../common/durable-fs.js';
import { currentBootId, flushFileSystem } from '../../common/file-system-flush.js';

const markFileName = 'mailfleet-unflushed';

/** The unflushed-writes mark of one copy's directory, and its flushes. */
export class UnflushedWrites {
  /** Unflushed writes begun so far (a flush clears the mark only if none began while it ran). */
  private begun = 0;
  /** The mark's steps, one at a time (a write never begins while the mark is being removed). */
  private markSteps: Promise<unknown> = Promise.resolve();
  /** A flush started ahead of the round's end (`flushAhead`), and whether it failed. */
  private flushingAhead: Promise<void> | undefined;
  private flushAheadFailure: unknown;

  /** `marked`: the mark is on disk already (left by an earlier run). */
  constructor(
    private readonly path: string,
    private marked = false,
  ) {}

  /** The boot the mark of the directory at `path` names, or undefined when there is none. */
  static async readMark(path: string): Promise<string | undefined> {
    try {
      // An empty or torn mark still says "unflushed", by a boot no one knows: checked.
      return (await readFile(join(path, markFileName), 'utf8')).trim();
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  /** Called before writes that will not be fsynced one by one: marks the directory unless it is. */
  begin(): Promise<void> {
    this.begun++;
    return this.inTurn(async () => {
      if (this.marked) return;
      await replaceFileAtomically(join(this.path, markFileName), `${await currentBootId()}\n`);
      this.marked = true;
    });
  }

  /**
   * Makes every write so far durable (one flush of the file system) and, when no unflushed write
   * began meanwhile, removes the mark. Call it once the writes begun are done.
   */
  async flush(): Promise<void> {
    if (!this.marked) return;
    const begun = this.begun;
    await this.flushingAhead;
    if (this.flushAheadFailure !== undefined) {
      // A write-back error is reported once: the flush that saw it fails the round.
      const failure = this.flushAheadFailure;
      this.flushAheadFailure = undefined;
      throw failure;
    }
    await flushFileSystem(this.path);
    await this.inTurn(async () => {
      if (!this.marked || begun !== this.begun) return;
      await rm(join(this.path, markFileName), { force: true });
      await fsyncDirectory(this.path);
      this.marked = false;
    });
  }

  /**
   * Starts a flush and does not wait for it (unless one is running): during a bulk round, so that
   * the disk writes what was written while the copy goes on, and the flush at the round's end
   * finds little left to write. Makes nothing durable by itself: only `flush` removes the mark.
   */
  flushAhead(): void {
    if (this.flushingAhead) return;
    this.flushingAhead = flushFileSystem(this.path)
      .catch((error: unknown) => {
        this.flushAheadFailure ??= error;
      })
      .finally(() => {
        this.flushingAhead = undefined;
      });
  }

  private inTurn(step: () => Promise<void>): Promise<void> {
    const run = this.markSteps.then(step);
    this.markSteps = run.catch(() => {});
    return run;
  }
}
