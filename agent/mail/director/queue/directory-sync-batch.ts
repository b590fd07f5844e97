/**
 * Group commit of directory fsyncs: renames that arrive while one fsync of the spool directory runs
 * all wait for the next one, so N concurrent messages cost two directory fsyncs, not N.
 */
import { fsyncDirectory } from '../../../common/durable-fs.js';

/** Coalesces fsyncs of one directory. */
export class DirectorySyncBatch {
  private running: Promise<void> | undefined;
  private next: Promise<void> | undefined;

  constructor(
    private readonly path: string,
    /** The fsync itself (tests count calls). */
    private readonly fsync: (path: string) => Promise<void> = fsyncDirectory,
  ) {}

  /** Resolves once an fsync that started after this call has finished. */
  sync(): Promise<void> {
    if (!this.running) {
      this.running = this.run();
      return this.running;
    }
    // A sync is already running and may have started before our rename: wait for the one after it.
    if (!this.next) {
      this.next = this.running.then(
        () => this.startNext(),
        () => this.startNext(),
      );
    }
    return this.next;
  }

  private startNext(): Promise<void> {
    this.next = undefined;
    this.running = this.run();
    return this.running;
  }

  private async run(): Promise<void> {
    try {
      await this.fsync(this.path);
    } finally {
      // Only clear when nothing chained a follow-up onto this run.
      if (!this.next) this.running = undefined;
    }
  }
}
