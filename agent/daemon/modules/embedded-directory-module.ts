/**
 * On the node of role `directory`: starts the embedded LDAP server before anything else, as the
 * `directory` service, so the agent can then connect to it like every other node does. Its bind
 * throttle and connection caps report as role counters, and its locked DNs and addresses are the
 * `directoryLockouts` part (for the helpdesk's lockout list).
 */
import { join } from 'node:path';
import { AuditLog } from '../../control/audit-log.js';
import { directoryChangeEntry } from '../../directory/embedded/directory-change-audit.js';
import type { DirectoryGuardFigures } from '../../directory/embedded/embedded-directory-server.js';
import type { RoleCounter } from '../../metrics/counter-registry.js';
import type { AgentModule } from '../agent-module.js';
import type { AgentRuntime, EmbeddedDirectoryHandle, EmbeddedDirectoryStarter } from '../agent-runtime.js';

/** The role counters of the directory's guard: name, kind, help, figure. */
const guardCounters: Array<[string, RoleCounter['kind'], string, keyof DirectoryGuardFigures]> = [
  ['directory_connections', 'gauge', 'Open LDAP connections to the embedded directory.', 'connections'],
  [
    'directory_connections_refused_total',
    'counter',
    'LDAP connections refused by the per-address or total cap.',
    'connectionsRefused',
  ],
  ['directory_idle_closed_total', 'counter', 'LDAP connections closed after their idle time.', 'idleClosed'],
  [
    'directory_binds_failed_total',
    'counter',
    'Binds refused for a wrong password or unknown DN.',
    'bindsFailed',
  ],
  [
    'directory_binds_throttled_total',
    'counter',
    'Binds refused unchecked because their DN or client address must wait (answered 49).',
    'bindsThrottled',
  ],
  ['directory_locked_dns', 'gauge', 'DNs locked now after failed binds.', 'lockedDns'],
  [
    'directory_locked_addresses',
    'gauge',
    'Client addresses locked now after failed binds.',
    'lockedAddresses',
  ],
];

/** Lifecycle module: the embedded LDAP server (`directory` service), first of all. */
export class EmbeddedDirectoryModule implements AgentModule {
  readonly name = 'embedded-directory';
  private removers: Array<() => void> = [];

  constructor(
    private readonly runtime: AgentRuntime,
    private readonly starter: EmbeddedDirectoryStarter,
  ) {}

  async start(): Promise<void> {
    const options = this.runtime.config.embeddedDirectory;
    if (!options) return;
    const logger = this.runtime.logger.child('directory');
    // The directory records its own writes, so a change made with anyone's bind, by any tool, is on
    // record. Its own file: it starts before the control plane opens audit.log.
    const audit = new AuditLog(join(this.runtime.config.dataDir, 'directory-audit.log'));
    await audit.open();
    this.runtime.set('directoryAudit', audit);
    const { node } = this.runtime.config;
    const recordChange = (write: Parameters<typeof directoryChangeEntry>[2]) =>
      audit.append(directoryChangeEntry(node, this.runtime.clock.now(), write));
    let handle: EmbeddedDirectoryHandle | undefined;
    this.runtime.services.register({
      name: 'directory',
      start: async () => {
        handle = await this.starter(options, logger, this.runtime.clock, recordChange);
        return handle.detail ?? `listening on ldap://${options.host}:${options.port}`;
      },
      stop: async () => {
        await handle?.stop();
        handle = undefined;
      },
    });
    // Read through the current handle: the service may be restarted (service.restart).
    this.runtime.set('directoryLockouts', {
      list: () => handle?.lockouts?.() ?? [],
      unlock: (kind, key) => handle?.unlock?.(kind, key) ?? false,
    });
    // One look at the throttle per sample, not one per counter (the lockout scan walks every key).
    let last: { at: number; figures: DirectoryGuardFigures | undefined } | undefined;
    const figures = () => {
      const now = this.runtime.clock.now();
      if (!last || now - last.at >= 500) last = { at: now, figures: handle?.guardFigures?.() };
      return last.figures;
    };
    this.removers = guardCounters.map(([name, kind, help, figure]) =>
      this.runtime.counters.register({
        name,
        kind,
        help,
        // A stopped directory has no figures: the counter is left out of that sample.
        read: () => figures()?.[figure] ?? Number.NaN,
      }),
    );
    await this.runtime.services.start('directory');
  }

  async stop(): Promise<void> {
    for (const remove of this.removers.splice(0)) remove();
    this.runtime.set('directoryLockouts', undefined);
    if (!this.runtime.services.has('directory')) return;
    await this.runtime.services.stop('directory');
    this.runtime.services.unregister('directory');
    await this.runtime.find('directoryAudit')?.close();
    this.runtime.set('directoryAudit', undefined);
  }
}
