/**
 * The node's append-only audit log (`dataDir/audit.log`): one JSON line per audited call, written
 * and fsynced before the caller gets the answer, so an acknowledged change is always on record.
 * Params are recorded only as a digest: the log proves what was asked without holding secrets.
 */
import { createHash } from 'node:crypto';
import { type FileHandle, open } from 'node:fs/promises';
import { type AuditEntry, auditEntry } from '../common/contract/methods.js';

const tailChunkBytes = 64 * 1024;
// The most of the file one tail reads (about 50,000 entries).
const maxScanBytes = 16 * 1024 * 1024;

/** Appends to and reads back one audit log file. */
export class AuditLog {
  private handle: FileHandle | undefined;
  private writes: Promise<unknown> = Promise.resolve();

  constructor(readonly path: string) {}

  /** Opens (creating) the file for appending; mode 0600, it names admins and what they did. */
  async open(): Promise<void> {
    this.handle = await open(this.path, 'a', 0o600);
  }

  async close(): Promise<void> {
    await this.writes;
    await this.handle?.close();
    this.handle = undefined;
  }

  /** Appends one entry and fsyncs it. Appends are serialised so lines never interleave. */
  append(entry: AuditEntry): Promise<void> {
    const line = `${JSON.stringify(auditEntry.parse(entry))}\n`;
    const write = this.writes.then(async () => {
      if (!this.handle) throw new Error('audit log is not open');
      await this.handle.write(line);
      await this.handle.sync();
    });
    this.writes = write.catch(() => undefined);
    return write;
  }

  /**
   * The newest `limit` entries that `keep` accepts (every entry by default), oldest first, read
   * backwards from the end of the file until enough are found, the file's start, or
   * `maxScanBytes` read (a department admin's entries may be few among many: its tail is filled
   * from as far back as that, not from a fixed multiple of `limit`).
   */
  async tail(limit: number, keep: (entry: AuditEntry) => boolean = () => true): Promise<AuditEntry[]> {
    await this.writes;
    const file = await open(this.path, 'r');
    try {
      const { size } = await file.stat();
      let position = size;
      let rest = Buffer.alloc(0);
      const newestFirst: AuditEntry[] = [];
      while (position > 0 && newestFirst.length < limit && size - position < maxScanBytes) {
        const length = Math.min(tailChunkBytes, position);
        position -= length;
        const chunk = Buffer.alloc(length);
        await file.read(chunk, 0, length, position);
        const parts = Buffer.concat([chunk, rest]).toString('utf8').split('\n');
        // The first part may be the end of a line that starts in an earlier chunk.
        rest = position > 0 ? Buffer.from(parts.shift() ?? '', 'utf8') : Buffer.alloc(0);
        for (let i = parts.length - 1; i >= 0 && newestFirst.length < limit; i--) {
          const line = parts[i]!;
          if (line.trim() === '') continue;
          const parsed = auditEntry.safeParse(safeJson(line));
          if (parsed.success && keep(parsed.data)) newestFirst.push(parsed.data);
        }
      }
      return newestFirst.reverse();
    } finally {
      await file.close();
    }
  }
}

/** SHA-256 of the canonical JSON (sorted keys) of a call's params. */
export function paramsDigest(params: unknown): string {
  return createHash('sha256').update(canonicalJson(params)).digest('hex');
}

/**
 * JSON with object keys sorted at every level, so equal params give equal digests. A loop over an
 * explicit stack, not recursion: params nested 200,000 levels deep must not overflow the stack of
 * the process that is asked to record them.
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  // Work still to write, last first: a value to serialise, or punctuation already decided.
  const pending: Array<{ value: unknown } | string> = [{ value }];
  while (pending.length > 0) {
    const next = pending.pop() as { value: unknown } | string;
    if (typeof next === 'string') {
      out.push(next);
      continue;
    }
    const item = next.value;
    if (Array.isArray(item)) {
      out.push('[');
      pending.push(']');
      for (let i = item.length - 1; i >= 0; i--) {
        pending.push({ value: item[i] });
        if (i > 0) pending.push(',');
      }
    } else if (item !== null && typeof item === 'object') {
      const record = item as Record<string, unknown>;
      const keys = Object.keys(record)
        .sort()
        .filter((key) => record[key] !== undefined);
      out.push('{');
      pending.push('}');
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i] as string;
        pending.push({ value: record[key] });
        pending.push(`${JSON.stringify(key)}:`);
        if (i > 0) pending.push(',');
      }
    } else {
      out.push(JSON.stringify(item ?? null));
    }
  }
  return out.join('');
}

function safeJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
