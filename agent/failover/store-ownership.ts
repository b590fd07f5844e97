/**
 * The fence on a store node (docs/failover.md): the node serves a logical store (an LMTP 250, an
 * IMAP or POP3 login) only while it holds a fresh **proof** that it still owns it: a directory
 * read, started less than `leaseMs` ago by the monotonic clock, that says the store is served by
 * this node, in state `serving`, at an epoch no lower than any this node has seen for it and
 * higher than the one it was told to stop at. Proofs are read again every `refreshMs` for the
 * stores it owns, so the mail path rarely waits for one.
 *
 * Why a lease and not "the last answer": a node that was stopped (SIGSTOP, a frozen VM) or cut off
 * from the directory must not go on serving on an old answer while a failover gives its store to
 * another node. The monotonic clock runs on while a process is stopped, so when it continues its
 * proof is old and it asks again before anything else; with the directory unreachable it gets no
 * proof and serves nothing of the store (mail waits in the director's queue, logins are refused
 * as temporary), because it cannot tell "the directory is down" from "I was fenced". A failover
 * that cannot tell the old node to stop waits one lease after its fence: by then the old node
 * either saw the fence or holds no proof.
 *
 * A node told to stop (`failover.fence`, or its own read of a fence) remembers the epoch in
 * `<data dir>/failover/ownership.json` (fsynced), so after a restart it does not serve the store
 * again until a later epoch names it.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import type { FleetDirectory } from '../common/directory/fleet-directory.js';
import type { LogicalStoreEntry } from '../common/directory/fleet-entries.js';
import { isMissing, replaceFileAtomically } from '../common/durable-fs.js';
import type { JsonLogger } from '../common/json-logger.js';

/** What the fence needs. */
export interface StoreOwnershipOptions {
  node: string;
  directory: Pick<FleetDirectory, 'getLogicalStore'>;
  dataDir: string;
  logger: JsonLogger;
  /** How long a proof lasts (default 4 s). A failover waits this long for an old node it cannot reach. */
  leaseMs?: number;
  /** How often the proofs of owned stores are read again (default 1 s). */
  refreshMs?: number;
  /** Told when this node stops owning a store it owned (to close the store's sessions). */
  onLost?: (store: string, why: string) => void;
  /** Monotonic milliseconds; default performance.now (it runs on while the process is stopped). */
  monotonicNow?: () => number;
}

/** Default lease of a proof. */
export const defaultLeaseMs = 4000;

const ownershipFile = z.object({
  /** Per store: the highest epoch this node served it at, and the epoch it was told to stop at. */
  stores: z.record(
    z.string(),
    z.object({ servedEpoch: z.number().int().nonnegative(), fencedEpoch: z.number().int().optional() }),
  ),
});
type OwnershipFile = z.infer<typeof ownershipFile>;

interface Proof {
  owned: boolean;
  epoch: number;
  /** Monotonic time the read started: the proof is worth nothing `leaseMs` after. */
  readStartedAt: number;
  why: string;
}

/** The fence of one store node. */
export class StoreOwnership {
  private readonly proofs = new Map<string, Proof>();
  private readonly reading = new Map<string, Promise<Proof>>();
  private file: OwnershipFile = { stores: {} };
  private timer: NodeJS.Timeout | undefined;
  private readonly path: string;
  private readonly now: () => number;
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly options: StoreOwnershipOptions) {
    this.path = join(options.dataDir, 'failover', 'ownership.json');
    this.now = options.monotonicNow ?? (() => performance.now());
  }

  /** How long a proof lasts. */
  get leaseMs(): number {
    return this.options.leaseMs ?? defaultLeaseMs;
  }

  /** Reads what this node was told before a restart; starts the refresh of proofs. */
  async start(): Promise<void> {
    try {
      this.file = ownershipFile.parse(JSON.parse(await readFile(this.path, 'utf8')));
    } catch (error) {
      if (!isMissing(error)) {
        // A file this node wrote and cannot read: trusting nothing in it would lift a fence.
        throw new Error(`cannot read ${this.path}: ${(error as Error).message}`);
      }
    }
    const refresh = () => {
      for (const [store, proof] of this.proofs) if (proof.owned) void this.read(store).catch(() => undefined);
      this.timer = setTimeout(refresh, this.options.refreshMs ?? 1000);
      this.timer.unref();
    };
    this.timer = setTimeout(refresh, this.options.refreshMs ?? 1000);
    this.timer.unref();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * Whether this node may serve `store` now: a fresh proof, or a new read. False when the
   * directory cannot be read (no proof, no serving). Never rejects.
   */
  async mayServe(store: string): Promise<boolean> {
    const proof = this.proofs.get(store);
    if (proof && this.now() - proof.readStartedAt < this.leaseMs) return proof.owned;
    try {
      const fresh = await this.read(store);
      // A read that took longer than the lease proves nothing any more.
      return fresh.owned && this.now() - fresh.readStartedAt < this.leaseMs;
    } catch {
      return false;
    }
  }

  /** Why this node does not serve a store (for logs and refusals); undefined when it does. */
  refusal(store: string): string | undefined {
    const proof = this.proofs.get(store);
    if (!proof) return `no proof yet that this node serves ${store}`;
    if (proof.owned && this.now() - proof.readStartedAt >= this.leaseMs)
      return `the directory has not confirmed for ${Math.round((this.now() - proof.readStartedAt) / 1000)} s that this node still serves ${store}`;
    return proof.owned ? undefined : proof.why;
  }

  /**
   * Stops serving `store` at once and for good at `epoch` (a failover fenced this node and told
   * it): written to disk before it returns, so a restart does not serve it again.
   */
  async fence(store: string, epoch: number): Promise<void> {
    const known = this.file.stores[store] ?? { servedEpoch: 0 };
    this.file.stores[store] = { ...known, fencedEpoch: Math.max(epoch, known.fencedEpoch ?? 0) };
    await this.save();
    this.settle(store, {
      owned: false,
      epoch,
      readStartedAt: this.now(),
      why: `${store} was failed over at epoch ${epoch}: this node was fenced`,
    });
  }

  /** The logical stores this node served at some epoch (its disk may hold their mailboxes). */
  servedStores(): string[] {
    return Object.keys(this.file.stores).sort();
  }

  /** Forgets the proofs (after a repoint that names this node): the next use reads again. */
  forget(store: string): void {
    this.proofs.delete(store);
  }

  private read(store: string): Promise<Proof> {
    let pending = this.reading.get(store);
    if (!pending) {
      const readStartedAt = this.now();
      pending = this.options.directory.getLogicalStore(store).then(async (entry) => {
        const proof = await this.judge(store, entry, readStartedAt);
        this.settle(store, proof);
        return proof;
      });
      this.reading.set(store, pending);
      void pending.finally(() => this.reading.delete(store)).catch(() => undefined);
    }
    return pending;
  }

  private async judge(
    store: string,
    entry: LogicalStoreEntry | undefined,
    readStartedAt: number,
  ): Promise<Proof> {
    const { node } = this.options;
    const known = this.file.stores[store];
    const refused = (why: string): Proof => ({ owned: false, epoch: entry?.epoch ?? 0, readStartedAt, why });
    if (!entry) return refused(`there is no logical store ${store}`);
    if (entry.servedBy !== node) return refused(`${store} is served by ${entry.servedBy}, not by ${node}`);
    if (entry.state !== 'serving') return refused(`${store} is ${entry.state} (epoch ${entry.epoch})`);
    if (known?.fencedEpoch !== undefined && entry.epoch <= known.fencedEpoch)
      return refused(
        `${node} was fenced for ${store} at epoch ${known.fencedEpoch}; the directory shows epoch ${entry.epoch}`,
      );
    // A directory server behind the others (a provider that has not replicated yet) shows an
    // older epoch than this node served at: not a proof.
    if (known && entry.epoch < known.servedEpoch)
      return refused(`the directory shows epoch ${entry.epoch} of ${store}, older than ${known.servedEpoch}`);
    if (!known || entry.epoch > known.servedEpoch) {
      this.file.stores[store] = { ...known, servedEpoch: entry.epoch };
      await this.save();
    }
    return { owned: true, epoch: entry.epoch, readStartedAt, why: '' };
  }

  private settle(store: string, proof: Proof): void {
    const before = this.proofs.get(store);
    // A read that started before a newer one (or a fence) must not replace it.
    if (before && before.readStartedAt > proof.readStartedAt) return;
    this.proofs.set(store, proof);
    if (before?.owned && !proof.owned) {
      this.options.logger.warn('this node no longer serves a logical store', { store, why: proof.why });
      this.options.onLost?.(store, proof.why);
    }
  }

  private save(): Promise<void> {
    const data = `${JSON.stringify(this.file)}\n`;
    const write = this.saving.then(async () => {
      await mkdir(join(this.options.dataDir, 'failover'), { recursive: true, mode: 0o700 });
      await replaceFileAtomically(this.path, data);
    });
    this.saving = write.catch(() => undefined);
    return write;
  }
}
