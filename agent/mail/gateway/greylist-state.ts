/**
 * The records greylisting keeps, as they live in memory and in the journal: one record is the
 * whole state of one key, so replaying records in order (last one wins) rebuilds the maps.
 */
import { z } from 'zod';

/** A triplet seen and not yet passed: waiting for the sender to retry after the minimum delay. */
export interface PendingTriplet {
  firstSeen: number;
  lastSeen: number;
  attempts: number;
}

/** A triplet that passed: later messages with it pass at once until it expires. */
export interface PassedTriplet {
  passedAt: number;
  lastSeen: number;
}

/** A client network's passes; at the whitelist threshold the whole network skips greylisting. */
export interface NetworkRecord {
  passes: number;
  lastSeen: number;
  whitelistedAt: number | null;
}

const time = z.number().int().nonnegative();

/** One journal line. `k` is the triplet key or the network. A `gone` record removes a key. */
export const greylistRecordSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('pending'), k: z.string(), firstSeen: time, lastSeen: time, attempts: time }),
  z.object({ t: z.literal('passed'), k: z.string(), passedAt: time, lastSeen: time }),
  z.object({
    t: z.literal('network'),
    k: z.string(),
    passes: time,
    lastSeen: time,
    whitelistedAt: time.nullable(),
  }),
  z.object({ t: z.literal('gone'), k: z.string() }),
]);

/** One journal line, parsed. */
export type GreylistRecord = z.infer<typeof greylistRecordSchema>;

/** The greylist's maps. */
export interface GreylistMaps {
  pending: Map<string, PendingTriplet>;
  passed: Map<string, PassedTriplet>;
  networks: Map<string, NetworkRecord>;
}

/** Empty maps. */
export function emptyGreylistMaps(): GreylistMaps {
  return { pending: new Map(), passed: new Map(), networks: new Map() };
}

/** Applies one record to the maps (replay and live updates share this). */
export function applyGreylistRecord(maps: GreylistMaps, record: GreylistRecord): void {
  switch (record.t) {
    case 'pending':
      maps.passed.delete(record.k);
      maps.pending.set(record.k, {
        firstSeen: record.firstSeen,
        lastSeen: record.lastSeen,
        attempts: record.attempts,
      });
      return;
    case 'passed':
      maps.pending.delete(record.k);
      maps.passed.set(record.k, { passedAt: record.passedAt, lastSeen: record.lastSeen });
      return;
    case 'network':
      maps.networks.set(record.k, {
        passes: record.passes,
        lastSeen: record.lastSeen,
        whitelistedAt: record.whitelistedAt,
      });
      return;
    case 'gone':
      maps.pending.delete(record.k);
      maps.passed.delete(record.k);
      maps.networks.delete(record.k);
      return;
  }
}

/** Every live entry as records, for a snapshot. */
export function* greylistRecords(maps: GreylistMaps): Generator<GreylistRecord> {
  for (const [k, v] of maps.pending) yield { t: 'pending', k, ...v };
  for (const [k, v] of maps.passed) yield { t: 'passed', k, ...v };
  for (const [k, v] of maps.networks) yield { t: 'network', k, ...v };
}
