/**
 * The mail routing of a `director` node: the directory-driven recipient router, the durable queue
 * (recovered from its spool at start) with LMTP delivery to the stores, and the inbound SMTP
 * server registered as service `smtp` with its endpoint published. Other roles, and directors whose
 * configuration has no `director` section, run none of it (the module logs why).
 */
import { hostname } from 'node:os';
import { DirectorSmtpServer } from '../../mail/director/director-smtp-server.js';
import { LmtpTransport } from '../../mail/director/lmtp-transport.js';
import { RecipientRouter } from '../../mail/director/recipient-router.js';
import { MailQueue } from '../../mail/queue/mail-queue.js';
import { queueRootPath } from '../agent-config.js';
import type { AgentModule } from '../agent-module.js';
import type { AgentRuntime } from '../agent-runtime.js';

const wildcardHosts = new Set(['0.0.0.0', '::', '']);

/** Lifecycle module: the director's SMTP routing and queue. */
export class DirectorMailModule implements AgentModule {
  readonly name = 'director-mail';
  private smtp: DirectorSmtpServer | undefined;
  private queue: MailQueue | undefined;

  constructor(private readonly runtime: AgentRuntime) {}

  async start(): Promise<void> {
    const { config, clock, services } = this.runtime;
    const logger = this.runtime.logger.child('director-mail');
    const server = this.runtime.need('server');
    if (server.role !== 'director') return;
    const settings = config.director;
    if (!settings) {
      logger.warn(
        'this node is a director but its configuration has no director section: no mail routing runs',
      );
      return;
    }
    const directory = this.runtime.need('directory');
    const router = new RecipientRouter({ directory, clock });
    const queue = new MailQueue({
      root: queueRootPath(config),
      clock,
      route: (address) => router.route(address),
      transport: new LmtpTransport({
        clientName: config.address ?? config.node,
        maxConnectionsPerDestination: settings.concurrencyPerDestination,
      }),
      concurrencyPerDestination: settings.concurrencyPerDestination,
      log: (level, message, fields) => logger[level](message, fields),
    });
    await queue.start();
    this.queue = queue;
    this.runtime.set('mailQueue', queue);
    this.runtime.set('recipientRouter', router);
    const smtp = new DirectorSmtpServer({
      host: settings.host,
      port: settings.smtpPort,
      serverName: config.address ?? config.node,
      maxMessageBytes: settings.maxMessageBytes,
      trustedNetworks: settings.trustedNetworks,
      routing: router,
      queue,
      authenticate: (user, password) => directory.verifyPassword(user, password),
      allowInsecureAuth: settings.allowPlaintextAuth,
      log: (level, message, fields) => logger[level](message, fields),
    });
    this.smtp = smtp;
    const publishHost = wildcardHosts.has(settings.host) ? (config.address ?? hostname()) : settings.host;
    services.register({
      name: 'smtp',
      start: async () => {
        await smtp.start();
        // Merged: other director modules (the IMAP/POP proxy) publish their endpoints here too.
        const endpoints = { ...this.runtime.find('serviceEndpoints'), smtp: `${publishHost}:${smtp.port}` };
        this.runtime.set('serviceEndpoints', endpoints);
        return `listening on ${settings.host}:${smtp.port}`;
      },
      stop: () => smtp.stop(),
    });
    await services.start('smtp');
    logger.info('director mail routing started', {
      smtp: `${publishHost}:${smtp.port}`,
      queue: queue.summary().messages,
    });
  }

  async stop(): Promise<void> {
    const { services } = this.runtime;
    if (this.smtp) {
      try {
        await services.stop('smtp');
      } catch (error) {
        this.runtime.logger.error('smtp stop failed', { error: String(error) });
      }
      services.unregister('smtp');
      this.smtp = undefined;
      const { smtp: _smtp, ...others } = this.runtime.find('serviceEndpoints') ?? {};
      this.runtime.set('serviceEndpoints', others);
    }
    if (this.queue) {
      this.runtime.set('mailQueue', undefined);
      this.runtime.set('recipientRouter', undefined);
      await this.queue.stop();
      this.queue = undefined;
    }
  }
}
