/**
 * The last line of defence of a serving agent process. Node's default ends the process on an
 * unhandled promise rejection or an uncaught exception; for a node's agent that means every mail
 * service of the node goes down with it, and systemd gives up after a few restarts. So the
 * `mailfleet-agent` process logs each one (with a reference), counts it (the metric
 * `unhandled_errors_total`) and keeps serving: every call, connection and mail session already
 * handles its own errors, so one that escapes is a bug to find in the log, not a reason to stop.
 *
 * What stays fatal is what Node cannot carry on from: the heap exhausted (V8 aborts), a native
 * crash, or an event loop that no longer turns (the systemd watchdog stops getting `WATCHDOG=1` and
 * kills the process). systemd then restarts the agent (`Restart=on-failure`).
 */
import { randomBytes } from 'node:crypto';
import type { JsonLogger } from '../common/json-logger.js';

/** How many faults the process has survived; read by the agents' counters. */
export interface ProcessFaultCount {
  readonly count: number;
}

/** Catches and counts unhandled rejections and uncaught exceptions of one process. */
export class ProcessFaults implements ProcessFaultCount {
  private faults = 0;

  constructor(private readonly logger: JsonLogger) {}

  get count(): number {
    return this.faults;
  }

  /** Installs the handlers on `process`; returns a function that removes them. */
  install(target: NodeJS.Process = process): () => void {
    const onRejection = (reason: unknown): void => this.record('unhandled rejection', reason);
    const onException = (error: Error): void => this.record('uncaught exception', error);
    target.on('unhandledRejection', onRejection);
    target.on('uncaughtException', onException);
    return () => {
      target.off('unhandledRejection', onRejection);
      target.off('uncaughtException', onException);
    };
  }

  private record(kind: string, reason: unknown): void {
    this.faults++;
    try {
      this.logger.error(`${kind}; the agent keeps serving`, {
        reference: randomBytes(4).toString('hex'),
        error: reason instanceof Error ? reason.message : String(reason),
        stack: reason instanceof Error ? reason.stack : undefined,
        faults: this.faults,
      });
    } catch {
      // Logging must not turn a survived fault into a fatal one.
    }
  }
}
