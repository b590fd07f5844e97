/**
 * The primary's side of one logical store's change stream (docs/replication.md): the journal,
 * the channel to the replica holder's agent (`mailfleet-replica`, made again after a loss), and
 * the store's protection state:
 *
 * - `protected`: the replica is connected and close behind (at most `syncWindow` changes not yet
 *   acknowledged, its copies at most `lagBoundMs` behind): a delivery waits for the replica's
 *   ack (after its fsync) before its 250;
 * - `catching-up`: connected, sending what it missed (or a full resync): deliveries do not wait;
 * - `unprotected`: not connected, or an ack took longer than `ackTimeoutMs`: the store serves
 *   on, deliveries are acknowledged after the local fsync alone, and the journal keeps what the
 *   replica will need when it returns.
 */
import type { Duplex } from 'node:stream';
import type { JsonLogger } from '../common/json-logger.js';
import { readFrames, writeFrame } from '../moves/sync/sync-frames.js';
import type { ChangeJournal, JournalRecord } from './change-journal.js';
import { replicaFrame } from './replication-protocol.js';

/** Protection of a logical store by its replica. */
export type ProtectionState = 'protected' | 'catching-up' | 'unprotected';

/** Limits of the stream. */
export interface StreamTuning {
  /** A delivery's wait for the replica's ack before the store goes unprotected. */
  ackTimeoutMs: number;
  /** Changes not yet acknowledged beyond which deliveries stop waiting (catching up). */
  syncWindow: number;
  /** How far behind (ms) the replica's copies may be and the store still count as protected. */
  lagBoundMs: number;
  /** Reconnection delays, rising. */
  retryDelaysMs: readonly number[];
}

export const defaultStreamTuning: StreamTuning = {
  ackTimeoutMs: 5000,
  syncWindow: 1000,
  lagBoundMs: 30_000,
  retryDelaysMs: [500, 1000, 2000, 5000, 10_000],
};

/** What a stream needs. */
export interface StoreStreamOptions {
  store: string;
  replicaNode: string;
  journal: ChangeJournal;
  openChannel: (node: string) => Promise<Duplex>;
  /** Every user with a mailbox here (a full resync copies them all). */
  listUsers: () => Promise<string[]>;
  logger: JsonLogger;
  now: () => number;
  tuning: StreamTuning;
  /** Told when the state changes. */
  onState: (state: ProtectionState) => void;
}

/** What the console and metrics show of a stream. */
export interface StreamStatus {
  store: string;
  replicaNode: string;
  state: ProtectionState;
  /** Changes journaled here and not yet acknowledged, plus users the replica has yet to copy. */
  lagChanges: number;
  /** Age of the oldest of those, seconds. */
  lagSeconds: number;
  /** Sequence journaled and acknowledged. */
  head: number;
  acked: number;
  /** ms since the epoch of the last state change. */
  since: number;
  /** Why it is unprotected, in words. */
  reason?: string;
}

const notConnectedYet = 'not connected yet';

/** Users the replica may owe a copy and the store still count as protected (a resync owes them all). */
const pendingUsersBound = 64;

interface AckWaiter {
  seq: number;
  resolve: (acked: boolean) => void;
  timer: NodeJS.Timeout;
}

/** One logical store's stream to its replica. */
export class StoreStream {
  private channel: Duplex | undefined;
  private ready = false;
  private sent = 0;
  private acked = 0;
  private replicaPending = 0;
  private replicaOldestMs = 0;
  private pumping = false;
  private stopped = false;
  private waiters: AckWaiter[] = [];
  private state: ProtectionState = 'unprotected';
  private since: number;
  private reason: string | undefined = notConnectedYet;
  /** When each unacknowledged sequence was journaled (for the lag in seconds). */
  private readonly journaledAt = new Map<number, number>();
  /** Times the store went unprotected. */
  unprotectedCount = 0;
  private retry = 0;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: StoreStreamOptions) {
    this.since = options.now();
  }

  get store(): string {
    return this.options.store;
  }

  get replicaNode(): string {
    return this.options.replicaNode;
  }

  /** Starts connecting. */
  start(): void {
    void this.connect();
  }

  /** Closes the channel; the journal stays. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.drop('stopped');
  }

  /**
   * Journals a change and sends it. A delivery (`delivery` given) while protected resolves once
   * the replica acknowledged it, or after `ackTimeoutMs` with the store unprotected. Never rejects
   * for the replica's sake; rejects only when the local journal cannot be written.
   */
  async record(user: string, folder: string, delivery?: JournalRecord['delivery']): Promise<void> {
    const live = this.state === 'protected' && delivery !== undefined;
    const entry = await this.options.journal.add({ user, folder, ...(live ? { delivery } : {}) });
    this.journaledAt.set(entry.seq, this.options.now());
    this.pump();
    if (!live) return;
    const acked = await this.waitForAck(entry.seq);
    if (!acked && this.ready)
      this.drop(`the replica did not acknowledge a delivery within ${this.options.tuning.ackTimeoutMs} ms`);
  }

  /** The stream as the console shows it. */
  status(): StreamStatus {
    const journal = this.options.journal;
    const unacked = Math.max(0, journal.head - this.acked);
    let oldest = Number.POSITIVE_INFINITY;
    for (const [seq, at] of this.journaledAt) if (seq > this.acked) oldest = Math.min(oldest, at);
    const journalLagMs = oldest === Number.POSITIVE_INFINITY ? 0 : this.options.now() - oldest;
    return {
      store: this.options.store,
      replicaNode: this.options.replicaNode,
      state: this.state,
      lagChanges: unacked + this.replicaPending,
      lagSeconds: Math.round(Math.max(journalLagMs, this.replicaOldestMs) / 100) / 10,
      head: journal.head,
      acked: this.acked,
      since: this.since,
      ...(this.reason ? { reason: this.reason } : {}),
    };
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const { openChannel, replicaNode, store, journal, logger } = this.options;
    let channel: Duplex | undefined;
    try {
      channel = await openChannel(replicaNode);
      this.channel = channel;
      channel.on('error', () => {});
      const frames = readFrames(channel);
      await writeFrame(channel, { kind: 'hello', store, journal: journal.id, head: journal.head });
      const first = await frames.next();
      if (first.done) throw new Error(`${replicaNode} closed the channel`);
      const ready = replicaFrame.parse(first.value.header);
      if (ready.kind === 'error') throw new Error(`${replicaNode} refused: ${ready.message}`);
      if (ready.kind !== 'ready') throw new Error(`${replicaNode} answered ${ready.kind} to hello`);
      await this.startFrom(ready.held);
      this.ready = true;
      this.retry = 0;
      this.reason = undefined;
      logger.info('replica connected', { store, replica: replicaNode, held: ready.held, head: journal.head });
      this.pump();
      this.evaluate();
      for await (const frame of frames) {
        const answer = replicaFrame.parse(frame.header);
        if (answer.kind === 'error') throw new Error(`${replicaNode}: ${answer.message}`);
        if (answer.kind !== 'ack') continue;
        this.onAck(answer.seq, answer.pendingUsers, answer.oldestPendingMs);
      }
      throw new Error(`${replicaNode} closed the channel`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (channel === this.channel || this.channel === undefined) this.drop(message);
      if (this.stopped) return;
      const delays = this.options.tuning.retryDelaysMs;
      const delay = delays[Math.min(this.retry++, delays.length - 1)]!;
      this.retryTimer = setTimeout(() => void this.connect(), delay);
    }
  }

  /**
   * Where to start sending: after what the replica holds when the journal still has the rest,
   * else (a new replica, a gap, or a replica ahead of a journal lost here) a full resync.
   */
  private async startFrom(held: number): Promise<void> {
    const journal = this.options.journal;
    if (held > 0 && held <= journal.head && journal.after(held) !== undefined) {
      this.sent = held;
      this.acked = Math.max(this.acked, held);
      return;
    }
    this.options.logger.info('replica needs a full resync', {
      store: this.options.store,
      held,
      firstKept: journal.firstKept,
      head: journal.head,
    });
    await journal.rebase(Math.max(held, journal.head));
    this.sent = journal.head;
    this.acked = journal.head;
    const entry = await journal.add({ user: '*', folder: '*' });
    this.journaledAt.set(entry.seq, this.options.now());
  }

  private pump(): void {
    if (this.pumping || !this.ready || !this.channel) return;
    this.pumping = true;
    void this.sendPending().finally(() => {
      this.pumping = false;
      if (this.ready && this.sent < this.options.journal.durable) this.pump();
    });
  }

  private async sendPending(): Promise<void> {
    const journal = this.options.journal;
    while (this.ready && this.channel && this.sent < journal.durable) {
      const records = journal.after(this.sent);
      if (records === undefined) {
        // Dropped while the replica was connected and far behind: start again with a resync.
        this.drop('the replica fell too far behind: a full resync follows');
        return;
      }
      for (const record of records) {
        if (record.seq > journal.durable || !this.ready || !this.channel) break;
        await this.send(this.channel, record);
        this.sent = record.seq;
      }
    }
  }

  private async send(channel: Duplex, record: JournalRecord): Promise<void> {
    if (record.user === '*') {
      await writeFrame(channel, { kind: 'resync', seq: record.seq, users: await this.options.listUsers() });
    } else if (record.delivery) {
      const { uidValidity, messages, body } = record.delivery;
      await writeFrame(
        channel,
        { kind: 'deliver', seq: record.seq, user: record.user, folder: record.folder, uidValidity, messages },
        body,
      );
    } else {
      await writeFrame(channel, {
        kind: 'change',
        seq: record.seq,
        user: record.user,
        folder: record.folder,
      });
    }
  }

  private onAck(seq: number, pendingUsers: number, oldestPendingMs: number): void {
    // The replica also reports its figures again (same seq) when a user's copy caught up.
    this.replicaPending = pendingUsers;
    this.replicaOldestMs = oldestPendingMs;
    if (seq <= this.acked) {
      this.evaluate();
      return;
    }
    this.acked = seq;
    for (const key of this.journaledAt.keys()) if (key <= seq) this.journaledAt.delete(key);
    const still: AckWaiter[] = [];
    for (const waiter of this.waiters) {
      if (waiter.seq <= seq) {
        clearTimeout(waiter.timer);
        waiter.resolve(true);
      } else still.push(waiter);
    }
    this.waiters = still;
    void this.options.journal.acknowledged(seq).catch((error: unknown) =>
      this.options.logger.warn('journal compaction failed', {
        store: this.options.store,
        error: String(error),
      }),
    );
    this.evaluate();
  }

  private waitForAck(seq: number): Promise<boolean> {
    if (seq <= this.acked) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.timer !== timer);
        resolve(false);
      }, this.options.tuning.ackTimeoutMs);
      this.waiters.push({ seq, resolve, timer });
    });
  }

  private drop(reason: string): void {
    const channel = this.channel;
    this.channel = undefined;
    this.ready = false;
    channel?.destroy();
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.resolve(false);
    }
    this.waiters = [];
    if (this.stopped) return;
    // The first reason stays (the channel's own end that follows a drop says less), but for the
    // start's placeholder: the first attempt's failure says why.
    if (this.state === 'unprotected' && this.reason !== undefined && this.reason !== notConnectedYet) return;
    this.options.logger.warn('store unprotected: its replica is not in step', {
      store: this.options.store,
      replica: this.options.replicaNode,
      reason,
    });
    this.reason = reason;
    this.setState('unprotected');
  }

  /** Protected or catching up, from how far behind the replica is. */
  private evaluate(): void {
    if (!this.ready) {
      this.setState('unprotected');
      return;
    }
    const { syncWindow, lagBoundMs } = this.options.tuning;
    const behind = this.options.journal.head - this.acked;
    const close =
      behind <= syncWindow && this.replicaPending <= pendingUsersBound && this.replicaOldestMs <= lagBoundMs;
    this.setState(close ? 'protected' : 'catching-up');
  }

  private setState(state: ProtectionState): void {
    if (state === this.state) return;
    if (state === 'unprotected') this.unprotectedCount++;
    this.state = state;
    this.since = this.options.now();
    if (state !== 'unprotected') this.reason = undefined;
    this.options.logger.info('replication state', { store: this.options.store, state });
    this.options.onState(state);
  }
}
