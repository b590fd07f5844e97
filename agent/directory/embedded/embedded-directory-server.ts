/**
 * The embedded directory (agent role `directory`): an LDAPv3 server on ldapjs for labs and small
 * sites, loaded with the shipped schema, with the same access rules as the slapd configuration,
 * durable writes (a write is answered only after it is fsynced to the journal), a bind throttle
 * per DN and per client address, and connection caps and idle times.
 */
import { mkdir } from 'node:fs/promises';
import type { Socket } from 'node:net';
import ldap from 'ldapjs';
import { type Clock, systemClock } from '../../common/clock.js';
import type { DirectorySchema } from '../schema/directory-schema.js';
import { loadDirectorySchema } from '../schema/shipped-schema.js';
import { AccessPolicy } from './access-control.js';
import { BindGate } from './bind-gate.js';
import {
  type BindLockout,
  BindThrottle,
  type BindThrottleEvent,
  type BindThrottleOptions,
} from './bind-throttle.js';
import {
  type ConnectionLimitOptions,
  ConnectionLimits,
  type ConnectionRefusal,
  refuseConnection,
} from './connection-limits.js';
import type { DirectoryChangeRecorder } from './directory-change-audit.js';
import { DirectoryDatabase } from './directory-database.js';
import { clientAddress, FleetAddresses } from './fleet-addresses.js';
import { type ConnectionState, LdapRequestHandlers } from './ldap-request-handlers.js';
import type { LdapjsServer } from './ldapjs-server-types.js';
import { ReadOperations } from './read-operations.js';
import { WriteOperations } from './write-operations.js';

/** Options of {@link EmbeddedDirectoryServer}. */
export interface EmbeddedDirectoryOptions {
  /** Directory holding the snapshot and journal (created if missing, mode 0700). */
  dataDir: string;
  /** Suffix served, e.g. `dc=mailfleet,dc=lab`. */
  baseDn: string;
  /** Listen address (default 127.0.0.1). */
  host?: string;
  /** TCP port; 0 picks a free one (read it back from `url`). */
  port?: number;
  /** A DN that bypasses access control, like slapd's rootdn (for seeding). Not stored in the tree. */
  rootDn?: string;
  /** The root DN's password, cleartext or hashed ({SSHA512}...). */
  rootPassword?: string;
  /** Where the .schema files are (default: the shipped build/ldap). */
  schemaDir?: string;
  /** Most entries a search without the paged results control returns (default 500, as slapd). */
  sizeLimit?: number;
  /** Journal size that triggers compaction into a new snapshot (default 64 MiB). */
  compactAfterBytes?: number;
  /** Bind throttle per DN and per client address (default: the mail logins' policies). */
  bindThrottle?: BindThrottleOptions;
  /** Connection caps and idle times (defaults in connection-limits.ts). */
  connectionLimits?: ConnectionLimitOptions;
  /**
   * Addresses or CIDR ranges of the fleet's nodes, never throttled or capped per address (an
   * address a server entry bound from is treated so anyway; fleet-addresses.ts).
   */
  exemptAddresses?: readonly string[];
  /** Time source of the throttle (tests drive it). Default the machine's clock. */
  clock?: Clock;
  /** Told about locks, throttled binds and refused connections, for the log (no passwords). */
  onGuardEvent?: (event: DirectoryGuardEvent) => void;
  /** Records every committed write before it is acknowledged (the node's directory audit log). */
  recordChange?: DirectoryChangeRecorder;
}

/** What the bind throttle and the connection caps report. */
export type DirectoryGuardEvent =
  | BindThrottleEvent
  | { type: 'connection-refused'; address: string; why: ConnectionRefusal };

/** The guard's figures since start, for metrics. */
export interface DirectoryGuardFigures {
  connections: number;
  connectionsRefused: number;
  idleClosed: number;
  bindsFailed: number;
  bindsThrottled: number;
  /** DNs and addresses locked now (not only slowed down). */
  lockedDns: number;
  lockedAddresses: number;
}

interface RunningServer {
  ldapServer: LdapjsServer;
  database: DirectoryDatabase;
  connections: Map<Socket, ConnectionState>;
  /** Connections over a cap, being told why. */
  refused: Set<Socket>;
  throttle: BindThrottle;
  limits: ConnectionLimits;
  url: string;
}

/** The embedded LDAP server. Construct, `start()`, read `url`, `stop()`. Several may run in one process. */
export class EmbeddedDirectoryServer {
  private running: RunningServer | undefined;

  constructor(private readonly options: EmbeddedDirectoryOptions) {}

  /** `ldap://host:port` once started. */
  get url(): string {
    if (!this.running) throw new Error('the embedded directory is not started');
    return this.running.url;
  }

  /** Recovers the data directory, then listens. */
  async start(): Promise<void> {
    if (this.running) throw new Error('the embedded directory is already started');
    const { dataDir, baseDn } = this.options;
    const schema: DirectorySchema = await loadDirectorySchema(this.options.schemaDir);
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    const database = new DirectoryDatabase({
      dataDir,
      baseDn,
      schema,
      ...(this.options.compactAfterBytes ? { compactAfterBytes: this.options.compactAfterBytes } : {}),
    });
    await database.open();
    const policy = new AccessPolicy(baseDn, schema, database.entries);
    const root =
      this.options.rootDn && this.options.rootPassword
        ? { dn: this.options.rootDn, password: this.options.rootPassword }
        : undefined;
    const clock = this.options.clock ?? systemClock;
    const onGuardEvent = this.options.onGuardEvent ?? (() => {});
    const fleet = new FleetAddresses({ exemptAddresses: this.options.exemptAddresses, clock });
    const throttle = new BindThrottle(this.options.bindThrottle ?? {}, clock, fleet, onGuardEvent);
    const limits = new ConnectionLimits(this.options.connectionLimits ?? {}, fleet);
    const reads = new ReadOperations(database.entries, schema, policy, root);
    const handlers = new LdapRequestHandlers({
      baseDn,
      reads,
      binds: new BindGate(baseDn, schema, reads, throttle, fleet),
      writes: new WriteOperations(database, schema, policy, baseDn, this.options.recordChange),
      entries: database.entries,
      sizeLimit: this.options.sizeLimit ?? 500,
    });
    const connections = new Map<Socket, ConnectionState>();
    const refused = new Set<Socket>();
    const ldapServer = ldap.createServer({
      connectionRouter: (socket: Socket) => {
        const address = clientAddress(socket.remoteAddress);
        const admission = limits.admit(address);
        if (!admission.admitted) {
          refuseConnection(socket, address, admission.why);
          // Closed within a second anyway; a stop must not wait for that.
          refused.add(socket);
          socket.once('close', () => refused.delete(socket));
          onGuardEvent({ type: 'connection-refused', address, why: admission.why });
          return;
        }
        // A search answer is several small writes (entries, then done): without this, Nagle's
        // algorithm and the client's delayed ACK hold the last one back ~40 ms.
        socket.setNoDelay(true);
        const state = handlers.newConnectionState(address);
        connections.set(socket, state);
        socket.on('close', () => {
          connections.delete(socket);
          admission.release();
        });
        ldapServer.newConnection(socket);
        handlers.watchBinds(socket, state);
        const watchIdle = () =>
          limits.watchIdle(
            socket,
            () => state.identity.kind !== 'anonymous',
            () => state.inFlight,
          );
        state.onBound = watchIdle;
        watchIdle();
      },
    } as ldap.ServerOptions) as unknown as LdapjsServer;
    // ldapjs emits errors for broken client connections; they concern that client only.
    ldapServer.on('error', () => {});
    ldapServer.on('clientError', () => {});
    handlers.mount(ldapServer, (socket) => connections.get(socket));
    const host = this.options.host ?? '127.0.0.1';
    try {
      await new Promise<void>((resolve, reject) => {
        ldapServer.server.once('error', reject);
        ldapServer.listen(this.options.port ?? 0, host, () => {
          ldapServer.server.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      await database.close();
      throw error;
    }
    const address = ldapServer.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const shownHost = host.includes(':') ? `[${host}]` : host;
    this.running = {
      ldapServer,
      database,
      connections,
      refused,
      throttle,
      limits,
      url: `ldap://${shownHost}:${port}`,
    };
  }

  /** DNs and client addresses whose binds must wait now (for the helpdesk's lockout list). */
  lockouts(): BindLockout[] {
    return this.running?.throttle.lockouts() ?? [];
  }

  /** Lifts the throttle of a DN (as lockouts() shows it) or a client address; whether it had failures. */
  unlock(kind: BindLockout['kind'], key: string): boolean {
    return this.running?.throttle.unlock(kind, key) ?? false;
  }

  /** Connections, refusals and binds since start, and what is locked now. */
  guardFigures(): DirectoryGuardFigures {
    const running = this.running;
    if (!running) throw new Error('the embedded directory is not started');
    const lockouts = running.throttle.lockouts();
    return {
      connections: running.limits.connections,
      connectionsRefused: running.limits.counts.refused,
      idleClosed: running.limits.counts.idleClosed,
      bindsFailed: running.throttle.counts.failed,
      bindsThrottled: running.throttle.counts.throttled,
      lockedDns: lockouts.filter((l) => l.kind === 'dn' && l.locked).length,
      lockedAddresses: lockouts.filter((l) => l.kind === 'address' && l.locked).length,
    };
  }

  /** Stops listening, drops connections and closes the journal (pending writes finish first). */
  async stop(): Promise<void> {
    const running = this.running;
    if (!running) return;
    this.running = undefined;
    await new Promise<void>((resolve) => {
      running.ldapServer.server.close(() => resolve());
      for (const socket of [...running.connections.keys(), ...running.refused]) socket.destroy();
    });
    await running.database.close();
  }
}
