/**
 * Connects to the fleet directory and reads this node's server entry, which says what the node is
 * (role, state). A node without a server entry refuses to start: running an unknown node would
 * publish nothing and accept nobody.
 */
import { describeDirectoryUrls } from '../../common/directory/directory-urls.js';
import type { AgentModule } from '../agent-module.js';
import type { AgentRuntime, DirectoryFactory } from '../agent-runtime.js';

/** The agent cannot start (missing server entry, unreachable directory...). */
export class AgentStartError extends Error {
  override readonly name = 'AgentStartError';
}

/** Lifecycle module: the directory client and this node's server entry. */
export class DirectoryModule implements AgentModule {
  readonly name = 'directory-client';
  private readonly unpublish: Array<() => void> = [];

  constructor(
    private readonly runtime: AgentRuntime,
    private readonly factory: DirectoryFactory,
  ) {}

  async start(): Promise<void> {
    const { config } = this.runtime;
    const logger = this.runtime.logger;
    const directory = await this.factory(config.directory, {
      // Which directory server the node uses is in every sample; the log says when it changes.
      onLinkChange: (link) => {
        const unanswered = link.unanswered.map((u) => `${u.url} ${u.state}: ${u.reason}`);
        if (unanswered.length === 0) logger.info('directory server in use', { url: link.inUse });
        else logger.warn('directory server in use', { url: link.inUse ?? 'none', unanswered });
      },
    });
    try {
      const server = await directory.getServer(config.node).catch((error: Error) => {
        throw new AgentStartError(
          `cannot read the server entry of ${config.node} from ${describeDirectoryUrls(config.directory.url)}: ${error.message}`,
        );
      });
      if (!server) {
        throw new AgentStartError(
          `no server entry for ${config.node} in the directory (expected ${directory.tree.server(config.node)}); ` +
            'add the node to the directory before starting its agent',
        );
      }
      this.runtime.set('directory', directory);
      this.runtime.set('server', server);
      // Which directory server the node uses, in every sample and on /metrics.
      this.unpublish.push(
        this.runtime.sampleSections.register('directory', () => directory.linkStatus()),
        this.runtime.counters.register({
          name: 'directory_urls_unanswered',
          kind: 'gauge',
          help: 'Directory URLs of this node whose last attempt failed (0 when every one answers).',
          read: () => directory.linkStatus().unanswered.length,
        }),
      );
      this.runtime.logger.info('server entry read', { role: server.role, state: server.state });
    } catch (error) {
      // start() did not complete, so stop() will not run: close the connection here.
      await directory.close().catch(() => undefined);
      throw error;
    }
  }

  async stop(): Promise<void> {
    for (const undo of this.unpublish.splice(0)) undo();
    const directory = this.runtime.find('directory');
    this.runtime.set('directory', undefined);
    await directory?.close();
  }
}
