/**
 * Replication on a `store` or `spare` node (docs/replication.md): the change journals and streams
 * of the stores this node serves, and the replicas the directory places here. Started before the
 * mail services (`store-mail` reads it as its storage's change feed at every change), so no change
 * is made before its journal is open; its channels use the peer links, which the moves module
 * brings up after the control plane (a stream retries until then).
 */
import { hostname } from 'node:os';
import { MessageBaseGenerator } from '../../mail/store/maildir/message-file-name.js';
import { ReplicaSide } from '../../replication/replica-side.js';
import { StoreReplication } from '../../replication/store-replication.js';
import { defaultStreamTuning } from '../../replication/store-stream.js';
import { mailRootPath } from '../agent-config.js';
import type { AgentModule } from '../agent-module.js';
import type { AgentRuntime } from '../agent-runtime.js';

/** Lifecycle module: a store's replication. */
export class StoreReplicationModule implements AgentModule {
  readonly name = 'store-replication';
  private replication: StoreReplication | undefined;
  private replicas: ReplicaSide | undefined;
  private unregister: Array<() => void> = [];

  constructor(private readonly runtime: AgentRuntime) {}

  async start(): Promise<void> {
    const { config, clock } = this.runtime;
    if (!config.mail) return;
    const logger = this.runtime.logger.child('replication');
    const directory = this.runtime.need('directory');
    const links = () => {
      const found = this.runtime.find('peerLinks');
      if (!found) throw new Error('the peer links are not up yet');
      return found;
    };
    const settings = config.replication;
    const replication = new StoreReplication({
      node: config.node,
      directory,
      dataDir: config.dataDir,
      storage: () => this.runtime.find('mailStorage'),
      openReplicaChannel: (node) => links().openReplica(node),
      logger,
      now: () => clock.now(),
      tuning: {
        ...defaultStreamTuning,
        ...(settings?.ackTimeoutMs ? { ackTimeoutMs: settings.ackTimeoutMs } : {}),
        ...(settings?.lagBoundMs ? { lagBoundMs: settings.lagBoundMs } : {}),
      },
      ...(settings?.maxJournalRecords ? { maxJournalRecords: settings.maxJournalRecords } : {}),
    });
    this.replicas = new ReplicaSide({
      node: config.node,
      directory,
      dataDir: config.dataDir,
      mailRoot: mailRootPath(config),
      names: new MessageBaseGenerator(config.address ?? hostname(), process.pid),
      openSync: (node) => links().openSync(node),
      logger,
      now: () => clock.now(),
    });
    replication.setReplicaSide(this.replicas);
    await replication.start();
    this.replication = replication;
    this.runtime.set('replication', replication);
    const counters = this.runtime.counters;
    this.unregister.push(
      counters.register({
        name: 'replication_unprotected_stores',
        kind: 'gauge',
        help: 'Logical stores served here whose replica is not in step (unprotected or catching up).',
        read: () => replication.status().filter((s) => s.state !== 'protected').length,
      }),
      counters.register({
        name: 'replication_unprotected_total',
        kind: 'counter',
        help: 'Times a logical store served here went unprotected (its replica down or too far behind).',
        read: () => replication.unprotectedTotal,
      }),
      this.runtime.sampleSections.register('replication', () => replication.status()),
    );
  }

  async stop(): Promise<void> {
    for (const undo of this.unregister.splice(0)) undo();
    this.runtime.set('replication', undefined);
    await this.replication?.stop();
    this.replication = undefined;
    await this.replicas?.close();
    this.replicas = undefined;
  }
}
