/**
 * The source's side of the sync engine: a mailbox read through the store's own storage (the same
 * view IMAP sessions have, so what it lists is consistent and every listed message is one the store
 * acknowledged), answered as sync frames: the manifest, message bodies, and per-folder digests.
 *
 * Message bodies never change once stored (only their flags do), so the SHA-256 of each body is
 * remembered from the first time it is sent: the verification at cutover reads only what it has
 * not sent before.
 */
import { createHash } from 'node:crypto';
import type { Writable } from 'node:stream';
import type { FolderView, UserMailbox } from '../../mail/store/mail-storage.js';
import { toCrlf } from '../../mail/store/maildir/crlf.js';
import { type ReadBody, readMessageFiles } from './message-file-readers.js';
import { writeFrame } from './sync-frames.js';
import { type ManifestMessage, manifestChunkMessages, type SyncAnswer } from './sync-protocol.js';
import { formatUidSet } from './uid-set.js';

/** Body digests by folder, UIDVALIDITY and UID (one per move job). */
export class BodyDigests {
  private readonly digests = new Map<string, string>();

  get(folder: string, uidValidity: number, uid: number): string | undefined {
    return this.digests.get(key(folder, uidValidity, uid));
  }

  set(folder: string, uidValidity: number, uid: number, digest: string): void {
    this.digests.set(key(folder, uidValidity, uid), digest);
  }
}

function key(folder: string, uidValidity: number, uid: number): string {
  return `${folder}\0${uidValidity}\0${uid}`;
}

/** The SHA-256 of a body, hex. */
export function bodyDigest(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

/** The digest line of one message in a folder digest (the target computes the same). */
export function digestLine(uid: number, size: number, body: string): string {
  return `${uid} ${size} ${body}\n`;
}

// Bytes of bodies read ahead of the ones being sent (the source's share of the pipeline), in
// groups of this many messages or bytes (one message to a reader thread each).
const readAheadBytes = 4 * 1024 * 1024;
const readGroupMessages = 64;
const readGroupBytes = 1024 * 1024;

const answer = (out: Writable, frame: SyncAnswer, body?: Buffer) => writeFrame(out, frame, body);

/** Sends the manifest of a mailbox (`exists: false` and nothing else when there is none). */
export async function sendManifest(mailbox: UserMailbox | undefined, out: Writable): Promise<void> {
  if (!mailbox) {
    await answer(out, { kind: 'mailbox', exists: false, subscriptions: [] });
    return;
  }
  await answer(out, { kind: 'mailbox', exists: true, subscriptions: await mailbox.listSubscriptions() });
  for (const folder of await mailbox.listFolders()) {
    const view = await mailbox.openFolder(folder.name);
    try {
      const messages = view.messages();
      const recent = new Set(view.peekRecent());
      await answer(out, {
        kind: 'folder',
        name: folder.name,
        subscribed: folder.subscribed,
        ...(folder.specialUse ? { specialUse: folder.specialUse } : {}),
        uidValidity: view.uidValidity,
        uidNext: view.uidNext(),
        highestModseq: view.highestModseq(),
        count: messages.length,
      });
      for (let start = 0; start < messages.length; start += manifestChunkMessages) {
        const chunk: ManifestMessage[] = messages
          .slice(start, start + manifestChunkMessages)
          .map((m) => [
            m.uid,
            m.modseq,
            m.size,
            m.internalDate.getTime(),
            [...m.flags],
            recent.has(m.uid) ? 1 : 0,
          ]);
        await answer(out, { kind: 'messages', folder: folder.name, messages: chunk });
      }
      const expunged = view.expungedSince(0) ?? [];
      if (expunged.length > 0)
        await answer(out, {
          kind: 'expunged',
          folder: folder.name,
          uids: formatUidSet([...expunged].sort((a, b) => a - b)),
        });
    } finally {
      view.close();
    }
  }
}

/** Sends the bodies of `uids` of one folder (`gone` for those expunged since the manifest). */
export async function sendMessages(
  mailbox: UserMailbox,
  folder: string,
  uidValidity: number,
  uids: readonly number[],
  digests: BodyDigests,
  out: Writable,
): Promise<void> {
  const view = await mailbox.openFolder(folder);
  try {
    if (view.uidValidity !== uidValidity)
      throw new Error(`folder ${folder} has UIDVALIDITY ${view.uidValidity} now, not ${uidValidity}`);
    const sizes = new Map(view.messages().map((m) => [m.uid, m.size]));
    const groups = readGroups(uids, sizes);
    // Groups are read ahead of the one being sent (up to readAheadBytes, at least one): the reader
    // threads read the next messages while the current ones are framed, encrypted and wait for
    // the channel's window, instead of the two taking turns.
    const reads: Array<Promise<ReadGroup>> = [];
    let readBytes = 0;
    let readNext = 0;
    const fill = () => {
      while (readNext < groups.length && (reads.length === 0 || readBytes < readAheadBytes)) {
        const group = groups[readNext++]!;
        const read = readGroup(view, group.uids, sizes);
        // A read still pending when the request fails is not reported twice.
        read.catch(() => {});
        reads.push(read);
        readBytes += group.bytes;
      }
    };
    for (const group of groups) {
      fill();
      const { bodies, release } = await reads.shift()!;
      readBytes -= group.bytes;
      // The stream takes its writes in order: once it took the group's last body, the group's
      // memory holds nothing it still needs (a failed request never gives it back).
      let last = -1;
      bodies.forEach((read, i) => {
        if (read) last = i;
      });
      if (last < 0) release();
      for (const [i, uid] of group.uids.entries()) {
        const read = bodies[i];
        if (!read) {
          await answer(out, { kind: 'gone', uid });
          continue;
        }
        digests.set(folder, uidValidity, uid, read.digest);
        await writeFrame(
          out,
          { kind: 'message', uid, size: read.body.length } satisfies SyncAnswer,
          read.body,
          i === last ? release : undefined,
        );
      }
    }
  } finally {
    view.close();
  }
}

/** The UIDs to send in groups of at most readGroupMessages or readGroupBytes (listed UIDs only). */
function readGroups(uids: readonly number[], sizes: ReadonlyMap<number, number>) {
  const groups: Array<{ uids: number[]; bytes: number }> = [];
  let current = { uids: [] as number[], bytes: 0 };
  for (const uid of uids) {
    const size = sizes.get(uid) ?? 0;
    if (
      current.uids.length > 0 &&
      (current.uids.length >= readGroupMessages || current.bytes + size > readGroupBytes)
    ) {
      groups.push(current);
      current = { uids: [], bytes: 0 };
    }
    current.uids.push(uid);
    current.bytes += size;
  }
  if (current.uids.length > 0) groups.push(current);
  return groups;
}

/** A group's bodies (undefined: gone) and the giving back of the memory they lie in. */
interface ReadGroup {
  bodies: Array<ReadBody | undefined>;
  release(): void;
}

/**
 * Reads a group of messages (undefined: gone, or not listed in the view): on the reader threads
 * when the storage says where its files are, else (and for a file a flag change renamed
 * meanwhile) through the view.
 */
async function readGroup(
  view: FolderView,
  uids: readonly number[],
  sizes: ReadonlyMap<number, number>,
): Promise<ReadGroup> {
  const listed = uids.filter((uid) => sizes.has(uid));
  const found = view.messageFilePaths?.(listed) ?? [];
  const paths = new Map<number, string>();
  for (const [i, uid] of listed.entries()) if (found[i] !== undefined) paths.set(uid, found[i]);
  const located = [...paths.keys()];
  const expectedBytes = located.reduce((sum, uid) => sum + (sizes.get(uid) ?? 0), 0);
  const read =
    located.length > 0
      ? await readMessageFiles(
          located.map((uid) => paths.get(uid)!),
          expectedBytes,
        )
      : { bodies: [], release: () => {} };
  const fromThreads = new Map(located.map((uid, k) => [uid, read.bodies[k]]));
  const bodies = await Promise.all(
    uids.map(async (uid) => {
      if (!sizes.has(uid)) return undefined;
      const read = fromThreads.get(uid);
      if (read) {
        // As `read` gives it: CRLF line ends (the thread checked; converted here when it has not).
        if (read.crlf) return read;
        const body = toCrlf(read.body);
        return { body, digest: bodyDigest(body), crlf: true };
      }
      // Read through the view, which gives CRLF line ends.
      const body = await readIfPresent(view, uid);
      return body && { body, digest: bodyDigest(body), crlf: true };
    }),
  );
  return { bodies, release: read.release };
}

/** Sends every folder's digest (count, UIDs, bytes, and the digest over UID, size and body). */
export async function sendDigests(
  mailbox: UserMailbox | undefined,
  digests: BodyDigests,
  out: Writable,
): Promise<void> {
  for (const folder of mailbox ? await mailbox.listFolders() : []) {
    const view = await mailbox!.openFolder(folder.name);
    try {
      const hash = createHash('sha256');
      const uids: number[] = [];
      let bytes = 0;
      for (const message of view.messages()) {
        let body = digests.get(folder.name, view.uidValidity, message.uid);
        if (body === undefined) {
          const read = await readIfPresent(view, message.uid);
          if (!read) continue;
          body = bodyDigest(read);
          digests.set(folder.name, view.uidValidity, message.uid, body);
        }
        uids.push(message.uid);
        bytes += message.size;
        hash.update(digestLine(message.uid, message.size, body));
      }
      await answer(out, {
        kind: 'folder-digest',
        name: folder.name,
        uidValidity: view.uidValidity,
        count: uids.length,
        uids: formatUidSet(uids),
        bytes,
        digest: hash.digest('hex'),
      });
    } finally {
      view.close();
    }
  }
}

/** The body, or undefined when the message went away between the listing and the read. */
async function readIfPresent(view: FolderView, uid: number): Promise<Buffer | undefined> {
  try {
    return await view.read(uid);
  } catch (error) {
    if ((error as { code?: string }).code === 'no-such-message') return undefined;
    throw error;
  }
}
