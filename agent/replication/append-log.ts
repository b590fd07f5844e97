/**
 * A file of JSON lines that only grows, with group commit: lines appended while a write is under
 * way go together in the next write and its one fdatasync. `append` resolves once its lines are
 * durable. Used by both journals of replication (change-journal.ts, replica-ledger.ts).
 */
import { type FileHandle, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fsyncDirectory, isMissing, pathExists, replaceFileAtomically } from '../common/durable-fs.js';

interface Waiting {
  text: string;
  resolve: () => void;
  reject: (error: Error) => void;
}

/** An append-only JSON-lines file. */
export class AppendLog {
  private handle: FileHandle | undefined;
  private waiting: Waiting[] = [];
  private writing = false;

  constructor(readonly path: string) {}

  /** Every whole line now in the file, parsed (a torn last line, cut by a crash, is left out). */
  async readLines(): Promise<unknown[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
    const lines: unknown[] = [];
    for (const line of text.split('\n')) {
      if (line === '') continue;
      try {
        lines.push(JSON.parse(line) as unknown);
      } catch {
        // Only the last line can be torn (appends are in order); it was never acknowledged.
      }
    }
    return lines;
  }

  /** Appends lines; resolves once they are on disk. */
  append(lines: readonly unknown[]): Promise<void> {
    const text = lines.map((line) => `${JSON.stringify(line)}\n`).join('');
    const done = new Promise<void>((resolve, reject) => this.waiting.push({ text, resolve, reject }));
    if (!this.writing) void this.writeWaiting();
    return done;
  }

  /** Replaces the whole file (compaction) once the appends under way are written. */
  async replace(lines: readonly unknown[]): Promise<void> {
    while (this.writing || this.waiting.length > 0) await new Promise((resolve) => setImmediate(resolve));
    this.writing = true;
    try {
      await this.handle?.close();
      this.handle = undefined;
      await replaceFileAtomically(this.path, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
    } finally {
      this.writing = false;
    }
    if (this.waiting.length > 0) void this.writeWaiting();
  }

  async close(): Promise<void> {
    while (this.writing) await new Promise((resolve) => setImmediate(resolve));
    await this.handle?.close();
    this.handle = undefined;
  }

  private async writeWaiting(): Promise<void> {
    this.writing = true;
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting;
        this.waiting = [];
        try {
          if (!this.handle) {
            const fresh = !(await pathExists(this.path));
            this.handle = await open(this.path, 'a', 0o600);
            if (fresh) await fsyncDirectory(dirname(this.path));
          }
          await this.handle.write(batch.map((w) => w.text).join(''));
          await this.handle.datasync();
          for (const w of batch) w.resolve();
        } catch (error) {
          const failure = error instanceof Error ? error : new Error(String(error));
          await this.handle?.close().catch(() => {});
          this.handle = undefined;
          for (const w of batch) w.reject(failure);
        }
      }
    } finally {
      this.writing = false;
    }
  }
}
