/**
 * One folder of a mailbox being copied in (the target's side of the sync engine), laid out as the
 * store lays out a live folder (docs/store.md: Dovecot's Maildir++), but with the SOURCE's UIDs,
 * UIDVALIDITY and UIDNEXT, and written so that a kill -9 at any point resumes from what is on disk:
 *
 * - a message file is written into cur/ (or new/ while \Recent) and fdatasynced (not through
 *   tmp/: no one reads this copy before the cutover); the batch's directories are fsynced; only
 *   then are its `dovecot-uidlist` records appended (fdatasync), with the body digests beside
 *   them in `mailfleet-move-digests`;
 * - at load, a record whose file is there is a copied message; a file without a record was cut
 *   short by a crash and is removed (it is copied again); a record without a file was expunged;
 * - a bulk copy writes the same steps without the fsyncs and flushes the file system once at the
 *   end of its round (staging-maildir.ts keeps the boot it wrote in): after a process crash the
 *   page cache still holds every step in order, and after a reboot `load` reads every file back
 *   and keeps only those whose body digest is the one recorded;
 * - flag changes rename the file; expunges unlink it.
 *
 * `finalize` writes what the live store reads besides the files: the uidlist compacted with the
 * source's UIDNEXT, and `mailfleet-modseq` with the source's mod-sequences (letters as written
 * here), so HIGHESTMODSEQ and every message's MODSEQ are the source's after the move.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import {
  appendToFile,
  fsyncDirectory,
  isMissing,
  readdirOrEmpty,
  readWholeFile,
  replaceFileAtomically,
  writeNewFileDurably,
} from '../../common/durable-fs.js';
import { KeywordTable, systemFlagLetters } from '../../mail/store/maildir/keyword-table.js';
import { readKeywordTable, writeKeywordTable } from '../../mail/store/maildir/keywords-file.js';
import {
  formatMessageFileName,
  type MessageBaseGenerator,
  parseMessageFileName,
  sortLetters,
} from '../../mail/store/maildir/message-file-name.js';
import { expungeLine, messageLine, rewriteModseqLog } from '../../mail/store/maildir/modseq-log.js';
import { appendUidlistRecords, readUidlist, rewriteUidlist } from '../../mail/store/maildir/uidlist-file.js';
import { bodyDigest, digestLine } from './mailbox-reader.js';
import { writeMessageFiles } from './message-file-writers.js';

const digestsFileName = 'mailfleet-move-digests';
// Mod-sequences reserved above the highest by the ceiling line of a new modseq file (as the store).
const modseqReserve = 4096;

/** One copied message. */
export interface StagedMessage {
  uid: number;
  base: string;
  /** Flag letters of its file name. */
  letters: string;
  /** In new/ (\Recent, no flags) or cur/. */
  inNew: boolean;
  size: number;
  /** SHA-256 of the body when known (written with the record). */
  digest?: string;
}

/** A message to add. */
export interface IncomingMessage {
  uid: number;
  flags: readonly string[];
  recent: boolean;
  internalDate: number;
  body: Buffer;
}

/** One folder of the staging copy. */
export class StagingFolder {
  readonly messages = new Map<number, StagedMessage>();
  private keywords = new KeywordTable();

  private constructor(
    readonly name: string,
    readonly path: string,
    public uidValidity: number,
    public uidNext: number,
    private guid: string,
  ) {}

  /** A new empty folder directory (replacing whatever was there). */
  static async create(
    name: string,
    path: string,
    uidValidity: number,
    uidNext: number,
    isInbox: boolean,
  ): Promise<StagingFolder> {
    if (!isInbox) await rm(path, { recursive: true, force: true });
    await Promise.all(
      ['cur', 'new', 'tmp'].map((d) => mkdir(join(path, d), { recursive: true, mode: 0o700 })),
    );
    if (isInbox) {
      // INBOX is the Maildir itself: only its message files and indexes go.
      for (const dir of ['cur', 'new']) await emptyDirectory(join(path, dir));
      await rm(join(path, digestsFileName), { force: true });
      await rm(join(path, 'dovecot-keywords'), { force: true });
    } else await writeNewFileDurably(join(path, 'maildirfolder'), Buffer.alloc(0), new Date());
    const folder = new StagingFolder(name, path, uidValidity, uidNext, randomBytes(16).toString('hex'));
    await folder.writeIndex();
    await fsyncDirectory(path);
    return folder;
  }

  /**
   * The folder as left on disk by an earlier run; undefined when it has no usable uidlist. With
   * `verifyBodies` (unflushed writes of another boot), every recorded file is read back and kept
   * only when its body has the recorded digest; the rest are removed (they are copied again).
   */
  static async load(
    name: string,
    path: string,
    { verifyBodies = false }: { verifyBodies?: boolean } = {},
  ): Promise<StagingFolder | undefined> {
    const uidlist = await readUidlist(path);
    if (!uidlist?.header) return undefined;
    const { uidValidity, uidNext, guid } = uidlist.header;
    const folder = new StagingFolder(name, path, uidValidity, uidNext, guid);
    folder.keywords = await readKeywordTable(path);
    const files = new Map<string, { letters: string; inNew: boolean; name: string; size?: number }>();
    for (const dir of ['new', 'cur'] as const) {
      for (const entry of await readdirOrEmpty(join(path, dir))) {
        const parsed = parseMessageFileName(entry);
        if (parsed)
          files.set(parsed.base, {
            letters: parsed.letters,
            inNew: dir === 'new',
            name: `${dir}/${entry}`,
            ...(parsed.size === undefined ? {} : { size: parsed.size }),
          });
      }
    }
    const digests = await readDigests(path);
    for (const record of uidlist.records) {
      const file = files.get(record.base);
      if (!file) continue;
      files.delete(record.base);
      const size = file.size ?? (await stat(join(path, file.name))).size;
      const digest = digests.get(record.uid);
      if (verifyBodies && !(digest && (await hasDigest(join(path, file.name), size, digest)))) {
        await rm(join(path, file.name), { force: true });
        continue;
      }
      folder.messages.set(record.uid, {
        uid: record.uid,
        base: record.base,
        letters: file.letters,
        inNew: file.inNew,
        size,
        ...(digest ? { digest } : {}),
      });
    }
    // Files with no record were written by a run cut short before their records: copied again.
    for (const file of files.values()) await rm(join(path, file.name), { force: true });
    await emptyDirectory(join(path, 'tmp'));
    if (verifyBodies) {
      // The records and digests as checked, written whole (a power loss may have torn a tail).
      await folder.writeIndex();
      await replaceFileAtomically(
        join(path, digestsFileName),
        [...folder.messages.values()].map((m) => `${m.uid} ${m.digest}\n`).join(''),
      );
      await Promise.all([fsyncDirectory(join(path, 'cur')), fsyncDirectory(join(path, 'new'))]);
    }
    return folder;
  }

  /** The letters for IMAP flags here (keywords get letters, written before any file uses them). */
  async lettersOf(flags: readonly string[]): Promise<string> {
    let letters = '';
    let added = false;
    for (const flag of flags) {
      const system = systemFlagLetters[flag];
      if (system) letters += system;
      else if (!flag.startsWith('\\')) {
        const assigned = this.keywords.assign(flag);
        // More than 26 keywords in a folder: the 27th is dropped, as the store and Dovecot do.
        if (assigned.letter) letters += assigned.letter;
        added ||= assigned.added;
      }
    }
    if (added) await writeKeywordTable(this.path, this.keywords);
    return sortLetters(letters);
  }

  /**
   * Adds messages durably (files, then the directories, then their records): after it resolves
   * they are found again by `load` after any crash. With `sync: false` the same steps in the same
   * order without their fsyncs: the caller flushes the file system later (staging-maildir.ts).
   */
  async add(
    incoming: readonly IncomingMessage[],
    names: MessageBaseGenerator,
    { sync = true }: { sync?: boolean } = {},
  ): Promise<void> {
    const staged: StagedMessage[] = [];
    const bodies = new Map<number, IncomingMessage>();
    // Letters first, one by one: a new keyword's letter is written before any file uses it.
    for (const message of incoming) {
      if (this.messages.has(message.uid) || bodies.has(message.uid)) continue;
      const letters = await this.lettersOf(message.flags);
      const base = names.next(message.body.length, message.internalDate);
      bodies.set(message.uid, message);
      staged.push({
        uid: message.uid,
        base,
        letters,
        inNew: message.recent && letters === '',
        size: message.body.length,
      });
    }
    if (staged.length === 0) return;
    // Straight into cur/ or new/, not through tmp/ and a rename as a delivery goes: nobody reads
    // the staging copy before the cutover, and a file cut short by a crash has no record yet
    // (records are appended only once the files are durable), so `load` removes it. Written on
    // the writer threads, which give back the body digests (message-file-writers.ts).
    const digests = await writeMessageFiles(
      staged.map((message) => {
        const { body, internalDate } = bodies.get(message.uid)!;
        return { path: this.filePath(message), body, mtime: internalDate };
      }),
      { sync },
    );
    staged.forEach((message, i) => {
      message.digest = digests[i]!;
    });
    if (sync) await this.sync();
    staged.sort((a, b) => a.uid - b.uid);
    // Records in UID order: a message older than the last recorded one makes the file rewritten.
    if (staged[0]!.uid <= this.lastUid()) {
      for (const message of staged) this.messages.set(message.uid, message);
      await this.writeIndex();
    } else {
      await appendUidlistRecords(
        this.path,
        staged.map((m) => ({ uid: m.uid, base: m.base, extensions: '' })),
        { sync },
      );
      for (const message of staged) this.messages.set(message.uid, message);
    }
    await appendToFile(
      join(this.path, digestsFileName),
      Buffer.from(staged.map((m) => `${m.uid} ${m.digest}\n`).join('')),
      { sync },
    );
  }

  /** Gives a copied message the flags it has on the source (a rename of its file). */
  async setFlags(uid: number, flags: readonly string[], recent: boolean): Promise<boolean> {
    const message = this.messages.get(uid);
    if (!message) return false;
    const letters = await this.lettersOf(flags);
    const inNew = recent && letters === '';
    if (letters === message.letters && inNew === message.inNew) return false;
    const next = { ...message, letters, inNew };
    await rename(this.filePath(message), this.filePath(next));
    this.messages.set(uid, next);
    return true;
  }

  /** Removes copied messages that the source expunged. */
  async expunge(uids: readonly number[]): Promise<void> {
    for (const uid of uids) {
      const message = this.messages.get(uid);
      if (!message) continue;
      await unlink(this.filePath(message)).catch((error: unknown) => {
        if (!isMissing(error)) throw error;
      });
      this.messages.delete(uid);
    }
  }

  /** Makes renames and unlinks durable. */
  async sync(): Promise<void> {
    await Promise.all([fsyncDirectory(join(this.path, 'cur')), fsyncDirectory(join(this.path, 'new'))]);
  }

  /** Count, UIDs, bytes and digest as the source computes them (mailbox-reader.ts sendDigests). */
  async digest(): Promise<{ count: number; uids: number[]; bytes: number; digest: string }> {
    const hash = createHash('sha256');
    const uids = [...this.messages.keys()].sort((a, b) => a - b);
    let bytes = 0;
    for (const uid of uids) {
      const message = this.messages.get(uid)!;
      message.digest ??= bodyDigest(await readFile(this.filePath(message)));
      bytes += message.size;
      hash.update(digestLine(uid, message.size, message.digest));
    }
    return { count: uids.length, uids, bytes, digest: hash.digest('hex') };
  }

  /**
   * Writes the live store's indexes: the uidlist with the source's UIDNEXT (compacted), and the
   * mod-sequences (`modseqs`: UID -> the source's MODSEQ; `expunged`: the source's expunge history,
   * recorded at its HIGHESTMODSEQ, which only widens what QRESYNC reports as vanished).
   */
  async finalize(modseqs: ReadonlyMap<number, number>, highestModseq: number, expunged: readonly number[]) {
    await this.writeIndex();
    let body = '';
    const uids = [...this.messages.keys()].sort((a, b) => a - b);
    for (const uid of uids)
      body += messageLine(uid, modseqs.get(uid) ?? highestModseq, this.messages.get(uid)!.letters);
    for (const uid of expunged)
      if (!this.messages.has(uid)) body += expungeLine(uid, Math.max(1, highestModseq));
    await rewriteModseqLog(this.path, this.uidValidity, highestModseq + modseqReserve, body);
    await rm(join(this.path, digestsFileName), { force: true });
  }

  private lastUid(): number {
    let last = 0;
    for (const uid of this.messages.keys()) if (uid > last) last = uid;
    return last;
  }

  private filePath(message: Pick<StagedMessage, 'base' | 'letters' | 'inNew'>): string {
    return message.inNew
      ? join(this.path, 'new', message.base)
      : join(this.path, 'cur', formatMessageFileName(message.base, message.letters));
  }

  /** Rewrites dovecot-uidlist from the messages here, with this folder's UIDNEXT. */
  private async writeIndex(): Promise<void> {
    const uids = [...this.messages.keys()].sort((a, b) => a - b);
    const uidNext = Math.max(this.uidNext, (uids[uids.length - 1] ?? 0) + 1);
    await rewriteUidlist(
      this.path,
      { uidValidity: this.uidValidity, uidNext, guid: this.guid },
      uids.map((uid) => ({ uid, base: this.messages.get(uid)!.base, extensions: '' })),
    );
  }
}

async function readDigests(path: string): Promise<Map<number, string>> {
  const digests = new Map<number, string>();
  let text = '';
  try {
    text = await readFile(join(path, digestsFileName), 'latin1');
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
  for (const line of text.split('\n')) {
    const match = /^(\d{1,10}) ([0-9a-f]{64})$/.exec(line);
    if (match) digests.set(Number(match[1]), match[2]!);
  }
  return digests;
}

/** Whether the file holds `size` bytes whose digest is `digest`. */
async function hasDigest(path: string, size: number, digest: string): Promise<boolean> {
  const body = await readWholeFile(path);
  return body.length === size && bodyDigest(body) === digest;
}

async function emptyDirectory(path: string): Promise<void> {
  for (const entry of await readdirOrEmpty(path))
    await rm(join(path, entry), { recursive: true, force: true });
}
