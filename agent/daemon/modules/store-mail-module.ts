/**
 * The mail services of a `store` or `spare` node: builds the mail stack (driver `embedded`), the
 * directory logins and the LMTP recipient check, registers the services `lmtp`, `imap` and `pop3`
 * (each restartable with `service.restart`), their endpoints for enrollment to publish, and the
 * store counters. The roles that run it are in agent/roles.ts; a node whose configuration has no
 * `mail` section runs no mail services (the module logs why and does nothing else).
 */
import { hostname } from 'node:os';
import { RedeliveryFilter } from '../../failover/redelivery-filter.js';
import { StoreOwnership } from '../../failover/store-ownership.js';
import { EmbeddedMailStack } from '../../mail/store/embedded-mail-stack.js';
import { LmtpClientCheck } from '../../mail/store/lmtp/lmtp-client-check.js';
import { MailAuthenticator } from '../../mail/store/mail-authenticator.js';
import { type StoreMailService, storeMailServices } from '../../mail/store/mail-stack.js';
import { MaildirStorage } from '../../mail/store/maildir/maildir-storage.js';
import { createRecipientLookup } from '../../mail/store/recipient-lookup.js';
import { pop3SessionService, type SessionServiceFactory } from '../../mail/store/session-servers.js';
import { StoreUsers } from '../../mail/store/store-users.js';
import { mailRootPath } from '../agent-config.js';
import type { AgentModule } from '../agent-module.js';
import type { AgentRuntime } from '../agent-runtime.js';
import { StoreFigures } from './store-figures.js';

const wildcardHosts = new Set(['0.0.0.0', '::', '']);

/** Lifecycle module: the store's mail services. */
export class StoreMailModule implements AgentModule {
  readonly name = 'store-mail';
  private figures: StoreFigures | undefined;
  private registered: StoreMailService[] = [];
  private ownership: StoreOwnership | undefined;

  constructor(
    private readonly runtime: AgentRuntime,
    /** Builds the IMAP server; without it the node runs LMTP and POP3 only. */
    private readonly imap: SessionServiceFactory | undefined,
  ) {}

  async start(): Promise<void> {
    const { config, clock, services } = this.runtime;
    const logger = this.runtime.logger.child('store-mail');
    const server = this.runtime.need('server');
    const mail = config.mail;
    if (!mail) {
      logger.warn(
        'this node is a mail node but its configuration has no mail section: no mail services run',
        {
          role: server.role,
        },
      );
      return;
    }
    const directory = this.runtime.need('directory');
    const users = new StoreUsers({ directory, node: config.node, clock });
    // The failover fence: no LMTP 250 and no login for a store this node cannot prove it serves.
    const ownership = new StoreOwnership({
      node: config.node,
      directory,
      dataDir: config.dataDir,
      logger: this.runtime.logger.child('failover'),
      ...(config.failover?.leaseMs ? { leaseMs: config.failover.leaseMs } : {}),
      onLost: (store) => {
        users.invalidate();
        void this.closeSessionsOf(store);
      },
    });
    await ownership.start();
    this.ownership = ownership;
    const redeliveries = new RedeliveryFilter(config.dataDir, () => clock.now());
    await redeliveries.open();
    const mayServe = (store: string) => ownership.mayServe(store);
    const authenticator = new MailAuthenticator({
      users,
      clock,
      mayServe,
      guard: this.runtime.loginGuard,
      // Who failed and why, never with what password.
      onOutcome: ({ login, clientAddress, result, cached }) => {
        if (result.ok) logger.debug('mail login', { user: result.user, ip: clientAddress, cached });
        else logger.info('mail login refused', { login, ip: clientAddress, reason: result.reason });
      },
    });
    // Only the directors (and this node) deliver here: mail from anywhere else skipped the gateway.
    const lmtpClients = new LmtpClientCheck({
      directory,
      node: config.node,
      trustedNetworks: mail.lmtpTrustedNetworks,
      clock,
    });
    const storage = new MaildirStorage({
      root: mailRootPath(config),
      onRepair: (user, folder, repairs) =>
        logger.warn('mailbox repaired after a crash', { user, folder, repairs }),
      // Every change goes to replication (docs/replication.md), started before these services.
      changeFeed: () => this.runtime.find('replication'),
    });
    const stack = new EmbeddedMailStack({
      host: mail.host,
      publishHost: wildcardHosts.has(mail.host) ? (config.address ?? hostname()) : mail.host,
      ports: {
        lmtp: mail.lmtpPort,
        imap: mail.imapPort,
        pop3: mail.pop3Port,
        ...(mail.imapsPort === undefined ? {} : { imaps: mail.imapsPort }),
        ...(mail.pop3sPort === undefined ? {} : { pop3s: mail.pop3sPort }),
      },
      storage,
      recipientLookup: createRecipientLookup({ users, clock }),
      lmtpClientCheck: (address) => lmtpClients.verdict(address),
      mayServe,
      isRedelivery: (user, data) => redeliveries.takeRedelivery(user, data),
      authenticate: authenticator.authenticate,
      ...(config.tls ? { tlsFiles: config.tls } : {}),
      maxMessageBytes: mail.maxMessageBytes,
      serverName: config.address ?? config.node,
      allowPlaintextAuth: mail.allowPlaintextAuth,
      clock,
      ...(this.imap ? { imap: this.imap } : {}),
      pop3: pop3SessionService,
      log: (level, message, fields) => logger[level](message, fields),
    });
    this.runtime.set('storeUsers', users);
    this.runtime.set('storeOwnership', ownership);
    this.runtime.set('redeliveryFilter', redeliveries);
    this.runtime.set('mailAuthenticator', authenticator);
    this.runtime.set('mailStack', stack);
    this.runtime.set('mailStorage', storage);

    for (const name of storeMailServices.filter((service) => service !== 'imap' || this.imap)) {
      services.register({
        name,
        start: async () => {
          const detail = await stack.startService(name);
          this.publishEndpoints();
          return detail;
        },
        stop: () => stack.stopService(name),
      });
      this.registered.push(name);
      await services.start(name);
    }
    this.runtime.set('serviceEndpoints', stack.endpoints());

    this.figures = new StoreFigures({
      stack,
      counters: this.runtime.counters,
      sections: this.runtime.sampleSections,
      clock,
      onScanError: (error) => logger.warn('mailbox scan failed', { error: String(error) }),
    });
    await this.figures.start();
    logger.info('mail services started', { endpoints: stack.endpoints(), tls: config.tls !== undefined });
  }

  async stop(): Promise<void> {
    const { services } = this.runtime;
    this.figures?.stop();
    this.figures = undefined;
    for (const name of [...this.registered].reverse()) {
      try {
        await services.stop(name);
      } catch (error) {
        this.runtime.logger.error('mail service stop failed', { service: name, error: String(error) });
      }
      services.unregister(name);
    }
    this.registered = [];
    const stack = this.runtime.find('mailStack');
    this.runtime.set('mailStack', undefined);
    this.runtime.set('mailStorage', undefined);
    this.runtime.set('mailAuthenticator', undefined);
    this.runtime.set('storeUsers', undefined);
    this.runtime.set('storeOwnership', undefined);
    this.runtime.set('redeliveryFilter', undefined);
    this.ownership?.stop();
    this.ownership = undefined;
    this.runtime.set('serviceEndpoints', undefined);
    await stack?.close();
  }

  /** Closes the IMAP and POP3 sessions of a store's users (this node no longer serves it). */
  private async closeSessionsOf(store: string): Promise<void> {
    const stack = this.runtime.find('mailStack');
    const users = this.runtime.find('storeUsers');
    if (!stack || !users) return;
    const names = new Set(stack.sessions().flatMap((session) => (session.user ? [session.user] : [])));
    let closed = 0;
    for (const name of names) {
      const user = await users.find(name).catch(() => undefined);
      // A user the directory cannot tell about is closed too: better a reconnect than a session
      // on a store this node may have lost.
      if (!user || user.entry.mailHost === store) closed += stack.kick(name);
    }
    this.runtime.logger.info('closed the sessions of a logical store this node no longer serves', {
      store,
      closed,
    });
  }

  /**
   * After a restart (enrollment has run), a service on port 0 may listen elsewhere: publish the
   * endpoints again so the director and consoles find it.
   */
  private publishEndpoints(): void {
    const stack = this.runtime.find('mailStack');
    const server = this.runtime.find('server');
    if (!stack || !server || this.runtime.find('address') === undefined) return;
    const endpoints = { ...server.endpoints, ...stack.endpoints() };
    if (Object.entries(endpoints).every(([name, value]) => server.endpoints[name] === value)) return;
    this.runtime.set('serviceEndpoints', stack.endpoints());
    const directory = this.runtime.need('directory');
    void directory
      .updateServer(this.runtime.config.node, { endpoints })
      .then(() => directory.getServer(this.runtime.config.node))
      .then((updated) => updated && this.runtime.set('server', updated))
      .catch((error: unknown) =>
        this.runtime.logger.warn('could not publish the mail endpoints', { error: String(error) }),
      );
  }
}
