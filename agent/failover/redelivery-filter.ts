/**
 * The one duplicate a failover could make, and how it is not made (docs/failover.md). With RPO 0
 * the replica holds a delivery before the old node answers 250; when the old node dies (or is
 * fenced) between the replica's ack and its 250, the director was never told the message is
 * stored and delivers it again, now to the promoted node, which already has it from the replica.
 *
 * The director sends the same bytes again (its own Received line, with the time it took the
 * message in, makes them unique to that message). So at promotion, the SHA-256 of every message
 * of each user's INBOX that arrived in the last `windowMs` is noted, with the store's own trace
 * lines (Return-Path, Delivered-To and its Received, which differ at each attempt) left out; an
 * LMTP delivery of the same bytes to the same user is then answered 250 without storing it again,
 * once. The notes are written to `<data dir>/failover/redelivery.json` before the store is
 * repointed and dropped after `windowMs`.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { isMissing, replaceFileAtomically } from '../common/durable-fs.js';
import { maildirOfUser } from '../mail/store/maildir/mailbox-path.js';

/** How long after a promotion a redelivery is recognised (the director's retries come sooner). */
export const defaultRedeliveryWindowMs = 30 * 60_000;

const noteFile = z.object({
  notes: z.array(z.object({ user: z.string(), digest: z.string(), until: z.number() })),
});

/** The digest of a delivery's bytes as the director sent them. */
export function deliveryDigest(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * The bytes the director sent, from a stored message: the store's trace lines before them are
 * left out (`Return-Path`, `Delivered-To`, and the `Received` line with its two continuation
 * lines, as trace-headers.ts writes them).
 */
export function sentBytesOf(stored: Buffer): Buffer {
  let offset = 0;
  const line = () => {
    const end = stored.indexOf('\r\n', offset);
    return end < 0 ? undefined : { text: stored.subarray(offset, end).toString('latin1'), next: end + 2 };
  };
  for (const prefix of ['Return-Path:', 'Delivered-To:', 'Received:']) {
    const found = line();
    if (!found?.text.startsWith(prefix)) return stored;
    offset = found.next;
  }
  for (let i = 0; i < 2; i++) {
    const found = line();
    if (!found?.text.startsWith('\t')) return stored;
    offset = found.next;
  }
  return stored.subarray(offset);
}

/** Notes of recent deliveries of promoted stores, on one node. */
export class RedeliveryFilter {
  private notes = new Map<string, { user: string; digest: string; until: number }>();
  private readonly path: string;

  constructor(
    dataDir: string,
    private readonly now: () => number,
  ) {
    this.path = join(dataDir, 'failover', 'redelivery.json');
  }

  /** Reads the notes written before a restart. */
  async open(): Promise<void> {
    try {
      const parsed = noteFile.parse(JSON.parse(await readFile(this.path, 'utf8')));
      for (const note of parsed.notes) this.notes.set(`${note.user}\n${note.digest}`, note);
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
  }

  /**
   * Notes the INBOX messages of `users` under `mailRoot` that arrived within the window, and
   * writes the notes durably. Runs after the promotion put the copies in place.
   */
  async noteRecent(
    mailRoot: string,
    users: readonly string[],
    windowMs = defaultRedeliveryWindowMs,
  ): Promise<number> {
    const now = this.now();
    let noted = 0;
    for (const user of users) {
      const maildir = maildirOfUser(mailRoot, user).maildir;
      for (const sub of ['new', 'cur']) {
        const dir = join(maildir, sub);
        for (const file of await readdir(dir).catch(() => [] as string[])) {
          const path = join(dir, file);
          const info = await stat(path).catch(() => undefined);
          if (!info || now - info.mtimeMs > windowMs) continue;
          const digest = deliveryDigest(sentBytesOf(await readFile(path)));
          this.notes.set(`${user}\n${digest}`, { user, digest, until: now + windowMs });
          noted++;
        }
      }
    }
    await this.save();
    return noted;
  }

  /**
   * Whether this delivery is one the store holds already from before the failover; a note is
   * used once (a second identical delivery is stored).
   */
  takeRedelivery(user: string, sentBytes: Buffer): boolean {
    if (this.notes.size === 0) return false;
    const key = `${user.toLowerCase()}\n${deliveryDigest(sentBytes)}`;
    const note = this.notes.get(key);
    if (!note) return false;
    this.notes.delete(key);
    void this.save().catch(() => undefined);
    return note.until > this.now();
  }

  private async save(): Promise<void> {
    const now = this.now();
    for (const [key, note] of this.notes) if (note.until <= now) this.notes.delete(key);
    await mkdir(join(this.path, '..'), { recursive: true, mode: 0o700 });
    await replaceFileAtomically(this.path, `${JSON.stringify({ notes: [...this.notes.values()] })}\n`);
  }
}
