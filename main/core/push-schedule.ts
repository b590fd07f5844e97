/**
 * When the fleet client publishes: soon after a change (the first change arms a short timer, so a
 * burst of node samples becomes one push) and, with no change, a second after the previous push
 * (ages and staleness of nodes that stopped answering still move on screen).
 */

/** Options of {@link PushSchedule}. */
export interface PushScheduleOptions {
  /** Wait after the first change before pushing, to gather the changes that follow it. */
  coalesceMs: number;
  /** Push at the latest this long after the previous push, changed or not. */
  idleMs: number;
  push: () => void;
}

/** One publisher's timers: a coalescing timer armed by changes and an idle tick. */
export class PushSchedule {
  private coalesceTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(private readonly options: PushScheduleOptions) {}

  /** Starts the idle tick. */
  start(): void {
    this.running = true;
    this.armIdle();
  }

  /** Stops both timers. */
  stop(): void {
    this.running = false;
    this.clear();
  }

  /** Something changed: push within `coalesceMs`, unless a push is already due by then. */
  changed(): void {
    if (!this.running || this.coalesceTimer) return;
    this.coalesceTimer = this.timer(() => this.fire(), this.options.coalesceMs);
  }

  private fire(): void {
    this.clear();
    if (!this.running) return;
    this.options.push();
    this.armIdle();
  }

  private armIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = this.timer(() => this.fire(), this.options.idleMs);
  }

  private clear(): void {
    if (this.coalesceTimer) clearTimeout(this.coalesceTimer);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.coalesceTimer = undefined;
    this.idleTimer = undefined;
  }

  private timer(run: () => void, ms: number): NodeJS.Timeout {
    const timer = setTimeout(run, ms);
    // A console waiting only on its push timer should still be able to exit.
    timer.unref?.();
    return timer;
  }
}
