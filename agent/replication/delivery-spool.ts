/**
 * Deliveries a replica holds before they are written into its copies (docs/replication.md): one
 * file per delivery, `<data dir>/replication/replicas/<store>.spool/<seq>`, written to a temporary
 * name, fsynced, renamed and its directory fsynced before the replica acknowledges it. So the
 * primary's LMTP 250 waits for one file write on the replica, never for a round that copies a
 * mailbox. A file is removed once its messages are in the user's copy; those left by a crash are
 * written in at the next start.
 *
 * File: the delivery frame's header (JSON) on one line, then the messages' bytes one after the other.
 */
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDirectory, isMissing, writeNewFileDurably } from '../common/durable-fs.js';
import type { IncomingMessage } from '../moves/sync/staging-folder.js';
import { type PrimaryFrame, primaryFrame } from './replication-protocol.js';

type Delivery = Extract<PrimaryFrame, { kind: 'deliver' }>;

/** One logical store's spool of held deliveries. */
export class DeliverySpool {
  private constructor(readonly path: string) {}

  static async open(dataDir: string, store: string): Promise<DeliverySpool> {
    const path = join(dataDir, 'replication', 'replicas', `${store}.spool`);
    await mkdir(path, { recursive: true, mode: 0o700 });
    return new DeliverySpool(path);
  }

  /** Holds a delivery durably. */
  async hold(delivery: Delivery, body: Buffer): Promise<void> {
    let total = 0;
    for (const message of delivery.messages) total += message[3];
    if (total !== body.length) throw new Error('a delivery frame does not hold the bytes of its messages');
    const name = String(delivery.seq);
    const temp = join(this.path, `${name}.tmp`);
    await rm(temp, { force: true });
    await writeNewFileDurably(
      temp,
      Buffer.concat([Buffer.from(`${JSON.stringify(delivery)}\n`), body]),
      new Date(),
    );
    await rename(temp, join(this.path, name));
    await fsyncDirectory(this.path);
  }

  /** The held delivery of a sequence number, split into messages; undefined when gone. */
  async read(seq: number): Promise<{ delivery: Delivery; messages: IncomingMessage[] } | undefined> {
    let data: Buffer;
    try {
      data = await readFile(join(this.path, String(seq)));
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    const end = data.indexOf(10);
    const parsed = primaryFrame.parse(JSON.parse(data.subarray(0, end).toString('utf8')));
    if (parsed.kind !== 'deliver') throw new Error(`spool file ${seq} is not a delivery`);
    const messages: IncomingMessage[] = [];
    let offset = end + 1;
    for (const [uid, flags, internalDate, size] of parsed.messages) {
      messages.push({ uid, flags, recent: true, internalDate, body: data.subarray(offset, offset + size) });
      offset += size;
    }
    return { delivery: parsed, messages };
  }

  /** Sequence numbers held, in order. */
  async list(): Promise<number[]> {
    const names = await readdir(this.path).catch(() => [] as string[]);
    return names
      .filter((name) => /^\d+$/.test(name))
      .map(Number)
      .sort((a, b) => a - b);
  }

  async drop(seq: number): Promise<void> {
    await rm(join(this.path, String(seq)), { force: true });
  }
}
