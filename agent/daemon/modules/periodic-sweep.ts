/**
 * A sweep run at once and then every interval (the moves' holds and old copies): a failing run is
 * logged and the next one tries again; the timer does not keep the process alive.
 */
import type { JsonLogger } from '../../common/json-logger.js';

/** Starts the sweep; the returned timer is for clearInterval at stop. */
export function startPeriodicSweep(
  sweep: () => Promise<unknown>,
  logger: JsonLogger,
  what: string,
  intervalMs: number,
): NodeJS.Timeout {
  const run = () =>
    sweep().catch((error: unknown) => logger.warn(`${what} failed`, { error: String(error) }));
  void run();
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return timer;
}
