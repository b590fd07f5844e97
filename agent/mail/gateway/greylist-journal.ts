/**
 * Greylist state on disk: `greylist.snapshot` (every live record, one JSON line each) plus
 * `greylist.log` (records appended since). Appends are buffered and written every `flushMs` and at
 * close: a crash loses at most that much greylist state, which only means a sender is greylisted
 * once more. Compaction writes the snapshot to a temporary file, fsyncs it, renames it over the old
 * one, fsyncs the directory, then empties the log; a crash at any point leaves a snapshot and a log
 * whose replay (last record wins) gives the same state.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import {
  applyGreylistRecord,
  emptyGreylistMaps,
  type GreylistMaps,
  type GreylistRecord,
  greylistRecordSchema,
  greylistRecords,
} from './greylist-state.js';

/** Where and how often the journal writes. */
export interface GreylistJournalOptions {
  dir: string;
  /** Buffered records are written at least this often (default 200 ms). */
  flushMs?: number;
}

function readLines(path: string): string[] {
  try {
    return readFileSync(path, 'utf8').split('\n');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

function fsyncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The greylist's files. `open()` returns the maps they hold; `append()` records changes. */
export class GreylistJournal {
  private logFd: number | null = null;
  private buffer: string[] = [];
  private timer: NodeJS.Timeout | null = null;
  private logRecords = 0;

  constructor(private readonly options: GreylistJournalOptions) {}

  private get snapshotPath(): string {
    return join(this.options.dir, 'greylist.snapshot');
  }

  private get logPath(): string {
    return join(this.options.dir, 'greylist.log');
  }

  /** Records written to the log since the last compaction (the greylist compacts when this grows). */
  get recordsSinceCompaction(): number {
    return this.logRecords + this.buffer.length;
  }

  /** Reads snapshot and log, compacts them into a fresh snapshot, and opens the log for appends. */
  open(): GreylistMaps {
    mkdirSync(this.options.dir, { recursive: true, mode: 0o700 });
    const maps = emptyGreylistMaps();
    for (const [index, line] of readLines(this.snapshotPath).entries()) {
      if (line === '') continue;
      const parsed = greylistRecordSchema.safeParse(JSON.parse(line));
      // The snapshot is only ever renamed into place complete, so a bad line is real damage.
      if (!parsed.success) throw new Error(`greylist snapshot line ${index + 1} is not a greylist record`);
      applyGreylistRecord(maps, parsed.data);
    }
    for (const line of readLines(this.logPath)) {
      if (line === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        break; // a line torn by a crash ends the replay: nothing after it was complete either
      }
      const parsed = greylistRecordSchema.safeParse(value);
      if (!parsed.success) break;
      applyGreylistRecord(maps, parsed.data);
    }
    this.compact(maps);
    const flushMs = this.options.flushMs ?? 200;
    this.timer = setInterval(() => this.flush(), flushMs);
    this.timer.unref();
    return maps;
  }

  /** Queues one record for the log. */
  append(record: GreylistRecord): void {
    this.buffer.push(JSON.stringify(record));
    // Bound the buffer under a burst: write now rather than hold megabytes.
    if (this.buffer.length >= 4096) this.flush();
  }

  /** Writes buffered records to the log (no fsync: see the file comment). */
  flush(): void {
    if (this.buffer.length === 0 || this.logFd === null) return;
    const text = `${this.buffer.join('\n')}\n`;
    this.logRecords += this.buffer.length;
    this.buffer = [];
    writeSync(this.logFd, text);
  }

  /** Replaces the snapshot with these maps and starts an empty log. */
  compact(maps: GreylistMaps): void {
    const temporary = `${this.snapshotPath}.tmp`;
    const fd = openSync(temporary, 'w', 0o600);
    try {
      let chunk: string[] = [];
      for (const record of greylistRecords(maps)) {
        chunk.push(JSON.stringify(record));
        if (chunk.length >= 4096) {
          writeSync(fd, `${chunk.join('\n')}\n`);
          chunk = [];
        }
      }
      if (chunk.length > 0) writeSync(fd, `${chunk.join('\n')}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, this.snapshotPath);
    fsyncDirectory(this.options.dir);
    // Records buffered before the compaction are already in the maps, hence in the snapshot.
    this.buffer = [];
    if (this.logFd !== null) closeSync(this.logFd);
    this.logFd = openSync(this.logPath, 'w', 0o600);
    this.logRecords = 0;
  }

  /** Writes what is buffered, fsyncs the log and closes the files. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.flush();
    if (this.logFd !== null) {
      fsyncSync(this.logFd);
      closeSync(this.logFd);
      this.logFd = null;
    }
  }
}
