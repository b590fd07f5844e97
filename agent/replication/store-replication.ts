/**
 * Replication on a store node (docs/replication.md), both sides:
 *
 * - as a **primary**, it is the storage's change feed (mailbox-change-feed.ts): every change of a
 *   mailbox of a logical store this node serves goes into that store's journal and stream
 *   (store-stream.ts), and a delivery waits for the replica's ack while the store is protected;
 * - as a **replica holder**, it serves the change streams of the stores placed here
 *   (replica-side.ts).
 *
 * The streams follow the directory: read at start and every `refreshMs`, a stream starts for each
 * store this node serves that has a replica node, and stops when the store or its placement
 * changes. Journals already on disk are opened at start even when the directory does not answer,
 * so no change is left out of them.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import type { FleetDirectory } from '../common/directory/fleet-directory.js';
import type { JsonLogger } from '../common/json-logger.js';
import type { MailStorage } from '../mail/store/mail-storage.js';
import type { AppendedMessage, MailboxChangeFeed } from '../mail/store/mailbox-change-feed.js';
import { ChangeJournal } from './change-journal.js';
import type { ReplicaSide } from './replica-side.js';
import { type ProtectionState, StoreStream, type StreamStatus, type StreamTuning } from './store-stream.js';

type Stream = StoreStream;

/** What a node's replication needs. */
export interface StoreReplicationOptions {
  node: string;
  directory: Pick<FleetDirectory, 'listLogicalStores' | 'findUserByAddress'>;
  dataDir: string;
  storage: () => MailStorage | undefined;
  /** Opens a replica channel to a node (undefined until the peer links are up). */
  openReplicaChannel: (node: string) => Promise<Duplex>;
  logger: JsonLogger;
  now: () => number;
  tuning: StreamTuning;
  /** Most records a journal keeps for an absent replica (beyond: a full resync). */
  maxJournalRecords?: number;
  refreshMs?: number;
}

const userStoreMaxAgeMs = 30_000;

/** One node's replication. */
export class StoreReplication implements MailboxChangeFeed {
  private readonly streams = new Map<string, Stream>();
  /** Stores with a journal but no placement known yet (the directory did not answer at start). */
  private readonly journals = new Map<string, ChangeJournal>();
  private readonly userStores = new Map<string, { store: string; at: number }>();
  private timer: NodeJS.Timeout | undefined;
  private replicaSide: ReplicaSide | undefined;
  /** Logical stores this node served at the last read of the directory. */
  private servedHere = 1;
  /** Times any store went unprotected (a counter for /metrics). */
  private unprotectedBefore = 0;

  constructor(private readonly options: StoreReplicationOptions) {}

  /** Opens the journals on disk and reads the placements; starts refreshing. */
  async start(): Promise<void> {
    const dir = join(this.options.dataDir, 'replication', 'journal');
    for (const file of await readdir(dir).catch(() => [] as string[])) {
      if (!file.endsWith('.log')) continue;
      const store = file.slice(0, -4);
      this.journals.set(store, await this.openJournal(store));
    }
    await this.refresh().catch((error: unknown) =>
      this.options.logger.warn('replica placements not read; the journals keep every change meanwhile', {
        error: String(error),
      }),
    );
    this.timer = setInterval(() => {
      void this.refresh().catch((error: unknown) =>
        this.options.logger.warn('replica placements not read', { error: String(error) }),
      );
    }, this.options.refreshMs ?? 15_000);
    this.timer.unref();
  }

  /** Reads the placements now (a failover repointed a store to this node or placed its replica). */
  refreshNow(): Promise<void> {
    return this.refresh();
  }

  /** Serves channels for the replicas placed on this node. */
  setReplicaSide(side: ReplicaSide | undefined): void {
    this.replicaSide = side;
  }

  /** The replica side, for the control server's channel. */
  get replicas(): ReplicaSide | undefined {
    return this.replicaSide;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    for (const stream of this.streams.values()) stream.stop();
    this.streams.clear();
    for (const journal of this.journals.values()) await journal.close().catch(() => {});
    this.journals.clear();
  }

  /** Every stream's state. */
  status(): StreamStatus[] {
    return [...this.streams.values()]
      .map((stream) => stream.status())
      .sort((a, b) => (a.store < b.store ? -1 : 1));
  }

  /** Times a store of this node went unprotected since start. */
  get unprotectedTotal(): number {
    let total = this.unprotectedBefore;
    for (const stream of this.streams.values()) total += stream.unprotectedCount;
    return total;
  }

  async appended(
    user: string,
    folder: string,
    uidValidity: number,
    messages: readonly AppendedMessage[],
  ): Promise<void> {
    try {
      const target = await this.targetOf(user);
      if (!target) return;
      const body = messages.length === 1 ? messages[0]!.body : Buffer.concat(messages.map((m) => m.body));
      await target.record(user, folder, {
        uidValidity,
        messages: messages.map((m) => [m.uid, [...m.flags], m.internalDate, m.body.length]),
        body,
      });
    } catch (error) {
      // The message is durable here; the store's state already says the replica is not in step.
      this.options.logger.error('a delivery was not journaled for replication', {
        user,
        error: String(error),
      });
    }
  }

  changed(user: string, folder: string): void {
    void this.targetOf(user)
      .then((target) => target?.record(user, folder))
      .catch((error: unknown) =>
        this.options.logger.error('a change was not journaled for replication', {
          user,
          error: String(error),
        }),
      );
  }

  /** The journal (and stream, once placed) a user's changes go to; undefined when not replicated. */
  private async targetOf(user: string): Promise<Pick<Stream, 'record'> | undefined> {
    const store = await this.storeOfUser(user);
    if (store === undefined) return undefined;
    const stream = this.streams.get(store);
    if (stream) return stream;
    const journal = this.journals.get(store);
    if (!journal) return undefined;
    return { record: async (u, f) => void (await journal.add({ user: u, folder: f })) };
  }

  private async storeOfUser(user: string): Promise<string | undefined> {
    const known = new Set([...this.streams.keys(), ...this.journals.keys()]);
    if (known.size === 0) return undefined;
    // The usual case: the node serves one replicated store, and every mailbox here is its.
    // One journal and one store served here: every mailbox is of it. A node serving two stores
    // (after a failover) asks, so another store's users do not go to this one's replica.
    if (known.size === 1 && this.servedHere <= 1) return [...known][0];
    const cached = this.userStores.get(user);
    if (cached && this.options.now() - cached.at < userStoreMaxAgeMs) return cached.store;
    const entry = await this.options.directory.findUserByAddress(user);
    if (!entry) return undefined;
    this.userStores.set(user, { store: entry.mailHost, at: this.options.now() });
    return entry.mailHost;
  }

  /** Starts, replaces and stops streams to follow the directory's placements. */
  private async refresh(): Promise<void> {
    const stores = await this.options.directory.listLogicalStores();
    this.servedHere = stores.filter((s) => s.servedBy === this.options.node).length;
    const wanted = new Map(
      stores
        .filter(
          (s) => s.servedBy === this.options.node && s.replicaNode && s.replicaNode !== this.options.node,
        )
        .map((s) => [s.name, s.replicaNode!] as const),
    );
    for (const [store, stream] of this.streams) {
      if (wanted.get(store) === stream.replicaNode) continue;
      this.options.logger.info('replica placement changed', {
        store,
        was: stream.replicaNode,
        now: wanted.get(store),
      });
      this.unprotectedBefore += stream.unprotectedCount;
      stream.stop();
      this.streams.delete(store);
    }
    // A journal of a store no longer served here, or no longer placed: closed (its file stays).
    for (const [store, journal] of this.journals) {
      if (wanted.has(store)) continue;
      this.journals.delete(store);
      await journal.close();
    }
    for (const [store, replicaNode] of wanted) {
      if (this.streams.has(store)) continue;
      const journal = this.journals.get(store) ?? (await this.openJournal(store));
      this.journals.set(store, journal);
      const stream = new StoreStream({
        store,
        replicaNode,
        journal,
        openChannel: this.options.openReplicaChannel,
        listUsers: async () => (await this.options.storage()?.listMailboxes())?.map((m) => m.user) ?? [],
        logger: this.options.logger,
        now: this.options.now,
        tuning: this.options.tuning,
        onState: (state: ProtectionState) => void state,
      });
      this.streams.set(store, stream);
      stream.start();
    }
  }

  private openJournal(store: string): Promise<ChangeJournal> {
    return ChangeJournal.open(this.options.dataDir, store, this.options.maxJournalRecords ?? 200_000);
  }
}
