/**
 * The append-only journal of the embedded directory. A write is acknowledged only after its
 * record is fsynced; writes that arrive while an fsync is running are written and fsynced
 * together in the next batch (group commit). Each record is framed as
 * `[length u32][crc32 u32][payload]` so a record torn by a crash is recognised and ignored.
 */
import { type FileHandle, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { crc32 } from 'node:zlib';
import { fsyncDirectory } from './fsync-directory.js';

const headerBytes = 8;
/** Larger records than this are refused: no directory change is anywhere near it. */
const maxRecordBytes = 64 * 1024 * 1024;

interface PendingRecord {
  frame: Buffer;
  resolve: () => void;
  reject: (error: Error) => void;
}

/** An open journal file that records are appended to. */
export class JournalWriter {
  private pending: PendingRecord[] = [];
  private flushing: Promise<void> | undefined;
  private written = 0;
  private failure: Error | undefined;

  private constructor(
    private readonly file: FileHandle,
    readonly path: string,
  ) {}

  /** Creates (or appends to) a journal file and makes its directory entry durable. */
  static async open(path: string): Promise<JournalWriter> {
    const file = await open(path, 'a');
    await fsyncDirectory(dirname(path));
    const writer = new JournalWriter(file, path);
    writer.written = (await file.stat()).size;
    return writer;
  }

  /** Bytes in the file, including records not yet fsynced. */
  get size(): number {
    return this.written;
  }

  /** Appends a record; resolves once it is on disk (fsynced). */
  append(payload: Buffer): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (payload.length > maxRecordBytes) return Promise.reject(new Error('journal record too large'));
    const frame = Buffer.allocUnsafe(headerBytes + payload.length);
    frame.writeUInt32BE(payload.length, 0);
    frame.writeUInt32BE(crc32(payload), 4);
    payload.copy(frame, headerBytes);
    this.written += frame.length;
    const done = new Promise<void>((resolve, reject) => this.pending.push({ frame, resolve, reject }));
    if (!this.flushing) this.flushing = this.flush();
    return done;
  }

  /** Waits for every appended record, then closes the file. */
  async close(): Promise<void> {
    while (this.flushing) await this.flushing;
    await this.file.close();
  }

  private async flush(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batch = this.pending;
        this.pending = [];
        try {
          const buffer = Buffer.concat(batch.map((r) => r.frame));
          let offset = 0;
          while (offset < buffer.length) {
            const { bytesWritten } = await this.file.write(buffer, offset);
            offset += bytesWritten;
          }
          await this.file.datasync();
          for (const record of batch) record.resolve();
        } catch (error) {
          // After a failed write or fsync nothing after it can be trusted: fail everything from now on.
          this.failure = error instanceof Error ? error : new Error(String(error));
          for (const record of [...batch, ...this.pending]) record.reject(this.failure);
          this.pending = [];
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }
}

/** The records of a journal file, in order. A torn or corrupt record ends the file (`torn`). */
export async function readJournal(path: string): Promise<{ records: Buffer[]; torn: boolean }> {
  const data = await readFile(path);
  const records: Buffer[] = [];
  let offset = 0;
  while (offset < data.length) {
    if (data.length - offset < headerBytes) return { records, torn: true };
    const length = data.readUInt32BE(offset);
    const checksum = data.readUInt32BE(offset + 4);
    const end = offset + headerBytes + length;
    if (length > maxRecordBytes || end > data.length) return { records, torn: true };
    const payload = data.subarray(offset + headerBytes, end);
    if (crc32(payload) !== checksum) return { records, torn: true };
    records.push(payload);
    offset = end;
  }
  return { records, torn: false };
}
