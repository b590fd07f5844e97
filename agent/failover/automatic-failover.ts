/**
 * Automatic failover (docs/failover.md), off unless `failover.autoAfterSeconds` is set on the
 * node that holds a store's replica: when the store's primary has sent no replication stream for
 * that long, this node starts the same fenced job an administrator starts. Only for a store whose
 * entry names this node as its failover node: a system admin arms it in the directory
 * (`mailfleet failover arm`), so no node takes a store over that it was not given to.
 *
 * A primary cut off from its replica but alive is fenced like a dead one: the fence makes that
 * safe (it serves nothing once it sees the fence or its proof runs out).
 */
import type { FleetDirectory } from '../common/directory/fleet-directory.js';
import type { JsonLogger } from '../common/json-logger.js';
import type { ReplicaSide } from '../replication/replica-side.js';
import type { FailoverNode } from './failover-node.js';

/** What the watch needs. */
export interface AutomaticFailoverOptions {
  node: string;
  directory: Pick<FleetDirectory, 'listLogicalStores' | 'listServers'>;
  replicas: () => ReplicaSide | undefined;
  jobs: FailoverNode;
  /** A primary silent this long is failed over. */
  afterMs: number;
  logger: JsonLogger;
  now: () => number;
  /** How often the stores are looked at (default 2 s). */
  checkEveryMs?: number;
}

/** The watch of one node. */
export class AutomaticFailover {
  private timer: NodeJS.Timeout | undefined;
  private readonly startedAt: number;

  constructor(private readonly options: AutomaticFailoverOptions) {
    this.startedAt = options.now();
  }

  start(): void {
    const tick = () => {
      void this.check()
        .catch((error: unknown) =>
          this.options.logger.warn('automatic failover check failed', { error: String(error) }),
        )
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, this.options.checkEveryMs ?? 2000);
        });
    };
    this.timer = setTimeout(tick, this.options.checkEveryMs ?? 2000);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async check(): Promise<void> {
    const { node, directory, jobs, afterMs, logger } = this.options;
    const replicas = this.options.replicas();
    if (!replicas) return;
    const stores = await directory.listLogicalStores();
    const armed = stores.filter(
      (s) =>
        s.replicaNode === node &&
        s.failoverNode === node &&
        s.servedBy !== node &&
        s.state === 'serving' &&
        !jobs.isRunning(s.name),
    );
    if (armed.length === 0) return;
    const busy = new Set(stores.flatMap((s) => [s.servedBy, ...(s.replicaNode ? [s.replicaNode] : [])]));
    for (const store of armed) {
      const silentMs = await replicas.primaryAbsentFor(store.name, this.startedAt);
      if (silentMs < afterMs) continue;
      const spare = (await directory.listServers()).find(
        (s) => s.role === 'spare' && !busy.has(s.name),
      )?.name;
      logger.warn('automatic failover: the store has sent no replication stream for too long', {
        store: store.name,
        servedBy: store.servedBy,
        silentSeconds: Math.round(silentMs / 1000),
        spare,
      });
      await jobs.start({ store: store.name, ...(spare ? { spare } : {}) }, 'automatic');
      if (spare) busy.add(spare);
    }
  }
}
