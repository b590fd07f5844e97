/**
 * The primary's journal of one logical store's changes (docs/replication.md): every change gets
 * the next sequence number and is written down durably (group commit, fdatasync) before it is
 * sent, so a replica that was away catches up from its last sequence. The journal has an id,
 * made when it is created: a replica holding another id (a journal lost with a disk) starts over
 * with a full resync. It keeps the records the replica has not acknowledged, at most
 * `maxRecords`: beyond, the oldest are dropped and the replica needs a full resync when it returns.
 *
 * File: `<data dir>/replication/journal/<store>.log`, JSON lines: `{"journal": id, "base": n}`
 * first (the last sequence before the first record), then `{"seq", "user", "folder"}` records.
 */
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { AppendLog } from './append-log.js';

/** One change as journaled. */
export interface JournalRecord {
  seq: number;
  user: string;
  folder: string;
  /** The delivered messages, kept only until sent (in memory, never on disk). */
  delivery?: { uidValidity: number; messages: Array<[number, string[], number, number]>; body: Buffer };
}

const header = z.object({ journal: z.string(), base: z.number().int().nonnegative() });
const record = z.object({ seq: z.number().int().min(1), user: z.string(), folder: z.string() });

/** Acknowledged records kept before the file is compacted. */
const compactAfter = 4096;

/** One store's change journal. */
export class ChangeJournal {
  /** Records after `base`, in order. */
  private records: JournalRecord[] = [];
  /** The last sequence whose record is on disk (records are sent only once durable). */
  durable: number;
  private compactedThrough: number;

  private constructor(
    private readonly log: AppendLog,
    readonly id: string,
    /** The sequence before the first record kept. */
    private base: number,
    private readonly maxRecords: number,
  ) {
    this.compactedThrough = base;
    this.durable = base;
  }

  /** Opens (or creates) the journal of `store` under `dataDir`. */
  static async open(dataDir: string, store: string, maxRecords: number): Promise<ChangeJournal> {
    const dir = join(dataDir, 'replication', 'journal');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const log = new AppendLog(join(dir, `${store}.log`));
    const lines = await log.readLines();
    const first = header.safeParse(lines[0]);
    if (!first.success) {
      const journal = new ChangeJournal(log, randomBytes(16).toString('hex'), 0, maxRecords);
      await log.replace([{ journal: journal.id, base: 0 }]);
      return journal;
    }
    const journal = new ChangeJournal(log, first.data.journal, first.data.base, maxRecords);
    for (const line of lines.slice(1)) {
      const parsed = record.safeParse(line);
      if (parsed.success && parsed.data.seq > journal.head) journal.records.push(parsed.data);
    }
    journal.durable = journal.head;
    return journal;
  }

  /** The last sequence number given. */
  get head(): number {
    return this.records.length > 0 ? this.records[this.records.length - 1]!.seq : this.base;
  }

  /** The first sequence number still journaled (records before it were dropped or compacted). */
  get firstKept(): number {
    return this.base + 1;
  }

  /** Journals a change; resolves with its record once durable. */
  async add(change: Omit<JournalRecord, 'seq'>): Promise<JournalRecord> {
    const entry: JournalRecord = { ...change, seq: this.head + 1 };
    this.records.push(entry);
    if (this.records.length > this.maxRecords) {
      // The replica is away too long: the oldest go, and it will need a full resync.
      const dropped = this.records.splice(0, this.records.length - this.maxRecords);
      this.base = dropped[dropped.length - 1]!.seq;
    }
    await this.log.append([{ seq: entry.seq, user: entry.user, folder: entry.folder }]);
    // Group commit writes lines in order: every record up to this one is on disk too.
    this.durable = Math.max(this.durable, entry.seq);
    if (this.base - this.compactedThrough >= compactAfter) await this.compact();
    return entry;
  }

  /** The records after `seq` (for a replica catching up); undefined when some were dropped. */
  after(seq: number): JournalRecord[] | undefined {
    if (seq < this.base) return undefined;
    const at = this.records.findIndex((r) => r.seq > seq);
    return at < 0 ? [] : this.records.slice(at);
  }

  /**
   * Starts the sequence again after `seq` with no records kept (the replica holds more than this
   * journal knows, or it needs a full resync): the next record gets `seq + 1`.
   */
  async rebase(seq: number): Promise<void> {
    this.records = [];
    this.base = Math.max(this.base, seq);
    this.durable = this.base;
    await this.compact();
  }

  /** The replica holds everything through `seq`: those records may go. */
  async acknowledged(seq: number): Promise<void> {
    let drop = 0;
    while (drop < this.records.length && this.records[drop]!.seq <= seq) drop++;
    if (drop === 0) return;
    for (let i = 0; i < drop; i++) delete this.records[i]!.delivery;
    if (seq - this.compactedThrough < compactAfter) return;
    this.records = this.records.slice(drop);
    this.base = seq;
    await this.compact();
  }

  /** Rewrites the file with the records kept. */
  private async compact(): Promise<void> {
    this.compactedThrough = this.base;
    await this.log.replace([
      { journal: this.id, base: this.base },
      ...this.records.map((r) => ({ seq: r.seq, user: r.user, folder: r.folder })),
    ]);
  }

  close(): Promise<void> {
    return this.log.close();
  }
}
