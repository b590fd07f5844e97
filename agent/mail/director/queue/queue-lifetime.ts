/**
 * The queue lifetime (Postfix's maximal_queue_lifetime): recipients still queued once their message
 * is older than the lifetime are bounced with 4.4.7, so the sender learns of it instead of the mail
 * sitting forever. Held recipients are not expired while held (a hold is deliberate); they are
 * judged at the next attempt after release.
 */
import { isFinal, type QueueEntry, type StateRecord } from './queue-entry.js';

/** Bounce records for the recipients of `entry` past the lifetime; `skip` excludes held and in-flight ones. */
export function expiryRecords(
  entry: QueueEntry,
  now: number,
  lifetimeMs: number,
  skip: (index: number) => boolean,
): StateRecord[] {
  if (now - entry.receivedAt < lifetimeMs) return [];
  const records: StateRecord[] = [];
  entry.recipients.forEach((recipient, index) => {
    if (isFinal(recipient.state) || skip(index)) return;
    const last = recipient.lastReason ? `; last reason: ${recipient.lastReason}` : '';
    records.push({
      i: index,
      s: 'bounced',
      at: now,
      r: `4.4.7 message expired after ${describeAge(now - entry.receivedAt)} in the queue${last}`.slice(
        0,
        2000,
      ),
    });
  });
  return records;
}

/** Bounce records for an administrator's bounce (`queue.delete` with a bounce). */
export function adminBounceRecords(
  entry: QueueEntry,
  addresses: readonly string[] | undefined,
  reason: string,
  now: number,
  skip: (index: number) => boolean,
): StateRecord[] {
  const wanted = addresses ? new Set(addresses.map((a) => a.toLowerCase())) : undefined;
  const records: StateRecord[] = [];
  entry.recipients.forEach((recipient, index) => {
    if (isFinal(recipient.state) || skip(index)) return;
    if (wanted && !wanted.has(recipient.address) && !wanted.has(recipient.original.toLowerCase())) return;
    records.push({ i: index, s: 'bounced', at: now, r: reason.slice(0, 2000) });
  });
  return records;
}

function describeAge(ms: number): string {
  const [count, unit] =
    ms >= 86_400_000
      ? [Math.floor(ms / 86_400_000), 'day']
      : ms >= 3_600_000
        ? [Math.floor(ms / 3_600_000), 'hour']
        : [Math.max(1, Math.floor(ms / 60_000)), 'minute'];
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}
