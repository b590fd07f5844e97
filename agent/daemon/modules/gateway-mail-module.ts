/**
 * The anti-spam gateway of a `gateway` node (docs/gateway.md): the greylist (journaled under its
 * data directory), the recipient check and harvest guard on the directory, the spam statistics,
 * Rspamd when configured, each domain's spam policy from the directory, and GatewaySmtpServer
 * relaying to the director, registered as service `smtp` with endpoint `smtp`. The running parts
 * go into the runtime (`gateway`) for `gateway.status` and `spam.statistics`, and the per-minute
 * figures become counters of the node's metrics. Run on the roles agent/roles.ts gives it; a gateway
 * whose configuration has no `gateway` section runs none of it.
 */

import { existsSync, readFileSync } from 'node:fs';
import { spamOutcomes } from '../../common/contract/gateway-figures.js';
import { ClamdClient } from '../../mail/gateway/clamd-client.js';
import { directorySpamPolicies } from '../../mail/gateway/directory-spam-policies.js';
import { GatewaySmtpServer } from '../../mail/gateway/gateway-smtp-server.js';
import { Greylist } from '../../mail/gateway/greylist.js';
import { GreylistJournal } from '../../mail/gateway/greylist-journal.js';
import { RecipientCheck } from '../../mail/gateway/recipient-check.js';
import { RecipientHarvestGuard } from '../../mail/gateway/recipient-harvest-guard.js';
import { RspamdClient } from '../../mail/gateway/rspamd-client.js';
import type { RunningGateway } from '../../mail/gateway/running-gateway.js';
import { SenderAuthenticator } from '../../mail/gateway/sender-authentication.js';
import { SpamStatistics } from '../../mail/gateway/spam-statistics.js';
import { loadMailTls } from '../../mail/protocol/tls/mail-tls.js';
import { SrsRewriter } from '../../mail/srs/srs-address.js';
import { loadSrsSecrets } from '../../mail/srs/srs-secrets.js';
import { refreshSrsSecretsCopy } from '../../mail/srs/srs-secrets-copy.js';
import { gatewayTraceStep } from '../../mail/trace/trace-recorders.js';
import { PeerLinks } from '../../moves/peer-links.js';
import { greylistDirPath, hostKeyPath } from '../agent-config.js';
import type { AgentModule } from '../agent-module.js';
import type { AgentRuntime } from '../agent-runtime.js';
import { addServiceEndpoints, publishHost, removeServiceEndpoints } from './service-endpoints.js';

/** How often the gateway asks the directors for their SRS secrets (a change of secret on a director). */
const srsRefreshMs = 10 * 60_000;
/** How soon it asks again while it has no secret. */
const srsRetryMs = 5_000;
/** How long one director has to answer. */
const srsAskTimeoutMs = 10_000;

type LogFn = (message: string, fields?: Record<string, unknown>) => void;

/** Lifecycle module: the gateway's greylisting, recipient check, scanning and SMTP relay. */
export class GatewayMailModule implements AgentModule {
  readonly name = 'gateway-mail';
  private greylist: Greylist | undefined;
  private smtp: GatewaySmtpServer | undefined;
  private registered = false;
  private removeCounters: Array<() => void> = [];
  private srsRefresh: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly runtime: AgentRuntime) {}

  async start(): Promise<void> {
    const { config, clock, services, counters } = this.runtime;
    const logger = this.runtime.logger.child('gateway-mail');
    const settings = config.gateway;
    if (!settings) {
      logger.warn('this node is a gateway but its configuration has no gateway section: no SMTP runs');
      return;
    }
    const directory = this.runtime.need('directory');
    const { dataDir: _dir, ...greylistSettings } = settings.greylist;
    const greylist = new Greylist({
      clock,
      settings: greylistSettings,
      journal: new GreylistJournal({ dir: greylistDirPath(config) }),
    });
    greylist.open();
    this.greylist = greylist;
    const trace = this.runtime.mailTrace;
    const statistics = new SpamStatistics({
      clock,
      onRecord: (decision, at) => trace.add(gatewayTraceStep(decision, at)),
    });
    const harvestGuard = new RecipientHarvestGuard({ clock, ...settings.harvest });
    const recipients = new RecipientCheck(directory, clock);
    const spamPolicies = directorySpamPolicies({
      directory,
      clock,
      onBadPolicy: (domain, value, error) =>
        logger.warn('a domain spam policy cannot be used: the default applies', { domain, value, error }),
    });
    const scanner = settings.rspamdUrl
      ? new RspamdClient({ url: settings.rspamdUrl, timeoutMs: settings.scanTimeoutMs })
      : undefined;
    const [clamdHost = '', clamdPort = '0'] = settings.clamdAddress?.split(':') ?? [];
    const virusScanner = settings.clamdAddress
      ? new ClamdClient({ host: clamdHost, port: Number(clamdPort) })
      : undefined;
    const authenticator = settings.senderAuthentication
      ? new SenderAuthenticator({
          serverName: config.address ?? config.node,
          ...(settings.senderAuthentication.dnsServers
            ? { dnsServers: settings.senderAuthentication.dnsServers }
            : {}),
        })
      : undefined;
    // A copy of the director's secrets (a fresh one made here would refuse every real bounce),
    // asked of the directors at start and every 10 minutes (srs-secrets-copy.ts).
    const srs = settings.srs ? await this.startSrs(settings.srs, logger) : undefined;
    const nextHop = `${settings.nextHop.host}:${settings.nextHop.port}`;
    let port = settings.smtpPort;

    const running: RunningGateway = {
      statistics,
      status: () => {
        const status = this.smtp?.status();
        return status ? { ...status, nextHop } : undefined;
      },
    };
    this.runtime.set('gateway', running);
    services.register({
      name: 'smtp',
      start: async () => {
        const tls = config.tls ? await loadMailTls(config.tls) : undefined;
        const smtp = new GatewaySmtpServer({
          host: settings.host,
          port,
          serverName: config.address ?? config.node,
          greylist,
          recipients,
          harvestGuard,
          statistics,
          spamPolicies,
          ...(scanner ? { scanner } : {}),
          ...(virusScanner ? { virusScanner } : {}),
          ...(authenticator ? { authenticator } : {}),
          ...(srs ? { srs } : {}),
          nextHop: settings.nextHop,
          ...(tls ? { tls: { key: tls.key, cert: tls.cert } } : {}),
          maxMessageBytes: settings.maxMessageBytes,
          maxConnections: settings.maxConnections,
          maxConnectionsPerAddress: settings.maxConnectionsPerAddress,
          log: (level, message, fields) => logger[level](message, fields),
        });
        await smtp.start();
        this.smtp = smtp;
        // Kept for restarts, so the published endpoint stays true.
        port = smtp.port;
        addServiceEndpoints(this.runtime, { smtp: `${publishHost(this.runtime, settings.host)}:${port}` });
        const status = smtp.status();
        return `listening on ${settings.host}:${port}, relaying to ${nextHop}; ${status.contentScanning.text}; ${status.virusScanning.text}`;
      },
      stop: async () => {
        const smtp = this.smtp;
        this.smtp = undefined;
        await smtp?.stop();
      },
    });
    this.registered = true;
    await services.start('smtp');
    for (const outcome of spamOutcomes) {
      this.removeCounters.push(
        counters.register({
          name: `gateway_${snakeCase(outcome)}_per_minute`,
          kind: 'gauge',
          help: `Gateway decisions "${outcome}" in the last complete minute.`,
          read: () => statistics.lastMinute()[outcome],
        }),
      );
    }
    this.removeCounters.push(
      counters.register({
        name: 'gateway_greylist_pending_triplets',
        kind: 'gauge',
        help: 'Greylist triplets waiting for their retry.',
        read: () => greylist.counts().pendingTriplets,
      }),
    );
    logger.info('gateway started', {
      smtp: port,
      nextHop,
      scanning: scanner ? settings.rspamdUrl : 'not configured',
      antivirus: settings.clamdAddress ?? 'not configured',
      senderAuthentication: authenticator ? 'on' : 'off',
    });
  }

  /**
   * The SRS check with the director's secrets: asked of the directors first (over the agents' SSH,
   * as a peer), else the copy in `secretsFile`; kept in step every 10 minutes after.
   */
  private async startSrs(
    settings: { domain: string; secretsFile: string },
    logger: { info: LogFn; warn: LogFn },
  ): Promise<SrsRewriter> {
    const { config, clock } = this.runtime;
    const directory = this.runtime.need('directory');
    this.stopped = false;
    // The control module loads the host key after this module starts; before, it is read from its
    // file (there from the node's second start on). One connection per round, closed after it.
    const refresh = async () => {
      const peers = new PeerLinks({
        node: config.node,
        privateKey: () =>
          this.runtime.find('hostKey')?.privateKey ?? readFileSync(hostKeyPath(config), 'utf8'),
        directory,
        callTimeoutMs: srsAskTimeoutMs,
      });
      try {
        return await refreshSrsSecretsCopy({
          file: settings.secretsFile,
          domain: settings.domain,
          directors: async () =>
            (await directory.listServers()).filter((s) => s.role === 'director').map((s) => s.name),
          ask: (director) => peers.call(director, 'srs.secrets', {}),
          log: (level, message, fields) => logger[level](message, fields),
        });
      } finally {
        peers.close();
      }
    };
    const fetched = existsSync(hostKeyPath(config)) ? await refresh().catch(() => undefined) : undefined;
    const copy =
      fetched ??
      (await loadSrsSecrets(settings.secretsFile, false).catch((error: Error) => {
        logger.warn('no usable copy of the SRS secrets', { error: error.message });
        return [];
      }));
    if (copy.length === 0)
      logger.warn(
        "no copy of the director's SRS secrets yet: SRS bounces are answered 451 until a director gives them",
        { file: settings.secretsFile },
      );
    const srs = new SrsRewriter({ domain: settings.domain, secrets: copy, now: () => clock.now() });
    // Asked again soon while there is none (a new node's host key reaches the directors at its
    // control module's start), then every 10 minutes.
    const schedule = () => {
      this.srsRefresh = setTimeout(() => void again(), srs.hasSecrets() ? srsRefreshMs : srsRetryMs);
      this.srsRefresh.unref();
    };
    const again = async () => {
      const latest = await refresh().catch((error: unknown) => {
        logger.warn('the SRS secrets were not brought in step', { error: String(error) });
        return undefined;
      });
      if (latest) srs.replaceSecrets(latest);
      if (!this.stopped) schedule();
    };
    schedule();
    return srs;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.srsRefresh) clearTimeout(this.srsRefresh);
    this.srsRefresh = undefined;
    const { services } = this.runtime;
    for (const remove of this.removeCounters) remove();
    this.removeCounters = [];
    if (this.registered) {
      try {
        await services.stop('smtp');
      } catch (error) {
        this.runtime.logger.error('gateway smtp stop failed', { error: String(error) });
      }
      services.unregister('smtp');
      removeServiceEndpoints(this.runtime, ['smtp']);
      this.registered = false;
    }
    this.runtime.set('gateway', undefined);
    // Writes the buffered greylist records, so a clean stop loses none.
    this.greylist?.close();
    this.greylist = undefined;
  }
}

function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}
