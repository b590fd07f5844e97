/**
 * The IMAP/POP3 proxy of a `director` node (docs/proxy.md): one DirectorAuthenticator, StoreLocator
 * and ProxyHolds shared by an ImapProxy and a Pop3Proxy, registered as services `imap-proxy` and
 * `pop3-proxy`, with endpoints `imap`, `imaps`, `pop3`, `pop3s` published at enrollment. The pair
 * goes into the runtime (`mailProxies`) for the `proxy.*` RPCs and `route.invalidate`. Other
 * roles do not run it (agent/roles.ts); a director whose configuration has no `proxy` section runs
 * none of it.
 */
import { readFile } from 'node:fs/promises';
import { DirectorAuthenticator } from '../../mail/director/director-authenticator.js';
import { loadMailTls } from '../../mail/protocol/tls/mail-tls.js';
import { DirectorProxies } from '../../mail/proxy/director-proxies.js';
import { ImapProxy } from '../../mail/proxy/imap-proxy.js';
import { Pop3Proxy } from '../../mail/proxy/pop3-proxy.js';
import { ProxyHolds } from '../../mail/proxy/proxy-holds.js';
import type { MailProxyOptions, MailProxyServer } from '../../mail/proxy/proxy-server.js';
import { StoreLocator } from '../../mail/proxy/store-locator.js';
import type { AgentModule } from '../agent-module.js';
import type { AgentRuntime } from '../agent-runtime.js';
import { addServiceEndpoints, publishHost, removeServiceEndpoints } from './service-endpoints.js';

type Protocol = 'imap' | 'pop3';

interface ProxyService {
  name: 'imap-proxy' | 'pop3-proxy';
  protocol: Protocol;
  running: MailProxyServer | undefined;
  /** Ports bound at the first start, reused by restarts so the published endpoints stay true. */
  port: number;
  tlsPort: number | undefined;
}

const endpointNames = ['imap', 'imaps', 'pop3', 'pop3s'] as const;

/** Lifecycle module: the director's IMAP and POP3 proxies. */
export class DirectorProxyModule implements AgentModule {
  readonly name = 'director-proxy';
  private registered: ProxyService[] = [];
  private removeCounters: Array<() => void> = [];

  constructor(private readonly runtime: AgentRuntime) {}

  async start(): Promise<void> {
    const { config, clock, services } = this.runtime;
    const logger = this.runtime.logger.child('director-proxy');
    const settings = config.proxy;
    if (!settings) {
      logger.warn(
        'this node is a director but its configuration has no proxy section: no IMAP/POP3 proxy runs',
      );
      return;
    }
    const directory = this.runtime.need('directory');
    const locator = new StoreLocator({ directory, clock, ttlMs: settings.storeCacheMs });
    const holds = new ProxyHolds();
    const shared: Omit<MailProxyOptions, 'port' | 'tlsPort' | 'tls'> = {
      // The node's guard: failures here count against SMTP AUTH too, and the helpdesk sees them.
      authenticator: new DirectorAuthenticator({ directory, clock, guard: this.runtime.loginGuard }),
      locator,
      holds,
      host: settings.host,
      allowPlaintextAuth: settings.allowPlaintextAuth,
      hostname: config.address ?? config.node,
      limits: {
        failedLoginDelayMs: settings.failedLoginDelayMs,
        maxConnectionsPerAddress: settings.maxConnectionsPerAddress,
        maxSessionsPerUserAddress: settings.maxSessionsPerUserAddress,
      },
      storeConnect: {
        tlsToStores: settings.tlsToStores,
        ...(settings.storeCaFile ? { ca: await readStoreCa(settings.storeCaFile) } : {}),
      },
      clock,
      log: logger,
    };
    this.registered = [
      {
        name: 'imap-proxy',
        protocol: 'imap',
        running: undefined,
        port: settings.imapPort,
        tlsPort: settings.imapsPort,
      },
      {
        name: 'pop3-proxy',
        protocol: 'pop3',
        running: undefined,
        port: settings.pop3Port,
        tlsPort: settings.pop3sPort,
      },
    ];
    this.runtime.set(
      'mailProxies',
      new DirectorProxies(
        holds,
        locator,
        () => this.registered.flatMap((service) => (service.running ? [service.running] : [])),
        shared.storeConnect,
      ),
    );
    for (const service of this.registered) {
      services.register({
        name: service.name,
        start: async () => {
          // The certificate is read at each start, so a renewed one counts after service.restart.
          const tls = config.tls ? await loadMailTls(config.tls) : undefined;
          const options: MailProxyOptions = {
            ...shared,
            port: service.port,
            ...(tls ? { tls } : {}),
            ...(tls && service.tlsPort !== undefined ? { tlsPort: service.tlsPort } : {}),
          };
          const proxy = service.protocol === 'imap' ? new ImapProxy(options) : new Pop3Proxy(options);
          await proxy.start();
          service.running = proxy;
          service.port = proxy.port ?? service.port;
          service.tlsPort = proxy.tlsPort ?? service.tlsPort;
          this.publish(service, settings.host);
          const secure = proxy.tlsPort === undefined ? '' : ` and ${proxy.tlsPort} (TLS)`;
          return `listening on ${settings.host}:${proxy.port}${secure}`;
        },
        stop: async () => {
          const proxy = service.running;
          service.running = undefined;
          await proxy?.stop();
        },
      });
      await services.start(service.name);
      this.removeCounters.push(
        this.runtime.counters.register({
          name: `proxy_${service.protocol}_sessions`,
          kind: 'gauge',
          help: `${service.protocol.toUpperCase()} sessions the director's proxy relays to stores.`,
          read: () => service.running?.sessions().length ?? 0,
        }),
      );
    }
    logger.info('IMAP/POP3 proxy started', { endpoints: this.runtime.find('serviceEndpoints') });
  }

  async stop(): Promise<void> {
    const { services } = this.runtime;
    for (const remove of this.removeCounters) remove();
    this.removeCounters = [];
    for (const service of [...this.registered].reverse()) {
      try {
        await services.stop(service.name);
      } catch (error) {
        this.runtime.logger.error('proxy stop failed', { service: service.name, error: String(error) });
      }
      services.unregister(service.name);
    }
    if (this.registered.length > 0) removeServiceEndpoints(this.runtime, endpointNames);
    this.registered = [];
    this.runtime.set('mailProxies', undefined);
  }

  private publish(service: ProxyService, host: string): void {
    const at = publishHost(this.runtime, host);
    const endpoints: Record<string, string> = { [service.protocol]: `${at}:${service.port}` };
    if (service.tlsPort !== undefined && service.running?.tlsPort !== undefined)
      endpoints[`${service.protocol}s`] = `${at}:${service.tlsPort}`;
    addServiceEndpoints(this.runtime, endpoints);
  }
}

async function readStoreCa(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new Error(
      `cannot read the stores' CA file ${path} (proxy.storeCaFile): ${(error as Error).message}`,
    );
  }
}
