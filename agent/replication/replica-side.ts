/**
 * The replica holder's side (docs/replication.md): serves `mailfleet-replica` channels from the
 * nodes that serve the stores placed here, holds each store's ledger, spool and copies, and at each
 * owed user's turn (a short while after its first change not yet copied, at most `concurrency` at
 * once) writes its spooled deliveries into its copy, then copies its delta from the primary. A channel from a node the directory does not name for that
 * store is refused with an `error` frame and closed.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import type { JsonLogger } from '../common/json-logger.js';
import type { MessageBaseGenerator } from '../mail/store/maildir/message-file-name.js';
import type { IncomingMessage } from '../moves/sync/staging-folder.js';
import { readFrames, writeFrame } from '../moves/sync/sync-frames.js';
import { DeliverySpool } from './delivery-spool.js';
import { type ReplicaAccessSource, requireReplicaOf } from './replica-access.js';
import { ReplicaCopies } from './replica-copies.js';
import { ReplicaLedger } from './replica-ledger.js';
import { type PrimaryFrame, primaryFrame } from './replication-protocol.js';

/** What the replica side needs. */
export interface ReplicaSideOptions {
  node: string;
  directory: ReplicaAccessSource;
  dataDir: string;
  mailRoot: string;
  names: MessageBaseGenerator;
  /** Opens a sync channel to the node serving a store (for delta rounds). */
  openSync: (node: string) => Promise<Duplex>;
  logger: JsonLogger;
  now: () => number;
  /** Wait after a user's first change not yet copied before its round (a burst makes one round). */
  settleMs?: number;
  /** The same when the user's changes are deliveries only (written in already): their indexes wait longer. */
  deliveriesSettleMs?: number;
  concurrency?: number;
}

// The placement is read again this often while a stream runs: a moved replica stops taking changes.
const recheckMs = 30_000;
const retryAfterFailureMs = 5_000;

interface ReplicatedStore {
  ledger: ReplicaLedger;
  spool: DeliverySpool;
  /** Spooled deliveries not yet in the copies, by user (sequence numbers, in order). */
  spooled: Map<string, number[]>;
  copies: ReplicaCopies;
  primary: string;
  channel: Duplex | undefined;
  /** When the primary's channel went away (undefined while it is there). */
  lostAt: number | undefined;
  running: Set<string>;
  /** Users whose round failed: not before this time. */
  notBefore: Map<string, number>;
  timer: NodeJS.Timeout | undefined;
}

/** The replicas this node holds. */
export class ReplicaSide {
  private readonly stores = new Map<string, Promise<ReplicatedStore>>();
  /** Stores being promoted here: their streams are refused from now on. */
  private readonly promoting = new Set<string>();
  private closed = false;

  constructor(private readonly options: ReplicaSideOptions) {}

  /** Serves one channel a peer opened; never throws. */
  async serve(stream: Duplex, peer: string): Promise<void> {
    const { logger } = this.options;
    stream.on('error', () => {});
    let store: ReplicatedStore | undefined;
    try {
      const frames = readFrames(stream);
      const first = await frames.next();
      if (first.done) return;
      const hello = primaryFrame.parse(first.value.header);
      if (hello.kind !== 'hello') throw new Error('the stream must begin with hello');
      if (this.promoting.has(hello.store))
        throw new Error(`${this.options.node} is taking ${hello.store} over: its stream is closed`);
      await requireReplicaOf(this.options.directory, this.options.node, peer, hello.store);
      store = await this.storeOf(hello.store, peer);
      // One stream per store: a reconnecting primary replaces the old channel.
      store.channel?.destroy();
      store.channel = stream;
      store.lostAt = undefined;
      // A channel whose connection died may close without ending its frames: it counts as gone
      // from its close (automatic failover reads how long the primary has been away).
      const served = store;
      stream.once('close', () => {
        if (served.channel !== stream) return;
        served.channel = undefined;
        served.lostAt = this.options.now();
      });
      if (store.ledger.journal !== hello.journal) await store.ledger.follow(hello.journal);
      await writeFrame(stream, { kind: 'ready', held: store.ledger.held });
      // Copies owed since before a restart start now.
      this.schedule(store);
      let checked = this.options.now();
      let expected = store.ledger.held;
      // Frames are taken in as they come: a delivery's spool file is written at once, the ledger
      // lines are queued in sequence order (one fdatasync for all that wait), and the acks go
      // out in sequence order. So many deliveries in flight share their fsyncs.
      let queued: Promise<unknown> = Promise.resolve();
      let acks: Promise<unknown> = Promise.resolve();
      let failure: Error | undefined;
      const held = store;
      for await (const frame of frames) {
        if (failure) throw failure;
        if (this.options.now() - checked > recheckMs) {
          await requireReplicaOf(this.options.directory, this.options.node, peer, hello.store);
          checked = this.options.now();
        }
        const change = primaryFrame.parse(frame.header);
        if (change.kind === 'hello') throw new Error('hello twice');
        // Sent again after a reconnection: already held.
        if (change.seq <= expected) continue;
        // A resync covers everything before it: the journal may have dropped what came between.
        if (change.seq !== expected + 1 && change.kind !== 'resync')
          throw new Error(`change ${change.seq} arrived after ${expected}: a change is missing`);
        expected = change.seq;
        const spooled = change.kind === 'deliver' ? held.spool.hold(change, frame.body) : Promise.resolve();
        const turn = queued.then(() => spooled).then(() => ({ durable: this.holdInLedger(held, change) }));
        queued = turn.catch(() => undefined);
        const acked = turn.then(({ durable }) => durable);
        acks = acks
          .then(() => acked)
          .then(async () => {
            if (change.kind === 'deliver') spooledOf(held, change.user).push(change.seq);
            this.schedule(held);
            await writeFrame(stream, this.ackOf(held, change.seq));
          })
          .catch((error: unknown) => {
            failure ??= error instanceof Error ? error : new Error(String(error));
            stream.destroy(failure);
          });
      }
      await acks;
      if (failure) throw failure;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      logger.warn('replication stream refused or broken', { peer, error: message });
      if (stream.writable) await writeFrame(stream, { kind: 'error', message }).catch(() => {});
    } finally {
      if (store?.channel === stream) {
        store.channel = undefined;
        store.lostAt = this.options.now();
      }
      stream.end();
    }
  }

  /**
   * Stops taking a store's stream for good (a failover promotes this copy): the channel is
   * closed and every later hello refused, rounds in flight are waited for (at most `waitMs`), and
   * the spooled deliveries are written into the copies. Resolves with the copies' root; the
   * caller installs them (agent/failover/replica-promotion.ts) and then calls `forgetStore`.
   */
  async closeForPromotion(name: string, waitMs = 10_000): Promise<string> {
    this.promoting.add(name);
    // Opens the ledger and spool from disk when this process has not served the store yet.
    const store = await this.storeOf(
      name,
      (await this.stores.get(name)?.catch(() => undefined))?.primary ?? '',
    );
    clearTimeout(store.timer);
    store.timer = undefined;
    store.channel?.destroy();
    const deadline = this.options.now() + waitMs;
    while (store.running.size > 0 && this.options.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    for (const user of [...store.spooled.keys()]) await this.applySpool(store, user);
    store.copies.forget();
    return store.copies.root;
  }

  /**
   * Waits (at most `waitMs`) until the replica owes no user a copy: a failover whose old node
   * answered and stopped lets the replica copy the last flag and folder changes from it first.
   * With `deliveriesWritten`, a user owed only deliveries counts as in step: they are in the spool
   * with their UIDs and written in at the promotion; their round would only copy mod-sequences (a
   * switch-over holds the store meanwhile, so that round is not waited for). Resolves with the
   * users still owed (0 when in step).
   */
  async settle(name: string, waitMs: number, options: { deliveriesWritten?: boolean } = {}): Promise<number> {
    const store = await this.stores.get(name)?.catch(() => undefined);
    if (!store) return 0;
    const deadline = this.options.now() + waitMs;
    const owed = () =>
      [...store.ledger.pending.values()].filter(
        (entry) => !(options.deliveriesWritten && entry.deliveriesOnly),
      ).length;
    // The changes still owed are copied now, not after their settle time.
    for (const entry of store.ledger.pending.values())
      if (!(options.deliveriesWritten && entry.deliveriesOnly)) entry.since = 0;
    this.schedule(store);
    while (owed() > 0 && this.options.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    return owed();
  }

  /** Drops a promoted store's ledger and spool (the copies are the store's mailboxes now). */
  async forgetStore(name: string): Promise<void> {
    const pending = this.stores.get(name);
    this.stores.delete(name);
    // The store's state (failed, then served here) refuses its old node's stream from now on; a
    // later placement of its replica here takes a stream again.
    this.promoting.delete(name);
    const store = await pending?.catch(() => undefined);
    if (store) {
      clearTimeout(store.timer);
      await store.ledger.close();
    }
    const dir = join(this.options.dataDir, 'replication', 'replicas');
    await rm(join(dir, `${name}.log`), { force: true });
    await rm(join(dir, `${name}.spool`), { recursive: true, force: true });
  }

  /**
   * How long the primary of a store placed here has sent no stream (ms): since its channel went
   * away, or since `startedAt` when none came since this process started; 0 while one is open.
   */
  async primaryAbsentFor(name: string, startedAt: number): Promise<number> {
    const store = await this.stores.get(name)?.catch(() => undefined);
    if (store?.channel && !store.channel.destroyed) return 0;
    return this.options.now() - (store?.lostAt ?? startedAt);
  }

  /** What the replica of each store owes, for status. */
  async status(): Promise<Array<{ store: string; primary: string; held: number; pendingUsers: number }>> {
    const out = [];
    for (const [name, pending] of this.stores) {
      const store = await pending;
      out.push({
        store: name,
        primary: store.primary,
        held: store.ledger.held,
        pendingUsers: store.ledger.pending.size,
      });
    }
    return out;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.stores.values()) {
      const store = await pending.catch(() => undefined);
      if (!store) continue;
      clearTimeout(store.timer);
      store.channel?.destroy();
      await store.ledger.close();
    }
  }

  /** Queues the ledger line of a change; resolves once it is on disk. */
  private holdInLedger(
    store: ReplicatedStore,
    change: Exclude<PrimaryFrame, { kind: 'hello' }>,
  ): Promise<void> {
    if (change.kind === 'deliver') return store.ledger.hold(change.seq, [change.user], true);
    if (change.kind === 'change') return store.ledger.hold(change.seq, [change.user]);
    return store.ledger.hold(change.seq, change.users);
  }

  /**
   * Writes a user's spooled deliveries into the copy, all in one batch per folder (one directory
   * fsync and one uidlist append for all), then drops them from the spool. Runs at the user's
   * turn, before its round: it needs nothing from the primary.
   */
  private async applySpool(store: ReplicatedStore, user: string): Promise<void> {
    const seqs = store.spooled.get(user);
    if (!seqs || seqs.length === 0) return;
    store.spooled.delete(user);
    const taken = [...seqs];
    try {
      const batches = new Map<string, { folder: string; uidValidity: number; messages: IncomingMessage[] }>();
      for (const seq of taken) {
        const spooled = await store.spool.read(seq);
        if (!spooled) continue;
        const { folder, uidValidity } = spooled.delivery;
        const key = `${uidValidity}/${folder}`;
        const batch = batches.get(key) ?? { folder, uidValidity, messages: [] };
        batch.messages.push(...spooled.messages);
        batches.set(key, batch);
      }
      for (const batch of batches.values())
        await store.copies.deliver(user, batch.folder, batch.uidValidity, batch.messages);
      for (const seq of taken) await store.spool.drop(seq);
    } catch (error) {
      // Still spooled: tried again at the user's next turn.
      spooledOf(store, user).unshift(...taken);
      throw error;
    }
  }

  private ackOf(store: ReplicatedStore, seq: number) {
    return {
      kind: 'ack' as const,
      seq: Math.max(1, seq),
      pendingUsers: store.ledger.pending.size,
      oldestPendingMs: store.ledger.oldestPendingMs(),
    };
  }

  private storeOf(name: string, primary: string): Promise<ReplicatedStore> {
    let pending = this.stores.get(name);
    if (!pending) {
      pending = (async () => {
        const { dataDir, mailRoot, names, openSync, now } = this.options;
        const ledger = await ReplicaLedger.open(dataDir, name, now);
        const spool = await DeliverySpool.open(dataDir, name);
        const store: ReplicatedStore = {
          ledger,
          spool,
          spooled: new Map(),
          copies: new ReplicaCopies(mailRoot, name, { openSync: () => openSync(store.primary) }, names),
          primary,
          channel: undefined,
          lostAt: undefined,
          running: new Set(),
          notBefore: new Map(),
          timer: undefined,
        };
        // Deliveries held before a restart but not yet written into the copies.
        for (const seq of await spool.list()) {
          const spooled = await spool.read(seq).catch(() => undefined);
          if (spooled) spooledOf(store, spooled.delivery.user).push(seq);
        }
        return store;
      })();
      this.stores.set(name, pending);
      pending.catch(() => this.stores.delete(name));
    }
    return pending.then((store) => {
      store.primary = primary;
      return store;
    });
  }

  /** Starts the rounds that are due; sets a timer for the next. */
  private schedule(store: ReplicatedStore): void {
    if (this.closed) return;
    clearTimeout(store.timer);
    store.timer = undefined;
    const settleMs = this.options.settleMs ?? 300;
    const deliveriesSettleMs = this.options.deliveriesSettleMs ?? 10_000;
    const concurrency = this.options.concurrency ?? 2;
    const now = this.options.now();
    let nextDue = Number.POSITIVE_INFINITY;
    for (const [user, entry] of store.ledger.pending) {
      if (store.running.size >= concurrency) break;
      if (store.running.has(user)) continue;
      const wait = entry.deliveriesOnly ? deliveriesSettleMs : settleMs;
      const due = Math.max(entry.since + wait, store.notBefore.get(user) ?? 0);
      if (due > now) {
        nextDue = Math.min(nextDue, due);
        continue;
      }
      void this.copy(store, user, entry.through);
    }
    if (nextDue !== Number.POSITIVE_INFINITY && store.running.size < concurrency)
      store.timer = setTimeout(() => this.schedule(store), Math.max(10, nextDue - now));
  }

  private async copy(store: ReplicatedStore, user: string, through: number): Promise<void> {
    store.running.add(user);
    try {
      await this.applySpool(store, user);
      await store.copies.copyUser(user);
      await store.ledger.done(user, through);
      store.notBefore.delete(user);
      if (store.channel?.writable)
        await writeFrame(store.channel, this.ackOf(store, store.ledger.held)).catch(() => {});
    } catch (error) {
      store.notBefore.set(user, this.options.now() + retryAfterFailureMs);
      this.options.logger.warn('replica copy of a mailbox failed; tried again shortly', {
        store: store.copies.store,
        user,
        error: error instanceof Error ? error.message : String(error),
      });
    } finally {
      store.running.delete(user);
      this.schedule(store);
    }
  }
}

function spooledOf(store: ReplicatedStore, user: string): number[] {
  let seqs = store.spooled.get(user);
  if (!seqs) {
    seqs = [];
    store.spooled.set(user, seqs);
  }
  return seqs;
}
