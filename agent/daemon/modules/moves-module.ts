/**
 * Mailbox moves in the agent (docs/moves.md). On `store` and `spare` nodes with mail services: the
 * move engine (jobs journaled in the data directory, resumed at start), the source side (holds,
 * old copies and their purge) and the `mailfleet-sync` channel's server. On `director` nodes: the
 * cutover holds moves place there. Both sweep once a minute, so a hold whose move is over is never
 * left behind, whichever node was down when it ended.
 *
 * Started after `control` and `enrollment`: a job resuming at start calls its peers with this
 * node's host key, which the control module loads.
 */
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { defaultMoveBandwidth } from '../../contract/move-contract.js';
import { MessageBaseGenerator } from '../../mail/maildir/message-file-name.js';
import { CutoverHolds } from '../../moves/cutover-holds.js';
import { defaultMoveTuning } from '../../moves/move-context.js';
import { MoveEngine } from '../../moves/move-engine.js';
import { MoveJournal } from '../../moves/move-journal.js';
import { PeerLinks } from '../../moves/peer-links.js';
import { SourceSide } from '../../moves/source-side.js';
import { SyncSource } from '../../moves/sync/sync-source.js';
import { mailRootPath } from '../agent-config.js';
import type { AgentModule } from '../agent-module.js';
import type { AgentRuntime } from '../agent-runtime.js';

const sweepIntervalMs = 60_000;

/** Lifecycle module: mailbox moves (stores) and cutover holds (directors). */
export class MovesModule implements AgentModule {
  readonly name = 'moves';
  private engine: MoveEngine | undefined;
  private links: PeerLinks | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly runtime: AgentRuntime) {}

  async start(): Promise<void> {
    const role = this.runtime.need('server').role;
    if (role === 'director') await this.startDirector();
    else if ((role === 'store' || role === 'spare') && this.runtime.find('mailStack'))
      await this.startStore();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    this.runtime.set('moves', undefined);
    this.runtime.set('cutoverHolds', undefined);
    await this.engine?.close();
    this.engine = undefined;
    this.links?.close();
    this.links = undefined;
  }

  private async startStore(): Promise<void> {
    const { config, clock } = this.runtime;
    const logger = this.runtime.logger.child('moves');
    const directory = this.runtime.need('directory');
    const mailRoot = mailRootPath(config);
    // The storage makes it at its first mailbox; plans read its file system before that.
    await mkdir(mailRoot, { recursive: true, mode: 0o700 });
    const settings = config.moves;
    const tuning = {
      ...defaultMoveTuning,
      ...(settings ? { keepDays: settings.keepDays } : {}),
      ...(settings?.retryDelaysMs ? { retryDelaysMs: settings.retryDelaysMs } : {}),
      ...(settings?.cutoverAttempts ? { cutoverAttempts: settings.cutoverAttempts } : {}),
      ...(settings?.stepPauseMs ? { stepPauseMs: settings.stepPauseMs } : {}),
    };
    this.links = new PeerLinks({
      node: config.node,
      privateKey: () => this.runtime.need('hostKey').privateKey,
      directory,
    });
    const sourceSide = new SourceSide({
      dataDir: config.dataDir,
      mailRoot,
      directory,
      stack: () => this.runtime.find('mailStack'),
      storage: () => this.runtime.find('mailStorage'),
      users: () => this.runtime.find('storeUsers'),
      authenticator: () => this.runtime.find('mailAuthenticator'),
      logger,
      now: () => clock.now(),
    });
    const syncSource = new SyncSource({
      storage: () => this.runtime.find('mailStorage'),
      users: () => this.runtime.find('storeUsers'),
      mailRoot,
      directory,
      logger,
    });
    const engine = new MoveEngine(
      {
        node: config.node,
        directory,
        links: this.links,
        mailRoot,
        storage: () => this.runtime.find('mailStorage'),
        sourceSide,
        names: new MessageBaseGenerator(config.address ?? hostname(), process.pid),
        journal: new MoveJournal(config.dataDir),
        logger,
        now: () => clock.now(),
        tuning,
      },
      syncSource,
      { bandwidthBytesPerSecond: defaultMoveBandwidth },
    );
    await engine.open();
    this.engine = engine;
    this.runtime.set('moves', engine);
    const sweep = () =>
      engine.sweep().catch((error: unknown) => logger.warn('move sweep failed', { error: String(error) }));
    void sweep();
    this.timer = setInterval(sweep, sweepIntervalMs);
    this.timer.unref();
  }

  private async startDirector(): Promise<void> {
    const logger = this.runtime.logger.child('moves');
    const holds = new CutoverHolds({
      dataDir: this.runtime.config.dataDir,
      queue: () => this.runtime.find('mailQueue'),
      proxies: () => this.runtime.find('mailProxies'),
      router: () => this.runtime.find('recipientRouter'),
      directory: this.runtime.need('directory'),
      logger,
      now: () => this.runtime.clock.now(),
    });
    await holds.load();
    this.runtime.set('cutoverHolds', holds);
    const sweep = () =>
      holds
        .sweep()
        .catch((error: unknown) => logger.warn('cutover hold sweep failed', { error: String(error) }));
    void sweep();
    this.timer = setInterval(sweep, sweepIntervalMs);
    this.timer.unref();
  }
}
