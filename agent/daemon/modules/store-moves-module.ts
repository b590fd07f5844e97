/**
 * Mailbox moves on a `store` or `spare` node (docs/moves.md): the move engine (jobs journaled in
 * the data directory, resumed at start), the source side (holds, old copies and their purge) and
 * the server of the `mailfleet-sync` channel, in the runtime as `moves` for the `move.*` and
 * `sync.*` RPCs. The source side sweeps once a minute, so a hold whose move is over is never left
 * behind, whichever node was down when it ended. Other roles do not run it (agent/roles.ts); a
 * store whose configuration has no `mail` section has no mailboxes and runs none of it.
 *
 * Started after `control` and `enrollment`: a job resuming at start calls its peers with this
 * node's host key, which the control module loads.
 */
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { defaultMoveBandwidth } from '../../common/contract/move-contract.js';
import { startFileSystemFlusher } from '../../common/file-system-flush.js';
import { MessageBaseGenerator } from '../../mail/store/maildir/message-file-name.js';
import { defaultMoveTuning } from '../../moves/move-context.js';
import { MoveEngine } from '../../moves/move-engine.js';
import { MoveJournal } from '../../moves/move-journal.js';
import { PeerLinks } from '../../moves/peer-links.js';
import { SourceSide } from '../../moves/source-side.js';
import { SyncSource } from '../../moves/sync/sync-source.js';
import { mailRootPath } from '../agent-config.js';
import type { AgentModule } from '../agent-module.js';
import type { AgentRuntime } from '../agent-runtime.js';
import { startPeriodicSweep } from './periodic-sweep.js';

const sweepIntervalMs = 60_000;

/** Lifecycle module: a store's mailbox moves. */
export class StoreMovesModule implements AgentModule {
  readonly name = 'store-moves';
  private engine: MoveEngine | undefined;
  private links: PeerLinks | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly runtime: AgentRuntime) {}

  async start(): Promise<void> {
    const { config, clock } = this.runtime;
    const logger = this.runtime.logger.child('moves');
    if (!this.runtime.find('mailStack')) {
      logger.warn('this node runs no mail services: it moves no mailboxes');
      return;
    }
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
      ...(settings?.bulkRoundBytes === undefined ? {} : { bulkRoundBytes: settings.bulkRoundBytes }),
    };
    // Before the engine holds any memory (file-system-flush.ts: the flusher's fork).
    startFileSystemFlusher();
    this.links = new PeerLinks({
      node: config.node,
      privateKey: () => this.runtime.need('hostKey').privateKey,
      directory,
    });
    this.runtime.set('peerLinks', this.links);
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
      node: config.node,
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
    this.timer = startPeriodicSweep(() => engine.sweep(), logger, 'move sweep', sweepIntervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    this.runtime.set('moves', undefined);
    this.runtime.set('peerLinks', undefined);
    await this.engine?.close();
    this.engine = undefined;
    this.links?.close();
    this.links = undefined;
  }
}
