/**
 * The holds switch-overs place on a `director` node (docs/failover.md,
 * agent/failover/switchover-holds.ts): kept durably in the data directory, in the runtime as
 * `switchoverHolds` for `failover.hold` and `failover.release`. A sweep at start and once a minute
 * releases the holds whose switch-over is settled in the directory, so none is left behind when
 * the job's node never comes back. It starts after the director's mail and proxy modules, whose
 * queue, proxies and routes the holds act on.
 */
import { SwitchoverHolds } from '../../failover/switchover-holds.js';
import type { AgentModule } from '../agent-module.js';
import type { AgentRuntime } from '../agent-runtime.js';
import { directorHoldParts, startSweptHolds } from './director-holds.js';

/** Lifecycle module: a director's switch-over holds. */
export class SwitchoverHoldsModule implements AgentModule {
  readonly name = 'switchover-holds';
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly runtime: AgentRuntime) {}

  async start(): Promise<void> {
    const logger = this.runtime.logger.child('failover');
    const holds = new SwitchoverHolds({
      ...directorHoldParts(this.runtime),
      directory: this.runtime.need('directory'),
      logger,
    });
    this.timer = await startSweptHolds(
      this.runtime,
      'switchoverHolds',
      holds,
      logger,
      'switch-over hold sweep',
    );
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    this.runtime.set('switchoverHolds', undefined);
  }
}
