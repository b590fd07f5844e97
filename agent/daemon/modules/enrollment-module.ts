/**
 * Publishes where this node can be reached (address, control port, endpoints) in its server entry,
 * and its host key on first enrollment only. A key already pinned in the directory is never
 * overwritten: if it differs from this node's key, consoles and peers will refuse the node until an
 * administrator re-enrolls it, and the agent says so loudly.
 */
import { hostname } from 'node:os';
import { parseSshPublicKey, sameSshKey } from '../../common/rpc/ssh-public-key.js';
import type { AgentModule } from '../agent-module.js';
import type { AgentRuntime } from '../agent-runtime.js';

const wildcardHosts = new Set(['0.0.0.0', '::', '']);

/** Lifecycle module: publishes the node's address, ports, endpoints and (first time) host key. */
export class EnrollmentModule implements AgentModule {
  readonly name = 'enrollment';

  constructor(private readonly runtime: AgentRuntime) {}

  async start(): Promise<void> {
    const { config, logger } = this.runtime;
    const directory = this.runtime.need('directory');
    const server = this.runtime.need('server');
    const hostKey = this.runtime.need('hostKey');
    const address =
      config.address ?? (wildcardHosts.has(config.control.host) ? hostname() : config.control.host);
    this.runtime.set('address', address);

    const controlPort = this.runtime.need('control').port;
    const endpoints: Record<string, string> = {
      ...server.endpoints,
      ...this.runtime.find('serviceEndpoints'),
      control: `${address}:${controlPort}`,
    };
    const metricsHttp = this.runtime.find('metricsHttp');
    if (metricsHttp) endpoints.metrics = `${address}:${metricsHttp.port}`;

    const pinned = server.hostKeys.map((line) => parseSshPublicKey(line));
    const enrolled = pinned.some((key) => key !== undefined && sameSshKey(key, hostKey.publicKey));
    const change: Parameters<typeof directory.updateServer>[1] = { address, controlPort, endpoints };
    if (server.hostKeys.length === 0) {
      change.hostKeys = [hostKey.publicLine];
      logger.info('enrolling: publishing host key', { fingerprint: hostKey.fingerprint });
    } else if (!enrolled) {
      logger.error(
        "the host key pinned in the directory is not this node's key: consoles and peers will refuse this node " +
          'until an administrator re-enrolls it (the pinned key is left as it is)',
        { fingerprint: hostKey.fingerprint, pinned: server.hostKeys.length },
      );
    }
    await directory.updateServer(config.node, change);
    const updated = await directory.getServer(config.node);
    if (updated) this.runtime.set('server', updated);
    logger.info('published endpoints', { address, controlPort, endpoints });
  }

  async stop(): Promise<void> {
    // Nothing to undo: the published endpoints stay valid for the next start, and the node's
    // state in the directory is an administrator's decision, not the agent's.
  }
}
