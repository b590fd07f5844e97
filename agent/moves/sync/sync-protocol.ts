/**
 * What travels on the `mailfleet-sync` channel (frames: sync-frames.ts). The target store's agent
 * opens one channel per request, sends one request frame, and reads the source's answer frames
 * until `end` (or `error`); then the source closes the channel. Every request names the move job
 * and the user, and the source serves it only when the user's move lock names that job and the
 * calling node's store as target (peer-lock.ts).
 *
 * - `manifest`: the mailbox as it is now: subscriptions, then per folder its figures
 *   (UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ), its messages (UID, mod-sequence, size, date, flags,
 *   \Recent) in chunks, and the UIDs of its expunge history (QRESYNC's VANISHED);
 * - `fetch`: the bodies of some messages of one folder (as stored, CRLF), or `gone` for each that
 *   was expunged meanwhile;
 * - `verify`: per folder the count, the UID list, the total size and a digest over every message's
 *   UID, size and body (SHA-256), which the target compares with its own copy.
 */
import { z } from 'zod';

/** The SSH subsystem of the bulk channel (peers only). */
export const syncSubsystem = 'mailfleet-sync';

/** Messages per manifest chunk (a chunk is one frame header). */
export const manifestChunkMessages = 2000;
/** Most UIDs one fetch may ask for. */
export const maxFetchUids = 20_000;

// A move's job (`mv-…`), or a replica's pulls of one logical store (`rp-<store>`, docs/replication.md).
const job = z.string().regex(/^(mv|rp)-[A-Za-z0-9._-]{1,80}$/);
const user = z.string().min(3).max(320);
const folderName = z.string().min(1).max(1000);
const uid = z.number().int().min(1).max(0xffffffff);

/** A request (the first and only frame the target sends). */
export const syncRequest = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('manifest'), job, user }),
  z.strictObject({
    op: z.literal('fetch'),
    job,
    user,
    folder: folderName,
    uidValidity: uid,
    /** formatUidSet form. */
    uids: z.string().max(1024 * 1024),
  }),
  z.strictObject({ op: z.literal('verify'), job, user }),
]);
export type SyncRequest = z.infer<typeof syncRequest>;

/** One message of a manifest: [uid, modseq, size, internal date (ms), flags, recent (1 or 0)]. */
export const manifestMessage = z.tuple([
  uid,
  z.number().int().nonnegative(),
  z.number().int().nonnegative(),
  z.number(),
  z.array(z.string().max(200)).max(64),
  z.union([z.literal(0), z.literal(1)]),
]);
export type ManifestMessage = z.infer<typeof manifestMessage>;

/** A folder's figures (before its messages). */
export const manifestFolder = z.strictObject({
  kind: z.literal('folder'),
  name: folderName,
  subscribed: z.boolean(),
  specialUse: z.string().max(200).optional(),
  uidValidity: uid,
  uidNext: uid,
  highestModseq: z.number().int().nonnegative(),
  count: z.number().int().nonnegative(),
});
export type ManifestFolder = z.infer<typeof manifestFolder>;

/** What the source answers, frame by frame. */
export const syncAnswer = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('mailbox'),
    exists: z.boolean(),
    /** Every subscribed name, also of folders that do not exist (RFC 3501 6.3.6). */
    subscriptions: z.array(folderName).max(100_000),
  }),
  manifestFolder,
  z.strictObject({ kind: z.literal('messages'), folder: folderName, messages: z.array(manifestMessage) }),
  z.strictObject({ kind: z.literal('expunged'), folder: folderName, uids: z.string() }),
  /** A message body follows in the frame's body. */
  z.strictObject({ kind: z.literal('message'), uid, size: z.number().int().nonnegative() }),
  z.strictObject({ kind: z.literal('gone'), uid }),
  z.strictObject({
    kind: z.literal('folder-digest'),
    name: folderName,
    uidValidity: uid,
    count: z.number().int().nonnegative(),
    uids: z.string(),
    bytes: z.number().nonnegative(),
    digest: z.string().regex(/^[0-9a-f]{64}$/),
  }),
  z.strictObject({ kind: z.literal('end') }),
  z.strictObject({ kind: z.literal('error'), message: z.string().max(2000) }),
]);
export type SyncAnswer = z.infer<typeof syncAnswer>;
