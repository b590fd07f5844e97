/**
 * Failover on a `store` or `spare` node (docs/failover.md): the failover jobs this node runs for
 * the stores whose replica it holds, journaled in its data directory and resumed at start, in the
 * runtime as `failover` for the `failover.*` RPCs. Started after `store-moves`, whose peer links
 * it calls the fenced node and the directors through.
 */
import { AutomaticFailover } from '../../failover/automatic-failover.js';
import { FailoverJournal } from '../../failover/failover-journal.js';
import { FailoverNode } from '../../failover/failover-node.js';
import { defaultLeaseMs } from '../../failover/store-ownership.js';
import { mailRootPath } from '../agent-config.js';
import type { AgentModule } from '../agent-module.js';
import type { AgentRuntime } from '../agent-runtime.js';

/** Lifecycle module: a store node's failover jobs. */
export class StoreFailoverModule implements AgentModule {
  readonly name = 'store-failover';
  private jobs: FailoverNode | undefined;
  private automatic: AutomaticFailover | undefined;

  constructor(private readonly runtime: AgentRuntime) {}

  async start(): Promise<void> {
    const { config, clock } = this.runtime;
    const logger = this.runtime.logger.child('failover');
    if (!this.runtime.find('mailStack') || !this.runtime.find('peerLinks')) {
      logger.warn('this node runs no mail services: it takes no logical store over');
      return;
    }
    const directory = this.runtime.need('directory');
    const journal = new FailoverJournal(config.dataDir);
    const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
    const jobs = new FailoverNode({
      context: {
        node: config.node,
        directory,
        mailRoot: mailRootPath(config),
        callPeer: async (node, method, params, timeoutMs) => {
          const links = this.runtime.need('peerLinks');
          let timer: NodeJS.Timeout | undefined;
          // A stopped node accepts the TCP connection and never answers: the call gives up.
          const timeout = new Promise<never>((_, reject) => {
            timer = setTimeout(
              () => reject(new Error(`${node} did not answer within ${timeoutMs / 1000} s`)),
              timeoutMs,
            );
          });
          try {
            return await Promise.race([links.call(node, method, params), timeout]);
          } finally {
            clearTimeout(timer);
          }
        },
        replication: () => this.runtime.find('replication'),
        storage: () => this.runtime.find('mailStorage'),
        noteRedeliveries: async (users) =>
          (await this.runtime.find('redeliveryFilter')?.noteRecent(mailRootPath(config), users)) ?? 0,
        save: (job) => journal.save(job),
        forgetStore: (store) => {
          this.runtime.find('storeOwnership')?.forget(store);
          this.runtime.find('storeUsers')?.invalidate();
        },
        fence: async (store, epoch) => {
          await this.runtime.find('storeOwnership')?.fence(store, epoch);
        },
        storeUsers: async (store) =>
          (await directory.searchUsers({ mailHost: store })).map((user) => user.mail.toLowerCase()),
        leaseMs: config.failover?.leaseMs ?? defaultLeaseMs,
        logger,
        now: () => clock.now(),
        sleep,
      },
      directory,
      servedStores: () => this.runtime.find('storeOwnership')?.servedStores() ?? [],
      journal,
      logger,
      ...(config.failover?.stepPauseMs ? { stepPauseMs: config.failover.stepPauseMs } : {}),
    });
    await jobs.open();
    this.jobs = jobs;
    this.runtime.set('failover', jobs);
    const autoAfter = config.failover?.autoAfterSeconds;
    if (autoAfter !== undefined) {
      this.automatic = new AutomaticFailover({
        node: config.node,
        directory,
        replicas: () => this.runtime.find('replication')?.replicas,
        jobs,
        afterMs: autoAfter * 1000,
        logger,
        now: () => clock.now(),
      });
      this.automatic.start();
      logger.info('automatic failover is on', { afterSeconds: autoAfter });
    }
  }

  async stop(): Promise<void> {
    this.automatic?.stop();
    this.automatic = undefined;
    this.runtime.set('failover', undefined);
    await this.jobs?.close();
    this.jobs = undefined;
  }
}
