/**
 * The replica's journal of one logical store (docs/replication.md): which primary journal it
 * follows, the last sequence it holds, and the users whose changes it acknowledged but has not
 * yet copied in. A line is written (fdatasync) before the replica acknowledges a change, so after
 * a crash it knows what it owes; a user's line `done` is written after the user's copy caught up.
 *
 * File: `<data dir>/replication/replicas/<store>.log`, JSON lines: `{"journal": id}` first, then
 * `{"seq", "user"}` (a change held), `{"done": user, "through": seq}` (copied in through seq), and
 * `{"held": seq}` after a compaction.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { AppendLog } from './append-log.js';

const line = z.union([
  z.object({ journal: z.string() }),
  z.object({ seq: z.number().int().min(1), user: z.string() }),
  z.object({ done: z.string(), through: z.number().int().nonnegative() }),
  z.object({ held: z.number().int().nonnegative() }),
]);

/** A user owed a copy: the last sequence of a change not yet copied, and since when. */
export interface PendingUser {
  through: number;
  since: number;
  /**
   * Only deliveries, already written in with their UIDs: the round that follows only writes the
   * indexes (mod-sequences), so it may wait longer and take many deliveries at once.
   */
  deliveriesOnly: boolean;
}

const compactAfterLines = 8192;

/** One logical store's replica ledger. */
export class ReplicaLedger {
  /** The last sequence held. */
  held = 0;
  /** Users owed a copy. */
  readonly pending = new Map<string, PendingUser>();
  private lines = 0;

  private constructor(
    private readonly log: AppendLog,
    /** The primary journal this follows ('' before the first hello). */
    public journal: string,
    private readonly now: () => number,
  ) {}

  static async open(dataDir: string, store: string, now: () => number): Promise<ReplicaLedger> {
    const dir = join(dataDir, 'replication', 'replicas');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const log = new AppendLog(join(dir, `${store}.log`));
    const ledger = new ReplicaLedger(log, '', now);
    for (const raw of await log.readLines()) {
      const parsed = line.safeParse(raw);
      if (!parsed.success) continue;
      ledger.lines++;
      const entry = parsed.data;
      if ('journal' in entry) ledger.journal = entry.journal;
      else if ('held' in entry) ledger.held = Math.max(ledger.held, entry.held);
      else if ('seq' in entry) ledger.note(entry.seq, entry.user);
      else ledger.settle(entry.done, entry.through);
    }
    return ledger;
  }

  /** Follows another primary journal: everything held so far means nothing in it. */
  async follow(journal: string): Promise<void> {
    this.journal = journal;
    this.held = 0;
    await this.rewrite();
  }

  /**
   * Changes for these users are held (written down before the ack); one line each. Lines go to the
   * file in the order of the calls, so calls may overlap (group commit) and still land in order.
   */
  async hold(seq: number, users: readonly string[], deliveriesOnly = false): Promise<void> {
    await this.log.append(users.length > 0 ? users.map((user) => ({ seq, user })) : [{ held: seq }]);
    for (const user of users) this.note(seq, user, deliveriesOnly);
    this.held = Math.max(this.held, seq);
    this.lines += Math.max(1, users.length);
    if (this.lines > compactAfterLines) await this.rewrite();
  }

  /** The user's copy caught up with every change through `through`. */
  async done(user: string, through: number): Promise<void> {
    await this.log.append([{ done: user, through }]);
    this.lines++;
    this.settle(user, through);
  }

  /** The oldest owed copy's age, ms (0 when none). */
  oldestPendingMs(): number {
    let oldest = Number.POSITIVE_INFINITY;
    for (const entry of this.pending.values()) oldest = Math.min(oldest, entry.since);
    return oldest === Number.POSITIVE_INFINITY ? 0 : Math.max(0, this.now() - oldest);
  }

  close(): Promise<void> {
    return this.log.close();
  }

  private note(seq: number, user: string, deliveriesOnly = false): void {
    this.held = Math.max(this.held, seq);
    const entry = this.pending.get(user);
    if (entry) {
      entry.through = Math.max(entry.through, seq);
      entry.deliveriesOnly &&= deliveriesOnly;
    } else this.pending.set(user, { through: seq, since: this.now(), deliveriesOnly });
  }

  private settle(user: string, through: number): void {
    const entry = this.pending.get(user);
    if (entry && entry.through <= through) this.pending.delete(user);
  }

  private async rewrite(): Promise<void> {
    const lines: unknown[] = [{ journal: this.journal }, { held: this.held }];
    for (const [user, entry] of this.pending) lines.push({ seq: entry.through, user });
    await this.log.replace(lines);
    this.lines = lines.length;
  }
}
