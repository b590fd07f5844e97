/**
 * The life of a domain's DKIM keys as changes to its `mailfleetDkimKey` values (pure functions; the
 * console writes the result to the directory, the director makes the private keys):
 *
 * 1. `withNewKeys`: fresh keys (one per algorithm) join as `pending`; the department publishes
 *    their TXT records; nothing is signed with them yet.
 * 2. `activatePending`: once the records are in DNS, the pending keys sign; the keys they replace
 *    turn `retiring` with `until` = now + grace, their records kept published so mail signed before
 *    still verifies while in transit or queued (default grace: 7 days, past a queue's 5-day life).
 * 3. `withoutExpired`: retiring keys past `until` are dropped; the director deletes their files.
 */
import type { DkimKeyValue } from './dkim-key-value.js';

/** Default time a replaced key stays published: a week, longer than the 5-day queue lifetime. */
export const defaultDkimGraceMs = 7 * 24 * 3600_000;

function isoSeconds(time: Date): string {
  return time.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Adds fresh keys as pending; an older pending key of the same algorithm is replaced (never published). */
export function withNewKeys(
  current: readonly DkimKeyValue[],
  fresh: readonly DkimKeyValue[],
): DkimKeyValue[] {
  const freshAlgorithms = new Set(fresh.map((key) => key.algorithm));
  const kept = current.filter((key) => !(key.state === 'pending' && freshAlgorithms.has(key.algorithm)));
  return [...kept, ...fresh.map((key) => ({ ...key, state: 'pending' as const }))];
}

/**
 * Makes the pending keys active; an active key of the same algorithm retires until `now + graceMs`.
 * Nothing pending: the list is returned unchanged.
 */
export function activatePending(
  current: readonly DkimKeyValue[],
  now: Date,
  graceMs = defaultDkimGraceMs,
): DkimKeyValue[] {
  const pendingAlgorithms = new Set(
    current.filter((key) => key.state === 'pending').map((key) => key.algorithm),
  );
  const until = isoSeconds(new Date(now.getTime() + graceMs));
  return current.map((key) => {
    if (key.state === 'pending') return { ...key, state: 'active' as const };
    if (key.state === 'active' && pendingAlgorithms.has(key.algorithm))
      return { ...key, state: 'retiring' as const, until };
    return key;
  });
}

/** Drops retiring keys whose grace has ended. */
export function withoutExpired(current: readonly DkimKeyValue[], now: Date): DkimKeyValue[] {
  return current.filter(
    (key) => !(key.state === 'retiring' && key.until !== undefined && Date.parse(key.until) <= now.getTime()),
  );
}
