/**
 * The holds mailbox moves place on a `director` node (docs/moves.md, agent/moves/cutover-holds.ts):
 * kept durably in the data directory, in the runtime as `cutoverHolds` for `cutover.hold` and
 * `cutover.release`. A sweep at start and once a minute releases the holds whose move is over, so
 * none is left behind when the move's target was down as it ended. Other roles do not run it
 * (agent/roles.ts); it starts after the director's mail and proxy modules, whose queue, proxies and
 * routes the holds act on (a director configured without one of them holds what it runs).
 */
import { CutoverHolds } from '../../moves/cutover-holds.js';
import type { AgentModule } from '../agent-module.js';
import type { AgentRuntime } from '../agent-runtime.js';
import { directorHoldParts, startSweptHolds } from './director-holds.js';

/** Lifecycle module: a director's cutover holds. */
export class CutoverHoldsModule implements AgentModule {
  readonly name = 'cutover-holds';
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly runtime: AgentRuntime) {}

  async start(): Promise<void> {
    const logger = this.runtime.logger.child('moves');
    const holds = new CutoverHolds({
      ...directorHoldParts(this.runtime),
      directory: this.runtime.need('directory'),
      logger,
    });
    this.timer = await startSweptHolds(this.runtime, 'cutoverHolds', holds, logger, 'cutover hold sweep');
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    this.runtime.set('cutoverHolds', undefined);
  }
}
