/**
 * On the node of role `directory`: starts the embedded LDAP server before anything else, as the
 * `directory` service, so the agent can then connect to it like every other node does.
 */
import type { AgentModule } from '../agent-module.js';
import type { AgentRuntime, EmbeddedDirectoryHandle, EmbeddedDirectoryStarter } from '../agent-runtime.js';

/** Lifecycle module: the embedded LDAP server (`directory` service), first of all. */
export class EmbeddedDirectoryModule implements AgentModule {
  readonly name = 'embedded-directory';

  constructor(
    private readonly runtime: AgentRuntime,
    private readonly starter: EmbeddedDirectoryStarter,
  ) {}

  async start(): Promise<void> {
    const options = this.runtime.config.embeddedDirectory;
    if (!options) return;
    const logger = this.runtime.logger.child('directory');
    let handle: EmbeddedDirectoryHandle | undefined;
    this.runtime.services.register({
      name: 'directory',
      start: async () => {
        handle = await this.starter(options, logger);
        return handle.detail ?? `listening on ldap://${options.host}:${options.port}`;
      },
      stop: async () => {
        await handle?.stop();
        handle = undefined;
      },
    });
    await this.runtime.services.start('directory');
  }

  async stop(): Promise<void> {
    if (!this.runtime.services.has('directory')) return;
    await this.runtime.services.stop('directory');
    this.runtime.services.unregister('directory');
  }
}
