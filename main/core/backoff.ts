/**
 * Reconnect delays: exponential with full jitter, so 38 consoles' links to a node that comes back do
 * not all knock at the same instant, capped so a restarted node is seen again within seconds.
 */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
}

/** The default: first retry within 0.5 s, never more than 3 s between tries. */
export const defaultBackoff: BackoffPolicy = { initialMs: 500, maxMs: 3000 };

/** Delay before retry number `attempt` (0-based). `random` is injectable for tests. */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy = defaultBackoff,
  random = Math.random,
): number {
  const ceiling = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(attempt, 20));
  // Full jitter, but never below a tenth of the ceiling so a flapping node cannot spin the CPU.
  return Math.round(ceiling * (0.1 + 0.9 * random()));
}
