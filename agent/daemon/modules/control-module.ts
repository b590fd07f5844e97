/**
 * The control plane: host key, audit log, the cache of admin and peer keys, and the SSH server as
 * the `control` service. Restarting `control` closes the listener and opens it again on the same
 * port; established sessions (including the one that asked for the restart) stay up.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { AdminPasswordCheck } from '../../control/admin-password-check.js';
import { AuditLog } from '../../control/audit-log.js';
import { CallerKeyCache } from '../../control/caller-key-cache.js';
import { ControlServer } from '../../control/control-server.js';
import { methodTable } from '../../control/method-table.js';
import { RpcDispatcher } from '../../control/rpc-dispatcher.js';
import { SlapdAuditLog } from '../../directory/slapd/slapd-audit-log.js';
import { syncSubsystem } from '../../moves/sync/sync-protocol.js';
import { replicaSubsystem } from '../../replication/replication-protocol.js';
import type { RoleSpec } from '../../roles.js';
import { hostKeyPath } from '../agent-config.js';
import type { AgentModule } from '../agent-module.js';
import type { AgentRuntime } from '../agent-runtime.js';
import { loadOrCreateHostKey } from '../host-key.js';
import type { ProcessFaultCount } from '../process-faults.js';

/** Lifecycle module: host key, audit log, caller keys and the `control` service. */
export class ControlModule implements AgentModule {
  readonly name = 'control';
  private keys: CallerKeyCache | undefined;
  private unregisterCounters: Array<() => void> = [];
  /** Errors the dispatcher caught outside any handler (0 unless there is a bug). */
  private dispatchFailures = 0;

  constructor(
    private readonly runtime: AgentRuntime,
    /** What the node's role runs (agent/roles.ts): its RPC method groups, whether it checks passwords. */
    private readonly role: RoleSpec,
    /** The process's survived faults, when the process installed ProcessFaults (the agent binary does). */
    private readonly processFaults?: ProcessFaultCount,
  ) {}

  async start(): Promise<void> {
    const { config, services } = this.runtime;
    const logger = this.runtime.logger.child('control');
    const directory = this.runtime.need('directory');
    const sampler = this.runtime.need('sampler');

    const hostKey = await loadOrCreateHostKey(hostKeyPath(config), `mailfleet-agent@${config.node}`);
    this.runtime.set('hostKey', hostKey);
    if (hostKey.created) logger.info('host key created', { fingerprint: hostKey.fingerprint });

    const audit = new AuditLog(join(config.dataDir, 'audit.log'));
    await audit.open();
    this.runtime.set('audit', audit);

    this.keys = new CallerKeyCache(directory, {
      now: () => this.runtime.clock.now(),
      onRefreshError: (error) =>
        logger.warn('key refresh from the directory failed', { error: String(error) }),
      onServers: (servers) => {
        // The periodic read also keeps this node's own entry (state, role) current for node.info.
        const own = servers.find((server) => server.name === config.node);
        if (own) this.runtime.set('server', own);
      },
    });
    await this.keys.start();

    // On slapd's host: its own record of every write (slapo-auditlog), read at each audit.tail.
    const slapdAudit = config.slapdAuditLog
      ? new SlapdAuditLog(config.slapdAuditLog, config.node)
      : undefined;
    const adminDomains = async (uid: string) => (await directory.getAdmin(uid))?.domains ?? [];
    const now = () => this.runtime.clock.now();
    const proxies = () => this.runtime.find('mailProxies');
    const router = () => this.runtime.find('recipientRouter');
    const dispatcher = new RpcDispatcher({
      node: config.node,
      audit,
      logger,
      adminDomains,
      now,
      onUnexpectedError: () => this.dispatchFailures++,
      handlers: methodTable(this.role.methodGroups, {
        facts: () => this.facts(),
        services,
        sampler,
        audit,
        directoryAudit: () => this.runtime.find('directoryAudit') ?? slapdAudit,
        adminDomains,
        now,
        loginGuard: this.runtime.loginGuard,
        directoryLockouts: () => this.runtime.find('directoryLockouts')?.list() ?? [],
        directoryUnlock: (kind, key) => this.runtime.find('directoryLockouts')?.unlock(kind, key) ?? false,
        store: {
          stack: () => this.runtime.find('mailStack'),
          findUser: (address) => this.runtime.need('storeUsers').find(address),
          onKick: (user) => this.runtime.find('mailAuthenticator')?.forgetUser(user),
          replication: () => this.runtime.find('replication'),
        },
        queue: { queue: () => this.runtime.find('mailQueue'), router, subjects: this.runtime.queueSubjects },
        route: { router, proxies },
        proxy: {
          proxies,
          primaryAddress: async (address) => (await directory.findUserByAddress(address))?.mail,
        },
        gateway: { gateway: () => this.runtime.find('gateway') },
        dkim: { keys: () => this.runtime.find('dkim') },
        srs: {
          srs: () => this.runtime.find('srs'),
          roleOf: async (node) => (await this.runtime.need('directory').getServer(node))?.role,
        },
        moves: { moves: () => this.runtime.find('moves') },
        cutover: { holds: () => this.runtime.find('cutoverHolds'), directory },
        trace: { trace: this.runtime.mailTrace },
        failover: {
          node: config.node,
          directory,
          failover: () => this.runtime.find('failover'),
          ownership: () => this.runtime.find('storeOwnership'),
          router,
          proxies,
          queue: () => this.runtime.find('mailQueue'),
          switchoverHolds: () => this.runtime.find('switchoverHolds'),
        },
      }),
    });
    const control = new ControlServer({
      host: config.control.host,
      port: config.control.port,
      hostKey: hostKey.privateKey,
      keys: this.keys,
      // Admins without a key sign in with their directory password (docs/delegation.md).
      passwords: new AdminPasswordCheck(directory, this.runtime.loginGuard),
      dispatcher,
      logger,
      // The bulk channels of mailbox moves and of replication, on the roles that hold mailboxes
      // (the sync group). Each server checks what the peer may touch.
      ...(this.role.methodGroups.includes('sync')
        ? {
            peerSubsystems: [
              {
                name: syncSubsystem,
                serve: (stream: Duplex, peer: string) => {
                  const moves = this.runtime.find('moves');
                  if (moves) void moves.serveSyncChannel(stream, peer);
                  else stream.end();
                },
              },
              {
                name: replicaSubsystem,
                serve: (stream: Duplex, peer: string) => {
                  const replicas = this.runtime.find('replication')?.replicas;
                  if (replicas) void replicas.serve(stream, peer);
                  else stream.end();
                },
              },
            ],
          }
        : {}),
    });
    this.runtime.set('control', control);
    this.unregisterCounters = [
      this.runtime.counters.register({
        name: 'unhandled_errors_total',
        kind: 'counter',
        help: 'Errors that escaped their handler and were caught by a last-resort handler (the process, the RPC dispatcher); the agent kept serving.',
        read: () => (this.processFaults?.count ?? 0) + this.dispatchFailures + control.failedLines,
      }),
      this.runtime.counters.register({
        name: 'control_refused_connections_total',
        kind: 'counter',
        help: 'Connections to the control port dropped by the admission limits (per address, unauthenticated, in all).',
        read: () => control.refusedConnections,
      }),
    ];
    if (this.role.checksPasswords) {
      const guard = this.runtime.loginGuard;
      this.unregisterCounters.push(
        this.runtime.counters.register({
          name: 'login_lockouts',
          kind: 'gauge',
          help: 'Login names and client addresses locked now after too many failed password checks.',
          read: () => guard.lockedCount(),
        }),
      );
    }
    services.register({
      name: 'control',
      start: () => control.listen(),
      stop: async () => {
        await control.stopListening();
        control.disconnectAll();
      },
      restart: async () => {
        await control.stopListening();
        return control.listen();
      },
    });
    await services.start('control');
  }

  async stop(): Promise<void> {
    const { services } = this.runtime;
    try {
      if (services.has('control')) {
        await services.stop('control');
        services.unregister('control');
      }
    } finally {
      for (const unregister of this.unregisterCounters) unregister();
      this.unregisterCounters = [];
      this.keys?.stop();
      await this.runtime.find('audit')?.close();
    }
  }

  private facts() {
    const server = this.runtime.need('server');
    const control = this.runtime.need('control');
    return {
      name: this.runtime.config.node,
      role: server.role,
      directoryState: server.state,
      version: this.runtime.version,
      pid: process.pid,
      hostname: hostname(),
      startedAt: this.runtime.startedAt,
      controlPort: control.port,
      hostKeyFingerprint: this.runtime.need('hostKey').fingerprint,
      endpoints: server.endpoints,
    };
  }
}
