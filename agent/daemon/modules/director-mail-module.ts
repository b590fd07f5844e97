/**
 * The mail routing of a `director` node: the directory-driven recipient router, the durable queue
 * (recovered from its spool at start) with LMTP delivery to the stores, and the inbound SMTP
 * server registered as service `smtp` with its endpoint published. Run on the roles agent/roles.ts
 * gives it; a director whose configuration has no `director` section runs none of it (the module
 * logs why).
 */
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { LdapFleetDirectory } from '../../common/directory/ldap-fleet-directory.js';
import { DeliveryRules } from '../../mail/director/delivery-rules/delivery-rules.js';
import { VacationRecord } from '../../mail/director/delivery-rules/vacation-record.js';
import { DirectorAuthenticator } from '../../mail/director/director-authenticator.js';
import { txtLookup } from '../../mail/director/dkim/department-dns.js';
import { DkimKeyFiles } from '../../mail/director/dkim/dkim-key-files.js';
import { DkimSigner } from '../../mail/director/dkim/dkim-signer.js';
import { DomainDkimKeys } from '../../mail/director/dkim/domain-dkim-keys.js';
import { DirectorSmtpServer } from '../../mail/director/inbound/director-smtp-server.js';
import { RecipientRouter } from '../../mail/director/inbound/recipient-router.js';
import { LmtpTransport } from '../../mail/director/outbound/lmtp-transport.js';
import { MtaStsPolicies, tlsFailureTypes } from '../../mail/director/outbound/mta-sts.js';
import { MxResolver } from '../../mail/director/outbound/mx-resolver.js';
import { MxTransport } from '../../mail/director/outbound/mx-transport.js';
import { MailQueue } from '../../mail/director/queue/mail-queue.js';
import { SelfServiceServer } from '../../mail/director/self-service/self-service-server.js';
import { loadMailTls } from '../../mail/protocol/tls/mail-tls.js';
import { SrsRewriter } from '../../mail/srs/srs-address.js';
import { loadSrsSecrets } from '../../mail/srs/srs-secrets.js';
import { DirectorTraceRecorder } from '../../mail/trace/trace-recorders.js';
import { dkimKeyDirPath, queueRootPath, srsSecretsPath } from '../agent-config.js';
import type { AgentModule } from '../agent-module.js';
import type { AgentRuntime } from '../agent-runtime.js';
import { registerQueueCounters } from './director-figures.js';
import { startPeriodicSweep } from './periodic-sweep.js';

const wildcardHosts = new Set(['0.0.0.0', '::', '']);

/** A DNS name with at least two labels, not an IP address. */
function isDomainName(name: string): boolean {
  return isIP(name) === 0 && /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(name);
}

/** Lifecycle module: the director's SMTP routing and queue. */
export class DirectorMailModule implements AgentModule {
  readonly name = 'director-mail';
  private smtp: DirectorSmtpServer | undefined;
  private selfService: SelfServiceServer | undefined;
  private queue: MailQueue | undefined;
  private removeCounters: (() => void) | undefined;
  private dkimSweep: NodeJS.Timeout | undefined;

  constructor(private readonly runtime: AgentRuntime) {}

  async start(): Promise<void> {
    const { config, clock, services } = this.runtime;
    const logger = this.runtime.logger.child('director-mail');
    const settings = config.director;
    if (!settings) {
      logger.warn(
        'this node is a director but its configuration has no director section: no mail routing runs',
      );
      return;
    }
    const directory = this.runtime.need('directory');
    const serverName = config.address ?? config.node;
    const outboundPort = settings.outboundDelivery ? settings.outboundPort : undefined;
    const router = new RecipientRouter({ directory, clock, outboundPort });
    const resolver = new MxResolver({ servers: settings.dnsServers });
    const stsCa = settings.mtaSts.caFile ? await readFile(settings.mtaSts.caFile) : undefined;
    const outbound = new MxTransport({
      clientName: serverName,
      resolve: (domain) => resolver.route(domain),
      mtaSts: new MtaStsPolicies({
        clock,
        ...(settings.dnsServers ? { servers: settings.dnsServers } : {}),
        ...(stsCa ? { ca: stsCa } : {}),
        policyPort: settings.mtaSts.policyPort,
      }),
      ...(stsCa ? { tlsCa: stsCa } : {}),
    });
    // The director's own name by default: no department's SPF or DMARC policy involved, and no
    // SRS address can be taken for a user's (docs/self-service.md "SRS"). A bare node name or an
    // IP address cannot receive the bounces: then SRS waits for `director.srs.domain`.
    const srsDomain = settings.srs.domain ?? (isDomainName(serverName) ? serverName : undefined);
    if (settings.srs.enabled && !srsDomain)
      logger.warn('SRS is off: the director has no domain name; set director.srs.domain', { serverName });
    const srsSecrets = settings.srs.enabled && srsDomain ? await loadSrsSecrets(srsSecretsPath(config)) : [];
    const srs =
      settings.srs.enabled && srsDomain
        ? new SrsRewriter({ domain: srsDomain, secrets: srsSecrets, now: () => clock.now() })
        : undefined;
    // The gateways ask for them (`srs.secrets`, peers of role gateway only) to check bounces.
    this.runtime.set('srs', srs && srsDomain ? { domain: srsDomain, secrets: srsSecrets } : undefined);
    const traced = new DirectorTraceRecorder(this.runtime.mailTrace, () => clock.now());
    const subjects = this.runtime.queueSubjects;
    const queue = new MailQueue({
      root: queueRootPath(config),
      clock,
      route: (address) => router.route(address),
      transports: {
        lmtp: new LmtpTransport({
          clientName: serverName,
          maxConnectionsPerDestination: settings.concurrencyPerDestination,
        }),
        ...(settings.outboundDelivery ? { smtp: outbound } : {}),
      },
      concurrencyPerDestination: settings.concurrencyPerDestination,
      notices: {
        reportingMta: serverName,
        delayWarningAfterMs: settings.delayWarningAfterMs,
        maximalQueueLifetimeMs: settings.maximalQueueLifetimeMs,
        ...(srs ? { returnTo: (sender: string) => srs.returnTo(sender) } : {}),
      },
      log: (level, message, fields) => logger[level](message, fields),
      onRecorded: (entry, records) => {
        traced.recorded(entry, records);
        if (entry.recipients.every((r) => r.state === 'delivered' || r.state === 'bounced'))
          subjects.forget(entry.id);
      },
    });
    await queue.start();
    this.queue = queue;
    this.runtime.set('mailQueue', queue);
    this.runtime.set('recipientRouter', router);
    const removeQueueCounters = registerQueueCounters(this.runtime.counters, queue, clock);
    // TLS-RPT-style failure counts of outbound delivery (MTA-STS), summed over destinations: /metrics.
    const removeTlsCounters = tlsFailureTypes.map((type) =>
      this.runtime.counters.register({
        name: `outbound_tls_${type.replaceAll('-', '_')}`,
        kind: 'counter',
        help: `Outbound deliveries that met the TLS-RPT failure "${type}" (MTA-STS) since start.`,
        read: () =>
          Object.values(outbound.tlsFailures()).reduce((sum, counts) => sum + (counts[type] ?? 0), 0),
      }),
    );
    this.removeCounters = () => {
      removeQueueCounters();
      for (const remove of removeTlsCounters) remove();
    };
    // Read at each start, so a renewed certificate is picked up by service.restart of the agent.
    const tls = config.tls ? await loadMailTls(config.tls) : undefined;
    const submissionLogins = new DirectorAuthenticator({ directory, clock, guard: this.runtime.loginGuard });
    let signer: DkimSigner | undefined;
    if (settings.dkim) {
      const keyFiles = new DkimKeyFiles(dkimKeyDirPath(config));
      const log = (level: 'info' | 'warn', message: string, fields: Record<string, unknown>) =>
        logger[level](message, fields);
      signer = new DkimSigner({ directory, keyFiles, clock, log });
      const keys = new DomainDkimKeys({
        directory,
        keyFiles,
        signer,
        clock,
        lookup: txtLookup(settings.dnsServers),
        policy: { spf: settings.dkim.spf, dmarcPolicy: settings.dkim.dmarcPolicy },
        log,
      });
      this.runtime.set('dkim', keys);
      // Retired keys leave DNS and disk after their grace period; hourly is precise enough for days.
      this.dkimSweep = startPeriodicSweep(() => keys.sweep(), logger, 'the DKIM key sweep', 3_600_000);
    }
    // Users' forwarding, vacation replies and spam limits (docs/self-service.md).
    const rules = new DeliveryRules({
      ...(srs ? { srs } : {}),
      findUser: (address) => router.findUser(address),
      vacations: new VacationRecord(join(config.dataDir, 'vacation')),
      clock,
      host: serverName,
      log: (level, message, fields) => logger[level](message, fields),
    });
    const smtp = new DirectorSmtpServer({
      rules,
      ...(srs ? { srs } : {}),
      host: settings.host,
      port: settings.smtpPort,
      serverName: config.address ?? config.node,
      maxMessageBytes: settings.maxMessageBytes,
      trustedNetworks: settings.trustedNetworks,
      maxConnectionsPerAddress: settings.maxConnectionsPerAddress,
      routing: router,
      // Each accepted message is noted in the mail trace with its Message-ID.
      queue: {
        enqueue: async (message) => {
          const id = await queue.enqueue(message);
          traced.received(id, message);
          // Not awaited: the sender's 250 must not wait for the subject column.
          void subjects.noteQueued(id, message.content).catch(() => {});
          return id;
        },
      },
      // Through the node's login guard, like the proxy's logins: throttled, disabled refused.
      authenticate: (login, password, clientAddress) =>
        submissionLogins.authenticate(login, password, clientAddress),
      allowInsecureAuth: settings.allowPlaintextAuth,
      outboundEnabled: settings.outboundDelivery,
      tls,
      submissionPort: settings.submissionPort,
      submissionsPort: settings.submissionsPort,
      signer,
      log: (level, message, fields) => logger[level](message, fields),
    });
    this.smtp = smtp;
    const publishHost = wildcardHosts.has(settings.host) ? (config.address ?? hostname()) : settings.host;
    services.register({
      name: 'smtp',
      start: async () => {
        await smtp.start();
        // Merged: other director modules (the IMAP/POP proxy) publish their endpoints here too.
        const endpoints: Record<string, string> = {
          ...this.runtime.find('serviceEndpoints'),
          smtp: `${publishHost}:${smtp.port}`,
        };
        if (smtp.submissionPort) endpoints.submission = `${publishHost}:${smtp.submissionPort}`;
        if (smtp.submissionsPort) endpoints.submissions = `${publishHost}:${smtp.submissionsPort}`;
        this.runtime.set('serviceEndpoints', endpoints);
        return `listening on ${settings.host}:${smtp.port}`;
      },
      stop: () => smtp.stop(),
    });
    await services.start('smtp');
    if (settings.selfServicePort !== undefined && tls) {
      const page = new SelfServiceServer({
        host: settings.host,
        port: settings.selfServicePort,
        tls,
        clock,
        // The same guard as SMTP, IMAP and POP3 logins: guessing here slows those too.
        authenticate: (address, password, client) => submissionLogins.authenticate(address, password, client),
        // Not the router's cache: the page shows what was just saved.
        findUser: (address) => directory.findUserByAddress(address),
        expand: (address) => router.expand(address),
        // Otherwise the router's cache (a minute) keeps delivering under the old settings.
        saved: (address) => router.invalidate({ user: address }),
        bindAs: (dn, password) =>
          LdapFleetDirectory.withPassword({
            url: config.directory.url,
            baseDn: config.directory.baseDn,
            bindDn: dn,
            bindPassword: password,
          }),
        // Asked of the user's store with its own password, along the proxy's path (it starts later).
        quotaUse: async (user, password, timeoutMs) => {
          const proxies = this.runtime.find('mailProxies');
          if (!proxies) throw new Error('this director runs no IMAP proxy to reach the stores');
          return proxies.quotaUse(user, password, timeoutMs);
        },
        log: (level, message, fields) => logger[level](message, fields),
      });
      await page.start();
      this.selfService = page;
      this.runtime.set('serviceEndpoints', {
        ...this.runtime.find('serviceEndpoints'),
        'self-service': `${publishHost}:${page.port}`,
      });
    }
    logger.info('director mail routing started', {
      smtp: `${publishHost}:${smtp.port}`,
      srsDomain: srs?.domain ?? 'off',
      queue: queue.summary().messages,
    });
  }

  async stop(): Promise<void> {
    const { services } = this.runtime;
    if (this.selfService) {
      await this.selfService.stop();
      this.selfService = undefined;
      const { 'self-service': _page, ...rest } = this.runtime.find('serviceEndpoints') ?? {};
      this.runtime.set('serviceEndpoints', rest);
    }
    if (this.dkimSweep) clearInterval(this.dkimSweep);
    this.dkimSweep = undefined;
    this.removeCounters?.();
    this.removeCounters = undefined;
    if (this.smtp) {
      try {
        await services.stop('smtp');
      } catch (error) {
        this.runtime.logger.error('smtp stop failed', { error: String(error) });
      }
      services.unregister('smtp');
      this.smtp = undefined;
      const {
        smtp: _smtp,
        submission: _s,
        submissions: _ss,
        ...others
      } = this.runtime.find('serviceEndpoints') ?? {};
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
