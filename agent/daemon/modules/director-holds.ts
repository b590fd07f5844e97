/**
 * What a director's durable holds (a move's cutover holds, a switch-over's holds) share as
 * lifecycle: the parts they act on, found when used (a director configured without a queue or a
 * proxy holds what it runs), and a start that reads the holds written before a restart, puts them
 * in the runtime and sweeps them at once and every minute.
 */
import type { JsonLogger } from '../../common/json-logger.js';
import type { AgentParts, AgentRuntime } from '../agent-runtime.js';
import { startPeriodicSweep } from './periodic-sweep.js';

const sweepIntervalMs = 60_000;

/** The queue, proxies, routes, data directory and clock of the director's holds. */
export function directorHoldParts(runtime: AgentRuntime) {
  return {
    dataDir: runtime.config.dataDir,
    queue: () => runtime.find('mailQueue'),
    proxies: () => runtime.find('mailProxies'),
    router: () => runtime.find('recipientRouter'),
    now: () => runtime.clock.now(),
  };
}

/** Loads `holds`, sets them as `part` of the runtime and starts their sweep; returns its timer. */
export async function startSweptHolds<K extends 'cutoverHolds' | 'switchoverHolds'>(
  runtime: AgentRuntime,
  part: K,
  holds: AgentParts[K],
  logger: JsonLogger,
  what: string,
): Promise<NodeJS.Timeout> {
  await holds.load();
  runtime.set(part, holds);
  return startPeriodicSweep(() => holds.sweep(), logger, what, sweepIntervalMs);
}
