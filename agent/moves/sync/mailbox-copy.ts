/**
 * One round of the sync engine, on the target: read the source's manifest, compare it with the
 * staging copy, and make the copy equal to what the manifest says. The delta is computed by
 * comparing UID lists and flags folder by folder (not by mod-sequence: a full manifest costs a few
 * bytes per message and is right also after a restart on either side, when an earlier round's
 * mod-sequence would say nothing about what reached the disk here):
 *
 * - a folder whose UIDVALIDITY changed, or is new, starts empty; folders gone are removed;
 * - UIDs gone from the source are expunged here; flags that differ are renamed here;
 * - UIDs missing here are fetched in batches (one channel each) and written durably: one by one
 *   (fsynced) for a small delta, or for a bulk round (`bulkRoundBytes` or more to copy) written
 *   unflushed and made durable by one flush of the file system at the round's end (measured: an
 *   fdatasync per file was about a third of a 1 GiB copy's CPU; staging-maildir.ts says how a
 *   crash in between is recovered). The round resolves only once everything it wrote is durable.
 *
 * Used for the bulk copy, each catch-up round and the final delta under the cutover's hold.
 * `verifyCopy` then compares each folder's count, UIDs, bytes and body digests with the source's.
 */
import type { MessageBaseGenerator } from '../../mail/store/maildir/message-file-name.js';
import type { BandwidthLimit } from './bandwidth-limit.js';
import { type BodyArena, giveBackArena, takeArena } from './body-arena.js';
import type { IncomingMessage } from './staging-folder.js';
import type { StagingMaildir } from './staging-maildir.js';
import { type OpenSyncChannel, SyncRequestError, syncRequestFrames } from './sync-client.js';
import { type ManifestFolder, type ManifestMessage, maxFetchUids } from './sync-protocol.js';
import { formatUidSet, parseUidSet } from './uid-set.js';

/** The source's mailbox as one manifest showed it. */
export interface SourceManifest {
  exists: boolean;
  subscriptions: string[];
  folders: Array<{ info: ManifestFolder; messages: ManifestMessage[]; expunged: number[] }>;
}

/** What a round did. */
export interface RoundFigures {
  messagesCopied: number;
  bytesCopied: number;
  flagChanges: number;
  expunged: number;
  foldersReset: number;
  foldersRemoved: number;
  /** The source's totals at the manifest. */
  messagesTotal: number;
  bytesTotal: number;
}

/** Where a round reads from and how fast it may go. */
export interface CopySource {
  open: OpenSyncChannel;
  job: string;
  user: string;
  limit: BandwidthLimit;
  names: MessageBaseGenerator;
  /** Told after each batch is written (durable at once, or at the end of a bulk round). */
  onProgress?: (messages: number, bytes: number) => void;
  /** Checked between batches: a cancelled move stops copying at once. */
  signal?: AbortSignal;
  /** A round with this many bytes or more to copy is a bulk round (default `bulkRoundBytes`). */
  bulkFromBytes?: number;
}

/** Bytes to copy from which a round writes unflushed and flushes once at its end. */
export const bulkRoundBytes = 32 * 1024 * 1024;
// A bulk round starts a flush (not waited for) each time it has written this much, so the disk
// writes while the copy goes on and the flush at the end has little left (measured on a 1 GiB
// round: the flush at the end took 0.6-0.9 s without these, 70-80 ms with them).
const flushAheadBytes = 128 * 1024 * 1024;

// A fetch asks for at most this many messages (all the source takes in one) or bytes, a channel
// each. Few and large: each fetch costs a channel, the source's scan of the folder (30-70 ms for
// 20,000 messages) and a pipeline that drains and fills again; measured on a 1 GiB move here,
// 16 fetches of 2,000 messages took 7.7 s to copy, 4 fetches 5.4-6.1 s and one 5.6 s, with about
// a quarter less CPU.
// Nothing is held per fetch (bodies stream under back-pressure), so size costs no memory.
const fetchMaxMessages = maxFetchUids;
const fetchMaxBytes = 1024 * 1024 * 1024;
// Writes land in batches of this many bytes: large enough for few fsyncs, small enough to resume
// cheaply.
const writeBatchBytes = 8 * 1024 * 1024;
const writeBatchMessages = 256;
// ...or what arrived in this long: under a bandwidth limit (400 kB/s takes 20 s to fill 8 MiB)
// progress is still reported and made durable about once a second, so a restart loses little.
const writeBatchMs = 1000;

/** Reads the source's manifest. */
export async function readManifest(
  open: OpenSyncChannel,
  job: string,
  user: string,
): Promise<SourceManifest> {
  const manifest: SourceManifest = { exists: false, subscriptions: [], folders: [] };
  for await (const frame of syncRequestFrames(open, { op: 'manifest', job, user })) {
    if (frame.kind === 'mailbox') {
      manifest.exists = frame.exists;
      manifest.subscriptions = frame.subscriptions;
    } else if (frame.kind === 'folder') {
      manifest.folders.push({ info: { ...frame }, messages: [], expunged: [] });
    } else if (frame.kind === 'messages' || frame.kind === 'expunged') {
      const folder = manifest.folders[manifest.folders.length - 1];
      if (folder?.info.name !== frame.folder) throw new SyncRequestError('the manifest is out of order');
      if (frame.kind === 'messages') folder.messages.push(...frame.messages);
      else folder.expunged = parseUidSet(frame.uids, 10_000_000);
    } else throw new SyncRequestError(`unexpected ${frame.kind} in a manifest`);
  }
  return manifest;
}

/** One round: makes the staging copy equal to the source's mailbox as its manifest shows it now. */
export async function copyRound(
  staging: StagingMaildir,
  source: CopySource,
): Promise<{ manifest: SourceManifest; figures: RoundFigures }> {
  const manifest = await readManifest(source.open, source.job, source.user);
  const figures: RoundFigures = {
    messagesCopied: 0,
    bytesCopied: 0,
    flagChanges: 0,
    expunged: 0,
    foldersReset: 0,
    foldersRemoved: 0,
    messagesTotal: 0,
    bytesTotal: 0,
  };
  for (const { messages } of manifest.folders) {
    figures.messagesTotal += messages.length;
    for (const message of messages) figures.bytesTotal += message[2];
  }
  figures.foldersRemoved = await staging.keepOnly(new Set(manifest.folders.map((f) => f.info.name)));
  const bulk = bytesToCopy(staging, manifest) >= (source.bulkFromBytes ?? bulkRoundBytes);
  if (bulk) await staging.beginUnflushedWrites();
  let writtenSinceFlush = 0;
  for (const { info, messages } of manifest.folders) {
    source.signal?.throwIfAborted();
    const before = staging.folders.get(info.name);
    const folder = await staging.folderFor(info);
    if (folder !== before) figures.foldersReset++;
    const wanted = new Map(messages.map((m) => [m[0], m]));
    const gone = [...folder.messages.keys()].filter((uid) => !wanted.has(uid));
    await folder.expunge(gone);
    figures.expunged += gone.length;
    const missing: ManifestMessage[] = [];
    for (const message of messages) {
      if (!folder.messages.has(message[0])) missing.push(message);
      else if (await folder.setFlags(message[0], message[4], message[5] === 1)) figures.flagChanges++;
    }
    if (gone.length > 0 || figures.flagChanges > 0) await folder.sync();
    const writer = new BatchWriter(async (batch) => {
      await folder.add(batch, source.names, { sync: !bulk });
      const bytes = batch.reduce((sum, m) => sum + m.body.length, 0);
      writtenSinceFlush += bytes;
      if (bulk && writtenSinceFlush >= flushAheadBytes) {
        writtenSinceFlush = 0;
        staging.flushAhead();
      }
      source.onProgress?.(batch.length, bytes);
    });
    try {
      for (const group of fetchGroups(missing)) {
        source.signal?.throwIfAborted();
        const copied = await fetchInto(source, info, group, writer);
        figures.messagesCopied += copied.messages;
        figures.bytesCopied += copied.bytes;
      }
      await writer.drain();
    } finally {
      // Never leave a write running behind the caller: it may remove or reload the copy next.
      await writer.settle();
    }
  }
  if (bulk) await staging.flush();
  return { manifest, figures };
}

/** The bytes of the manifest's messages the staging copy does not have. */
function bytesToCopy(staging: StagingMaildir, manifest: SourceManifest): number {
  let bytes = 0;
  for (const { info, messages } of manifest.folders) {
    const folder = staging.folders.get(info.name);
    const copied = folder?.uidValidity === info.uidValidity ? folder.messages : undefined;
    for (const message of messages) if (!copied?.has(message[0])) bytes += message[2];
  }
  return bytes;
}

/** Splits the messages to fetch into requests of bounded count and size. */
function fetchGroups(missing: readonly ManifestMessage[]): ManifestMessage[][] {
  const groups: ManifestMessage[][] = [];
  let current: ManifestMessage[] = [];
  let bytes = 0;
  for (const message of missing) {
    if (current.length > 0 && (current.length >= fetchMaxMessages || bytes + message[2] > fetchMaxBytes)) {
      groups.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += message[2];
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/**
 * Writes a folder's batches one after the other while the next ones are received: the disk and
 * the channel work at the same time instead of taking turns (measured: the writes were a third to
 * a half of the copy's time, the channel idle meanwhile). At most one write is in flight, so a
 * folder's batches land in order (its records are appended one batch after the other) and at most
 * two batches are held in memory: `push` waits for the previous write, and while it waits the
 * channel is not read, so the source is slowed through SSH's window as before. One writer serves
 * all of a folder's fetches, so the last batch of one fetch is written while the next is asked for.
 */
class BatchWriter {
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly write: (batch: IncomingMessage[]) => Promise<void>) {}

  /**
   * Waits for the previous batch's write (throwing its error), then starts this one's; the
   * batch's arena is given back once the write is over, whatever its outcome.
   */
  async push(batch: IncomingMessage[], arena: BodyArena): Promise<void> {
    try {
      await this.writing;
    } catch (error) {
      giveBackArena(arena);
      throw error;
    }
    this.writing = this.write(batch).finally(() => giveBackArena(arena));
    // A failed write is thrown by the next push or by drain, not as an unhandled rejection.
    this.writing.catch(() => {});
  }

  /** Resolves once the last batch is durable; throws its error. */
  drain(): Promise<void> {
    return this.writing;
  }

  /** Waits for a write in flight, whatever its outcome (the copy failed and may be removed next). */
  async settle(): Promise<void> {
    await this.writing.catch(() => {});
  }
}

/** Fetches one group and hands the bodies on in write batches (back-pressure to the source). */
async function fetchInto(
  source: CopySource,
  info: ManifestFolder,
  group: readonly ManifestMessage[],
  writer: BatchWriter,
): Promise<{ messages: number; bytes: number }> {
  const byUid = new Map(group.map((m) => [m[0], m]));
  const request = {
    op: 'fetch' as const,
    job: source.job,
    user: source.user,
    folder: info.name,
    uidValidity: info.uidValidity,
    uids: formatUidSet(group.map((m) => m[0])),
  };
  let batch: IncomingMessage[] = [];
  let batchBytes = 0;
  let batchBegan = 0;
  // The bodies of the batch being received are copied into its arena as they arrive (body-arena.ts).
  let arena = takeArena();
  const totals = { messages: 0, bytes: 0 };
  const flush = async () => {
    if (batch.length === 0) return;
    const next = batch;
    const full = arena;
    batch = [];
    batchBytes = 0;
    arena = takeArena();
    await writer.push(next, full);
  };
  try {
    await receive();
    await flush();
  } finally {
    giveBackArena(arena);
  }
  return totals;

  async function receive(): Promise<void> {
    for await (const frame of syncRequestFrames(source.open, request, (length) => arena.reserve(length))) {
      if (frame.kind === 'gone') continue;
      if (frame.kind !== 'message') throw new SyncRequestError(`unexpected ${frame.kind} in a fetch`);
      const listed = byUid.get(frame.uid);
      if (!listed || frame.body.length !== frame.size)
        throw new SyncRequestError(`the source sent a message it was not asked for (UID ${frame.uid})`);
      await source.limit.take(frame.body.length, source.signal);
      if (batch.length === 0) batchBegan = performance.now();
      batch.push({
        uid: frame.uid,
        flags: listed[4],
        recent: listed[5] === 1,
        internalDate: listed[3],
        body: frame.body,
      });
      batchBytes += frame.body.length;
      totals.messages++;
      totals.bytes += frame.body.length;
      if (
        batch.length >= writeBatchMessages ||
        batchBytes >= writeBatchBytes ||
        performance.now() - batchBegan >= writeBatchMs
      )
        await flush();
    }
  }
}

/** What verification found. */
export interface VerifyOutcome {
  ok: boolean;
  folders: number;
  messages: number;
  bytes: number;
  /** Each difference in words (empty when ok). */
  differences: string[];
}

/** Compares every folder of the staging copy with the source: count, UID list, bytes, body digests. */
export async function verifyCopy(staging: StagingMaildir, open: OpenSyncChannel, job: string, user: string) {
  const outcome: VerifyOutcome = { ok: true, folders: 0, messages: 0, bytes: 0, differences: [] };
  const seen = new Set<string>();
  for await (const frame of syncRequestFrames(open, { op: 'verify', job, user })) {
    if (frame.kind !== 'folder-digest')
      throw new SyncRequestError(`unexpected ${frame.kind} in a verification`);
    seen.add(frame.name);
    const folder = staging.folders.get(frame.name);
    if (!folder) {
      outcome.differences.push(`folder ${frame.name} is missing`);
      continue;
    }
    const mine = await folder.digest();
    outcome.folders++;
    outcome.messages += mine.count;
    outcome.bytes += mine.bytes;
    if (folder.uidValidity !== frame.uidValidity)
      outcome.differences.push(
        `${frame.name}: UIDVALIDITY ${folder.uidValidity}, the source has ${frame.uidValidity}`,
      );
    else if (mine.count !== frame.count || formatUidSet(mine.uids) !== frame.uids)
      outcome.differences.push(
        `${frame.name}: ${mine.count} messages, the source has ${frame.count} (UIDs differ)`,
      );
    else if (mine.bytes !== frame.bytes) outcome.differences.push(`${frame.name}: sizes differ`);
    else if (mine.digest !== frame.digest) outcome.differences.push(`${frame.name}: message contents differ`);
  }
  for (const name of staging.folders.keys())
    if (!seen.has(name)) outcome.differences.push(`folder ${name} is not on the source`);
  outcome.ok = outcome.differences.length === 0;
  return outcome;
}
