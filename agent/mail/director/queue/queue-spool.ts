/**
 * The queue's files. A message is written to `incoming/`, fsynced, renamed into `messages/` and the
 * directory fsynced (group commit) before the SMTP 250; a crash before the rename leaves only an
 * `incoming/` file, which recovery discards (that message never got its 250). Recipient outcomes are
 * appended to `<id>.state` and fdatasynced before the queue forgets them, so a delivered recipient is
 * never delivered again after a restart.
 */
import { access, mkdir, open, readdir, rename, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { appendDurably, isMissing, readWholeFile } from '../../../common/durable-fs.js';
import { DirectorySyncBatch } from './directory-sync-batch.js';
import {
  type NoticeRecord,
  noticeRecordSchema,
  type QueueEntry,
  type SpoolHeader,
  type StateRecord,
  spoolHeaderSchema,
  stateRecordSchema,
} from './queue-entry.js';

/** A message read back from the spool. */
export interface SpooledMessage {
  header: SpoolHeader;
  records: StateRecord[];
  /** DSNs already queued for this message. */
  notices: NoticeRecord[];
}

/** The spool directory of one queue. */
export class QueueSpool {
  private readonly incoming: string;
  private readonly messages: string;
  private readonly batch: DirectorySyncBatch;

  constructor(readonly root: string) {
    this.incoming = join(root, 'incoming');
    this.messages = join(root, 'messages');
    this.batch = new DirectorySyncBatch(this.messages);
  }

  /** Creates the directories; discards torn `incoming/` files left by a crash. */
  async open(): Promise<void> {
    await mkdir(this.incoming, { recursive: true, mode: 0o700 });
    await mkdir(this.messages, { recursive: true, mode: 0o700 });
    for (const name of await readdir(this.incoming)) await rm(join(this.incoming, name), { force: true });
  }

  /** Writes a message durably; resolves only when a crash can no longer lose it. */
  async write(header: SpoolHeader, content: Buffer): Promise<void> {
    const temporary = join(this.incoming, header.id);
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), content]));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, this.messagePath(header.id));
    await this.batch.sync();
  }

  /** Reads a message's content (without the header line). */
  async content(id: string): Promise<Buffer> {
    const whole = await readWholeFile(this.messagePath(id));
    return whole.subarray(whole.indexOf(0x0a) + 1);
  }

  /** Records recipient outcomes; `durable` fdatasyncs before resolving (delivered and bounced). */
  async record(id: string, records: StateRecord[]): Promise<void> {
    const lines = Buffer.from(records.map((r) => `${JSON.stringify(r)}\n`).join(''));
    await appendDurably(this.statePath(id), lines);
  }

  /** Notes durably that a DSN for message `id` is in the queue. */
  async note(id: string, notice: NoticeRecord): Promise<void> {
    await appendDurably(this.statePath(id), Buffer.from(`${JSON.stringify(notice)}\n`));
  }

  /** Whether a message is in the spool (its 250 or its DSN was durable). */
  async has(id: string): Promise<boolean> {
    try {
      await access(this.messagePath(id));
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  /** Removes a message whose recipients are all final. */
  async remove(id: string): Promise<void> {
    // The message file goes first: a state log without a message is an orphan recovery deletes.
    await unlinkIfPresent(this.messagePath(id));
    await unlinkIfPresent(this.statePath(id));
  }

  /**
   * Removes a message delivered to everyone, durably: the message file, then a directory fsync
   * (shared with concurrent writes), then its state log (an orphan log is deleted on recovery).
   */
  async removeDurably(id: string): Promise<void> {
    await unlinkIfPresent(this.messagePath(id));
    await this.batch.sync();
    await unlinkIfPresent(this.statePath(id));
  }

  /** Makes earlier removals durable (one directory fsync, shared with concurrent writes). */
  async syncRemovals(): Promise<void> {
    await this.batch.sync();
  }

  /** Every message in the spool with its state records; unreadable files are reported and skipped. */
  async load(report: (file: string, problem: string) => void): Promise<SpooledMessage[]> {
    const names = await readdir(this.messages);
    const found: SpooledMessage[] = [];
    const ids = new Set(names.filter((n) => n.endsWith('.msg')).map((n) => n.slice(0, -4)));
    for (const name of names) {
      if (name.endsWith('.state') && !ids.has(name.slice(0, -6))) {
        await rm(join(this.messages, name), { force: true });
      }
    }
    for (const id of [...ids].sort()) {
      const whole = await readWholeFile(this.messagePath(id));
      const header = parseHeader(whole);
      if (!header || header.id !== id) {
        report(id, 'unreadable spool header');
        continue;
      }
      found.push({ header, ...(await this.readRecords(id)) });
    }
    return found;
  }

  private async readRecords(id: string): Promise<Omit<SpooledMessage, 'header'>> {
    let text: string;
    try {
      text = (await readWholeFile(this.statePath(id))).toString('utf8');
    } catch (error) {
      if (isMissing(error)) return { records: [], notices: [] };
      throw error;
    }
    const records: StateRecord[] = [];
    const notices: NoticeRecord[] = [];
    for (const line of text.split('\n')) {
      if (line === '') continue;
      // A torn last line (crash mid-append) was never acknowledged as durable: ignore it.
      const value = safeJson(line);
      const parsed = stateRecordSchema.safeParse(value);
      if (parsed.success) records.push(parsed.data);
      const notice = noticeRecordSchema.safeParse(value);
      if (notice.success) notices.push(notice.data);
    }
    return { records, notices };
  }

  private messagePath(id: string): string {
    return join(this.messages, `${id}.msg`);
  }

  private statePath(id: string): string {
    return join(this.messages, `${id}.state`);
  }
}

/** Builds a spool header for an entry. */
export function spoolHeader(entry: QueueEntry): SpoolHeader {
  return {
    v: 1,
    id: entry.id,
    sender: entry.sender,
    receivedAt: entry.receivedAt,
    size: entry.size,
    recipients: entry.recipients.map((r) => ({ address: r.address, original: r.original })),
  };
}

function parseHeader(whole: Buffer): SpoolHeader | undefined {
  const end = whole.indexOf(0x0a);
  if (end < 0) return undefined;
  const parsed = spoolHeaderSchema.safeParse(safeJson(whole.subarray(0, end).toString('utf8')));
  if (!parsed.success) return undefined;
  // A size mismatch means the file is not the one that was fsynced before the 250.
  if (whole.length - end - 1 !== parsed.data.size) return undefined;
  return parsed.data;
}

// Plain unlink: rm({ force }) stats every path first, which the director bench's profile showed.
async function unlinkIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
