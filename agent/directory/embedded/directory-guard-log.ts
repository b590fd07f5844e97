/**
 * The embedded directory's guard events as log lines: a DN or address reaching its lock is
 * logged (warn) each time; throttled binds and refused connections, which a guessing run or a
 * flood produces by the thousand, at most once a minute per DN or address (info), with the number
 * left out since. No password ever reaches these events.
 */
import type { Clock } from '../../common/clock.js';
import type { DirectoryGuardEvent } from './embedded-directory-server.js';

/** The part of the agent's logger used here. */
export interface GuardLogger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
}

/** Once a minute per key at most, for the frequent events. */
const repeatAfterMs = 60_000;
/** Keys remembered for that (the oldest are forgotten first). */
const maxKeys = 10_000;

/** A guard event handler writing to `logger`. */
export function directoryGuardLog(logger: GuardLogger, clock: Clock): (event: DirectoryGuardEvent) => void {
  const last = new Map<string, { at: number; suppressed: number }>();
  const due = (key: string): number | undefined => {
    const now = clock.now();
    const seen = last.get(key);
    if (seen && now - seen.at < repeatAfterMs) {
      seen.suppressed++;
      return undefined;
    }
    last.delete(key);
    last.set(key, { at: now, suppressed: 0 });
    if (last.size > maxKeys) {
      const oldest = last.keys().next().value;
      if (oldest !== undefined) last.delete(oldest);
    }
    return seen?.suppressed ?? 0;
  };
  return (event) => {
    switch (event.type) {
      case 'locked':
        logger.warn(`directory bind ${event.kind === 'dn' ? 'DN' : 'address'} locked after failed binds`, {
          [event.kind === 'dn' ? 'dn' : 'address']: event.key,
          failures: event.failures,
          lockSeconds: Math.round(event.lockMs / 1000),
        });
        return;
      case 'throttled': {
        const suppressed = due(`throttled ${event.dn} ${event.address}`);
        if (suppressed === undefined) return;
        logger.info('directory bind refused while throttled (answered as invalid credentials)', {
          dn: event.dn,
          address: event.address,
          retryAfterSeconds: Math.ceil(event.retryAfterMs / 1000),
          sinceLastLine: suppressed,
        });
        return;
      }
      case 'connection-refused': {
        const suppressed = due(`refused ${event.address}`);
        if (suppressed === undefined) return;
        logger.info('directory connection refused: too many connections', {
          address: event.address,
          limit: event.why,
          sinceLastLine: suppressed,
        });
        return;
      }
    }
  };
}
