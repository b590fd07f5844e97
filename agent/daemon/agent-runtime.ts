/**
 * What the lifecycle modules of one agent share: the configuration, the registries, and the parts
 * each module brings up (filled in as modules start). One runtime per Agent, no module-level state,
 * so many agents can live in one process.
 */

import type { Clock } from '../common/clock.js';
import type { DirectoryLinkStatus } from '../common/directory/directory-urls.js';
import type { DirectoryConnection, FleetDirectory } from '../common/directory/fleet-directory.js';
import type { ServerEntry } from '../common/directory/fleet-entries.js';
import type { JsonLogger } from '../common/json-logger.js';
import type { AuditLog } from '../control/audit-log.js';
import type { ControlServer } from '../control/control-server.js';
import type { BindLockout } from '../directory/embedded/bind-throttle.js';
import type { DirectoryChangeRecorder } from '../directory/embedded/directory-change-audit.js';
import type { DirectoryGuardFigures } from '../directory/embedded/embedded-directory-server.js';
import type { FailoverNode } from '../failover/failover-node.js';
import type { RedeliveryFilter } from '../failover/redelivery-filter.js';
import type { StoreOwnership } from '../failover/store-ownership.js';
import type { SwitchoverHolds } from '../failover/switchover-holds.js';
import { LoginGuard } from '../mail/auth/login-guard.js';
import type { DomainDkimKeys } from '../mail/director/dkim/domain-dkim-keys.js';
import type { RecipientRouter } from '../mail/director/inbound/recipient-router.js';
import type { MailQueue } from '../mail/director/queue/mail-queue.js';
import { QueueSubjects } from '../mail/director/queue/queue-subjects.js';
import type { RunningGateway } from '../mail/gateway/running-gateway.js';
import type { DirectorProxies } from '../mail/proxy/director-proxies.js';
import type { MailAuthenticator } from '../mail/store/mail-authenticator.js';
import type { MailStack } from '../mail/store/mail-stack.js';
import type { MaildirStorage } from '../mail/store/maildir/maildir-storage.js';
import type { StoreUsers } from '../mail/store/store-users.js';
import { MailTraceLog } from '../mail/trace/mail-trace-log.js';
import { CounterRegistry } from '../metrics/counter-registry.js';
import type { MetricsHttpServer } from '../metrics/metrics-http-server.js';
import type { MetricsSampler } from '../metrics/metrics-sampler.js';
import { SampleSections } from '../metrics/sample-sections.js';
import type { CutoverHolds } from '../moves/cutover-holds.js';
import type { MoveNode } from '../moves/move-node.js';
import type { PeerLinks } from '../moves/peer-links.js';
import type { StoreReplication } from '../replication/store-replication.js';
import { ServiceRegistry } from '../services/service-registry.js';
import type { AgentConfig } from './agent-config.js';
import type { HostKey } from './host-key.js';

/** Opens the fleet directory (LdapFleetDirectory in production). */
export type DirectoryFactory = (
  connection: DirectoryConnection,
  options?: { onLinkChange?: (status: DirectoryLinkStatus) => void },
) => FleetDirectory | Promise<FleetDirectory>;

/** A running embedded LDAP server. */
export interface EmbeddedDirectoryHandle {
  /** e.g. `listening on ldap://127.0.0.1:3890`. */
  readonly detail?: string;
  stop(): Promise<void>;
  /** DNs and client addresses whose binds must wait now (the bind throttle). */
  lockouts?(): BindLockout[];
  /** Lifts the bind throttle of a DN or client address (the helpdesk's `auth.unlock`). */
  unlock?(kind: BindLockout['kind'], key: string): boolean;
  /** Connections, refusals, failed and throttled binds, what is locked now. */
  guardFigures?(): DirectoryGuardFigures;
}

/** Starts the embedded LDAP server of the `directory` node. */
export type EmbeddedDirectoryStarter = (
  options: NonNullable<AgentConfig['embeddedDirectory']>,
  logger: JsonLogger,
  clock: Clock,
  /** Records each committed write before it is acknowledged (the directory audit log). */
  recordChange?: DirectoryChangeRecorder,
) => Promise<EmbeddedDirectoryHandle>;

/** The embedded directory's locked DNs and addresses, for the helpdesk (`auth.lockouts`, `auth.unlock`). */
export interface DirectoryLockouts {
  /** Empty when the directory is not running. */
  list(): BindLockout[];
  /** Lifts one; false when it had no failures or the directory is not running. */
  unlock(kind: BindLockout['kind'], key: string): boolean;
}

/** The parts modules bring up, in start order. */
export interface AgentParts {
  directory: FleetDirectory;
  server: ServerEntry;
  hostKey: HostKey;
  sampler: MetricsSampler;
  audit: AuditLog;
  /** The embedded directory's own audit log of every write (directory nodes): `audit.tail` merges it. */
  directoryAudit: AuditLog;
  control: ControlServer;
  metricsHttp: MetricsHttpServer;
  /** Address consoles reach this node at (published in the server entry). */
  address: string;
  /** The mail services (store and spare nodes). */
  mailStack: MailStack;
  /** The mailboxes under the mail stack (store and spare nodes): mailbox moves read and place them. */
  mailStorage: MaildirStorage;
  /** Directory reads of the mail services (users, their store and quota). */
  storeUsers: StoreUsers;
  /** The director's recipient routing, for route.invalidate (director nodes). */
  recipientRouter: RecipientRouter;
  /** The director's DKIM keys of every domain (director nodes with `director.dkim`). */
  dkim: DomainDkimKeys;
  /** The director's SRS domain and secrets (`srs.secrets` gives them to gateways). */
  srs: { domain: string; secrets: readonly string[] };
  /** The director's durable mail queue (director nodes). */
  mailQueue: MailQueue;
  /** The director's IMAP/POP3 proxies, for the proxy RPCs and route.invalidate (director nodes). */
  mailProxies: DirectorProxies;
  /** The gateway's SMTP, greylist and statistics, for the gateway RPCs (gateway nodes). */
  gateway: RunningGateway;
  /** Mail logins (IMAP, POP3). */
  mailAuthenticator: MailAuthenticator;
  /** The embedded directory's bind lockouts (directory nodes). */
  directoryLockouts: DirectoryLockouts;
  /** The node's mailbox moves (store and spare nodes). */
  moves: MoveNode;
  /** This node's connections to other agents, as a peer (store and spare nodes). */
  peerLinks: PeerLinks;
  /** Replication of the stores this node serves, and the replicas it holds (docs/replication.md). */
  replication: StoreReplication;
  /** The failover jobs this node runs (store and spare nodes; docs/failover.md). */
  failover: FailoverNode;
  /** Deliveries a promotion found in place, so a director's redelivery is not stored twice. */
  redeliveryFilter: RedeliveryFilter;
  /** The failover fence: whether this node may serve a logical store now (docs/failover.md). */
  storeOwnership: StoreOwnership;
  /** The holds mailbox moves placed on this director (director nodes). */
  cutoverHolds: CutoverHolds;
  /** The holds switch-overs placed on this director (director nodes). */
  switchoverHolds: SwitchoverHolds;
  /** Endpoints of services started by modules other than control and metrics (`imap=host:port`...), published at enrollment. */
  serviceEndpoints: Record<string, string>;
}

/** Shared state of one agent. */
export class AgentRuntime {
  readonly services: ServiceRegistry;
  readonly counters = new CounterRegistry();
  /** Sample sections beyond counters (the store module's top quota users). */
  readonly sampleSections = new SampleSections();
  /**
   * Failed password checks per login name and client address, shared by every password check of
   * this node (IMAP, POP3, the proxy, SMTP AUTH); listed by `auth.lockouts`.
   */
  readonly loginGuard: LoginGuard;
  /** Where mail went on this node (gateways and directors write it; `mail.trace` reads it). */
  readonly mailTrace = new MailTraceLog();
  /** Decoded subjects of the director's queued messages (`queue.list`'s subject column). */
  readonly queueSubjects = new QueueSubjects();
  readonly startedAt: number;
  private readonly parts: Partial<AgentParts> = {};

  constructor(
    readonly config: AgentConfig,
    readonly logger: JsonLogger,
    readonly clock: Clock,
    readonly version: string,
  ) {
    this.services = new ServiceRegistry(clock);
    this.loginGuard = new LoginGuard({ clock });
    this.startedAt = clock.now();
  }

  /** A part that an earlier module must have brought up. */
  need<K extends keyof AgentParts>(part: K): AgentParts[K] {
    const value = this.parts[part];
    if (value === undefined)
      throw new Error(`agent part ${part} is not available (its module has not started)`);
    return value as AgentParts[K];
  }

  /** A part, if it is up. */
  find<K extends keyof AgentParts>(part: K): AgentParts[K] | undefined {
    return this.parts[part];
  }

  /** Records (or, with undefined, forgets) a part. */
  set<K extends keyof AgentParts>(part: K, value: AgentParts[K] | undefined): void {
    if (value === undefined) delete this.parts[part];
    else this.parts[part] = value;
  }
}
