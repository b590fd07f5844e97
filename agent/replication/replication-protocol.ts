/**
 * What travels on the `mailfleet-replica` channel (frames as on the sync channel: a JSON header
 * and a binary body, agent/moves/sync/sync-frames.ts). The primary's agent (the node serving a
 * logical store) opens one long-lived channel per logical store to the replica holder's agent
 * and says `hello`; the replica answers `ready` with the last sequence number it holds, then the
 * primary sends the store's changes in order and the replica acknowledges each once it is durable.
 *
 * - `deliver`: messages just appended (a delivery or an APPEND) with their UIDs, flags and dates;
 *   the body is every message's bytes one after the other (sizes in the header). The replica
 *   writes them into its copy with those UIDs and fsyncs before its `ack`.
 * - `change`: something else changed in a user's folder; the replica copies the user's delta
 *   from the primary (the sync engine's manifest and fetch, over `mailfleet-sync`).
 * - `resync`: the journal cannot say what changed since the replica's sequence: every user listed
 *   is copied again by delta (a full resync with the sync engine).
 */
import { z } from 'zod';

/** The SSH subsystem of the change stream (peers only). */
export const replicaSubsystem = 'mailfleet-replica';

/** The sync engine's job name for a replica's pulls of one logical store (sync-protocol.ts). */
export function replicaJob(store: string): string {
  return `rp-${store}`;
}

const storeName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/);
const user = z.string().min(3).max(320);
const folder = z.string().min(1).max(1000);
const seq = z.number().int().min(1);
const uid = z.number().int().min(1).max(0xffffffff);
const journalId = z.string().regex(/^[0-9a-f]{32}$/);

/** One delivered message: [uid, flags, internal date (ms), size]. */
export const deliveredMessage = z.tuple([
  uid,
  z.array(z.string().max(200)).max(64),
  z.number(),
  z.number().int().nonnegative(),
]);

/** What the primary sends. */
export const primaryFrame = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('hello'),
    store: storeName,
    journal: journalId,
    head: z.number().int().min(0),
  }),
  z.strictObject({
    kind: z.literal('deliver'),
    seq,
    user,
    folder,
    uidValidity: uid,
    messages: z.array(deliveredMessage).min(1).max(10_000),
  }),
  z.strictObject({ kind: z.literal('change'), seq, user, folder }),
  z.strictObject({ kind: z.literal('resync'), seq, users: z.array(user).max(1_000_000) }),
]);
export type PrimaryFrame = z.infer<typeof primaryFrame>;

/** What the replica answers. */
export const replicaFrame = z.discriminatedUnion('kind', [
  /** `held`: the last sequence number of this journal the replica holds (0: none, start over). */
  z.strictObject({ kind: z.literal('ready'), held: z.number().int().min(0) }),
  z.strictObject({
    kind: z.literal('ack'),
    seq,
    /** Users whose changes are acknowledged but not yet copied in. */
    pendingUsers: z.number().int().nonnegative(),
    /** Age of the oldest of those, ms (0 when none). */
    oldestPendingMs: z.number().nonnegative(),
  }),
  z.strictObject({ kind: z.literal('error'), message: z.string().max(2000) }),
]);
export type ReplicaFrame = z.infer<typeof replicaFrame>;
