/**
 * qshape, as Postfix admins know it: queued recipients grouped by destination (or by the last
 * delivery reply), counted in age columns since the message was accepted. Computed from the
 * listed messages; only recipients still owed a delivery count.
 */
import { domainOf, type QueueEntry, unfinished } from './queue-filter';

/** The age columns, the same buckets as the agent's queue.summary. */
export const queueAgeBuckets = ['<5m', '<1h', '<4h', '<1d', '>=1d'] as const;
export type QueueAgeBucket = (typeof queueAgeBuckets)[number];

/** The bucket of an age in ms. */
export function ageBucketOf(ageMs: number): QueueAgeBucket {
  if (ageMs < 5 * 60_000) return '<5m';
  if (ageMs < 3_600_000) return '<1h';
  if (ageMs < 4 * 3_600_000) return '<4h';
  if (ageMs < 86_400_000) return '<1d';
  return '>=1d';
}

/** One row of the shape: a destination or a reason, its total and its count per age column. */
export interface QueueShapeRow {
  key: string;
  total: number;
  held: number;
  ages: Record<QueueAgeBucket, number>;
}

/** How to group: by where the mail goes (the queue's destination) or by the last reply. */
export type QueueShapeGrouping = 'destination' | 'reason';

/** The reason key of a recipient never tried, so it groups apart from real replies. */
export const notTriedYet = '';

/** Rows sorted by total, largest first (where mail piles up is what the admin looks for). */
export function queueShape(
  entries: readonly QueueEntry[],
  grouping: QueueShapeGrouping,
  now: number,
): QueueShapeRow[] {
  const rows = new Map<string, QueueShapeRow>();
  for (const entry of entries) {
    const bucket = ageBucketOf(now - entry.receivedAt);
    for (const recipient of entry.recipients) {
      if (!unfinished(recipient)) continue;
      const key =
        grouping === 'destination'
          ? // The destination the queue last routed to (`lmtp:store07`); before a first try, the domain.
            (recipient.destination ?? domainOf(recipient.address))
          : (recipient.lastReason ?? notTriedYet);
      let row = rows.get(key);
      if (!row) {
        row = { key, total: 0, held: 0, ages: { '<5m': 0, '<1h': 0, '<4h': 0, '<1d': 0, '>=1d': 0 } };
        rows.set(key, row);
      }
      row.total += 1;
      row.ages[bucket] += 1;
      if (recipient.held) row.held += 1;
    }
  }
  return [...rows.values()].sort((a, b) => b.total - a.total || a.key.localeCompare(b.key));
}
