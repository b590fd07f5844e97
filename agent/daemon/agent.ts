/**
 * The agent daemon of one node: a controller that starts lifecycle modules in order (embedded
 * directory, directory client, metrics, the role's modules from agent/roles.ts, control plane,
 * enrollment) and stops them in reverse.
 * Agents are plain objects with no module-level state; tests and the scale bench run many in one
 * process.
 */
import { mkdir } from 'node:fs/promises';
import { type Clock, systemClock } from '../common/clock.js';
import type { ServiceStatus } from '../common/contract/node-metrics.js';
import type { ServerEntry } from '../common/directory/fleet-entries.js';
import { JsonLogger, type LogSink } from '../common/json-logger.js';
import { imapSessionService, type SessionServiceFactory } from '../mail/store/session-servers.js';
import type { CounterRegistry } from '../metrics/counter-registry.js';
import { type RoleModuleName, type RoleSpec, roles } from '../roles.js';
import type { ServiceRegistry } from '../services/service-registry.js';
import type { AgentConfig } from './agent-config.js';
import type { AgentModule } from './agent-module.js';
import { AgentRuntime, type DirectoryFactory, type EmbeddedDirectoryStarter } from './agent-runtime.js';
import { ControlModule } from './modules/control-module.js';
import { CutoverHoldsModule } from './modules/cutover-holds-module.js';
import { DirectorMailModule } from './modules/director-mail-module.js';
import { DirectorProxyModule } from './modules/director-proxy-module.js';
import { DirectoryModule } from './modules/directory-module.js';
import { EmbeddedDirectoryModule } from './modules/embedded-directory-module.js';
import { EnrollmentModule } from './modules/enrollment-module.js';
import { GatewayMailModule } from './modules/gateway-mail-module.js';
import { MetricsModule } from './modules/metrics-module.js';
import { StoreFailoverModule } from './modules/store-failover-module.js';
import { StoreMailModule } from './modules/store-mail-module.js';
import { StoreMovesModule } from './modules/store-moves-module.js';
import { StoreReplicationModule } from './modules/store-replication-module.js';
import { SwitchoverHoldsModule } from './modules/switchover-holds-module.js';
import type { ProcessFaultCount } from './process-faults.js';

/** What an Agent is built with besides its configuration. */
export interface AgentDependencies {
  /** Opens the fleet directory (LdapFleetDirectory in production). */
  directoryFactory: DirectoryFactory;
  /** Starts the embedded LDAP server; needed only when the configuration has `embeddedDirectory`. */
  embeddedDirectory?: EmbeddedDirectoryStarter;
  clock?: Clock;
  /** Where JSON log lines go; default stdout. */
  logSink?: LogSink;
  /** Reported by node.info. */
  version?: string;
  /** Builds the IMAP server of store and spare nodes; default the embedded ImapServer. */
  imapServer?: SessionServiceFactory;
  /** Faults the process survived (the agent process installs ProcessFaults), for `unhandled_errors_total`. */
  processFaults?: ProcessFaultCount;
}

/** Where a started agent can be reached; for tests, the bench and the lab. */
export interface AgentEndpoints {
  address: string;
  controlPort: number;
  metricsPort?: number;
  /** OpenSSH one-line host key, as pinned by consoles. */
  hostKey: string;
  hostKeyFingerprint: string;
}

/** One node's agent. */
export class Agent {
  private readonly runtime: AgentRuntime;
  private started: AgentModule[] = [];
  private stopping: Promise<void> | undefined;

  constructor(
    readonly config: AgentConfig,
    private readonly dependencies: AgentDependencies,
  ) {
    const logger = new JsonLogger(config.node, 'agent', config.log.level, dependencies.logSink);
    this.runtime = new AgentRuntime(
      config,
      logger,
      dependencies.clock ?? systemClock,
      dependencies.version ?? '0.0.0-dev',
    );
  }

  /** Node name. */
  get node(): string {
    return this.config.node;
  }

  /** The agent's services (modules of later issues register theirs here). */
  get services(): ServiceRegistry {
    return this.runtime.services;
  }

  /** Role counters shown in metrics. */
  get counters(): CounterRegistry {
    return this.runtime.counters;
  }

  /**
   * Starts every module in order, checking `signal` between steps: the every-node modules up to
   * metrics, then (the role now read from the directory) the role's modules from agent/roles.ts,
   * then the control plane and enrollment, then the role's modules after control. On failure (or
   * abort) the modules already started are stopped again and the error is rethrown.
   */
  async start(signal?: AbortSignal): Promise<void> {
    if (this.started.length > 0) throw new Error(`agent ${this.node} is already started`);
    this.stopping = undefined;
    const logger = this.runtime.logger;
    logger.info('starting', { version: this.runtime.version });
    // The data directory holds the audit log and later the mail; private to the agent's user.
    await mkdir(this.config.dataDir, { recursive: true, mode: 0o700 });
    for (const module of this.modulesBeforeRole()) await this.startModule(module, signal);
    const role = roles[this.runtime.need('server').role];
    for (const module of this.modulesOfRole(role)) await this.startModule(module, signal);
    // A fresh sample now, so node.metrics and /metrics show the services the later modules started.
    await this.runtime.find('sampler')?.sampleNow();
    logger.info('started', { services: this.runtime.services.list().map(describeService) });
  }

  /** Stops modules in reverse order; a failing module is logged and the rest still stop. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const modules = this.started.reverse();
      this.started = [];
      for (const module of modules) await this.stopModule(module);
      this.runtime.logger.info('stopped');
    })();
    return this.stopping;
  }

  /** Where this agent listens and its host key (after start). */
  endpoints(): AgentEndpoints {
    const hostKey = this.runtime.need('hostKey');
    const metricsHttp = this.runtime.find('metricsHttp');
    return {
      address: this.runtime.need('address'),
      controlPort: this.runtime.need('control').port,
      ...(metricsHttp ? { metricsPort: metricsHttp.port } : {}),
      hostKey: hostKey.publicLine,
      hostKeyFingerprint: hostKey.fingerprint,
    };
  }

  /** This node's server entry as last read from the directory. */
  serverEntry(): ServerEntry | undefined {
    return this.runtime.find('server');
  }

  /** Starts one module; on failure (or abort) stops it and every started one, and rethrows. */
  private async startModule(module: AgentModule, signal: AbortSignal | undefined): Promise<void> {
    try {
      signal?.throwIfAborted();
      await module.start();
      this.started.push(module);
    } catch (error) {
      this.runtime.logger.error('start failed', { module: module.name, error: errorText(error) });
      // The failing module may have started part of itself; its stop() copes with that.
      await this.stopModule(module);
      await this.stop();
      throw error;
    }
  }

  /** What every node runs before its role is known: the role is read from the directory. */
  private modulesBeforeRole(): AgentModule[] {
    const modules: AgentModule[] = [];
    if (this.config.embeddedDirectory) {
      const starter = this.dependencies.embeddedDirectory;
      if (!starter)
        throw new Error('embeddedDirectory is configured but no embedded directory server is available');
      modules.push(new EmbeddedDirectoryModule(this.runtime, starter));
    }
    modules.push(
      new DirectoryModule(this.runtime, this.dependencies.directoryFactory),
      new MetricsModule(this.runtime),
    );
    return modules;
  }

  /**
   * The role's modules (agent/roles.ts), then the control plane with the role's method groups,
   * then enrollment, then the role's modules that call peers with the host key control loaded.
   */
  private modulesOfRole(role: RoleSpec): AgentModule[] {
    const build: Record<RoleModuleName, () => AgentModule> = {
      'store-mail': () =>
        new StoreMailModule(this.runtime, this.dependencies.imapServer ?? imapSessionService),
      'store-moves': () => new StoreMovesModule(this.runtime),
      'store-replication': () => new StoreReplicationModule(this.runtime),
      'store-failover': () => new StoreFailoverModule(this.runtime),
      'director-mail': () => new DirectorMailModule(this.runtime),
      'director-proxy': () => new DirectorProxyModule(this.runtime),
      'cutover-holds': () => new CutoverHoldsModule(this.runtime),
      'switchover-holds': () => new SwitchoverHoldsModule(this.runtime),
      'gateway-mail': () => new GatewayMailModule(this.runtime),
    };
    return [
      ...role.modules.map((name) => build[name]()),
      new ControlModule(this.runtime, role, this.dependencies.processFaults),
      new EnrollmentModule(this.runtime),
      ...role.modulesAfterControl.map((name) => build[name]()),
    ];
  }

  private async stopModule(module: AgentModule): Promise<void> {
    try {
      await module.stop();
    } catch (error) {
      this.runtime.logger.error('stop failed', { module: module.name, error: errorText(error) });
    }
  }
}

function describeService(status: ServiceStatus): string {
  return `${status.name}:${status.state}${status.detail ? ` (${status.detail})` : ''}`;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
