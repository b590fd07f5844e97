/**
 * A store's part in moves of ITS users to other stores (the target's agent drives them):
 *
 * - `hold`: during the cutover the user's deliveries are refused with a temporary reply (LMTP
 *   450: the director keeps the mail), cached logins forgotten and sessions closed; the hold is
 *   written to `<dataDir>/moves/source-holds.json` first, so a restart keeps refusing;
 * - `finish`: after the flip the mailbox is moved aside, in one rename, to
 *   `<mail root>/.mailfleet-kept/<job>/Maildir` (out of the store's sight) and kept until its
 *   purge time, and the user stays refused here (a director with a stale route gets a temporary
 *   reply and asks the directory again);
 * - `sweep` (at start, then every minute): a hold whose move is over is settled without the
 *   target's help: released when the user is still here, turned into a kept copy when the user
 *   was flipped away; kept copies past their time are purged ("purged the old copy of …").
 */
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { rpcErrorCodes } from '../common/contract/json-rpc.js';
import type { KeptMailboxCopy } from '../common/contract/move-contract.js';
import { fsyncDirectory, isMissing, readWholeFile, replaceFileAtomically } from '../common/durable-fs.js';
import type { JsonLogger } from '../common/json-logger.js';
import { MethodError } from '../control/method-handler.js';
import type { MailAuthenticator } from '../mail/store/mail-authenticator.js';
import type { MailStack } from '../mail/store/mail-stack.js';
import { maildirOfUser } from '../mail/store/maildir/mailbox-path.js';
import type { MaildirStorage } from '../mail/store/maildir/maildir-storage.js';
import { computeUsage } from '../mail/store/maildir/maildirsize-file.js';
import type { StoreUsers } from '../mail/store/store-users.js';
import { type MoveLockSource, requireMoveLock } from './peer-lock.js';

/** What the source side acts on. */
export interface SourceSideOptions {
  dataDir: string;
  mailRoot: string;
  directory: MoveLockSource;
  stack: () => MailStack | undefined;
  storage: () => MaildirStorage | undefined;
  users: () => StoreUsers | undefined;
  authenticator: () => MailAuthenticator | undefined;
  logger: JsonLogger;
  now: () => number;
}

const holdRecord = z.strictObject({
  job: z.string(),
  user: z.string(),
  state: z.enum(['cutover', 'kept']),
  since: z.number(),
  /** The logical store the user left (a move back returns there). */
  movedFrom: z.string().optional(),
  movedTo: z.string().optional(),
  keepUntil: z.number().optional(),
  messages: z.number().optional(),
  bytes: z.number().optional(),
  /** False once the user moved back here: the old copy waits for its purge, the user is served. */
  refusing: z.boolean().optional(),
});
type HoldRecord = z.infer<typeof holdRecord>;

/** Where the old copies of moved mailboxes wait for their purge. */
export const keptCopiesDir = '.mailfleet-kept';

/** The source side of this node's store. */
export class SourceSide {
  private records: HoldRecord[] = [];
  private readonly file: string;
  private writing: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: SourceSideOptions) {
    this.file = join(options.dataDir, 'moves', 'source-holds.json');
  }

  /** Reads the holds of before a restart and refuses their users again. */
  async load(): Promise<void> {
    try {
      this.records = z.array(holdRecord).parse(JSON.parse((await readWholeFile(this.file)).toString('utf8')));
    } catch (error) {
      if (!isMissing(error)) throw error;
      this.records = [];
    }
    for (const record of this.records)
      if (record.refusing !== false) await this.refuse(record.user, record.job);
  }

  /** The old copies kept here. */
  keptCopies(): KeptMailboxCopy[] {
    return this.records
      .filter((r) => r.state === 'kept')
      .map((r) => ({
        user: r.user,
        job: r.job,
        movedTo: r.movedTo ?? '',
        movedAt: r.since,
        keepUntil: r.keepUntil ?? r.since,
        messages: r.messages ?? 0,
        bytes: r.bytes ?? 0,
      }));
  }

  /** A mailbox's size here, for a plan (nothing when there is none: it is made on first use). */
  async figures(
    user: string,
  ): Promise<{ exists: boolean; folders: number; messages: number; bytes: number }> {
    const maildir = this.maildirOf(user);
    if (!(await exists(join(maildir, 'cur')))) return { exists: false, folders: 0, messages: 0, bytes: 0 };
    const usage = await computeUsage(maildir);
    const storage = this.options.storage();
    const quota = (await this.options.users()?.find(user))?.quotaBytes ?? 0;
    const folders = storage ? (await (await storage.mailbox(user, quota)).listFolders()).length : 1;
    return { exists: true, folders, messages: usage.messages, bytes: usage.bytes };
  }

  /** Refuses the locked user here for the cutover (durably first); returns the sessions closed. */
  async hold(job: string, address: string, peer: string): Promise<{ sessionsClosed: number }> {
    const { user, lock } = await requireMoveLock(this.options.directory, peer, job, address);
    if (!this.records.some((r) => r.job === job && r.user === user))
      await this.save(() =>
        this.records.push({ job, user, state: 'cutover', since: this.options.now(), movedFrom: lock.source }),
      );
    return { sessionsClosed: await this.refuse(user, job) };
  }

  /** Lifts a cutover hold (the move did not reach its flip). */
  async release(job: string, address: string, peer: string): Promise<{ released: boolean }> {
    const { user } = await requireMoveLock(this.options.directory, peer, job, address);
    return { released: await this.dropCutoverHold(job, user) };
  }

  /** After the flip: keeps this store's copy aside until `keepUntil`; the user stays refused here. */
  async finish(job: string, address: string, peer: string, keepUntil: number): Promise<{ kept: boolean }> {
    const { user, lock, entry } = await requireMoveLock(this.options.directory, peer, job, address);
    if (lock.phase !== 'flipped' || entry.mailHost !== lock.target)
      throw new MethodError(rpcErrorCodes.refused, `${user} has not been flipped to ${lock.target} yet`);
    await this.keep(job, user, lock.target, keepUntil);
    return { kept: true };
  }

  /** The kept copy of a job, if this node holds it, and the store the user left. */
  keptCopyOf(job: string): (KeptMailboxCopy & { movedFrom?: string }) | undefined {
    const record = this.records.find((r) => r.job === job && r.state === 'kept');
    if (!record) return undefined;
    const copy = this.keptCopies().find((c) => c.job === job)!;
    return record.movedFrom ? { ...copy, movedFrom: record.movedFrom } : copy;
  }

  /** Takes a kept copy out of the purge's reach (a move back uses it as its starting point). */
  async takeKeptCopy(job: string, into: string): Promise<void> {
    await mkdir(dirname(into), { recursive: true, mode: 0o700 });
    await rm(into, { recursive: true, force: true });
    await rename(this.keptPath(job), into);
    await rm(dirname(this.keptPath(job)), { recursive: true, force: true });
    await this.save(() => (this.records = this.records.filter((r) => r.job !== job)));
  }

  /**
   * A user moved (back) into this node: nothing here refuses them any more. Old copies of theirs
   * stay until their purge.
   */
  async welcome(user: string): Promise<void> {
    if (this.records.some((r) => r.user === user && r.refusing !== false))
      await this.save(() => {
        for (const record of this.records) if (record.user === user) record.refusing = false;
      });
    this.options.stack()?.release(user);
  }

  /** Deletes the kept copy of a user now (staff's `move.purge`). */
  async purge(user: string): Promise<{ purged: boolean; bytes: number }> {
    let bytes = 0;
    let purged = false;
    for (const record of this.records.filter((r) => r.user === user && r.state === 'kept')) {
      bytes += record.bytes ?? 0;
      purged = true;
      await this.removeKept(record, 'on request');
    }
    if (!purged && this.records.some((r) => r.user === user))
      throw new MethodError(
        rpcErrorCodes.refused,
        `${user} is being moved: this store keeps no old copy yet`,
      );
    return { purged, bytes };
  }

  /** Settles holds whose move is over and purges kept copies past their time (see the file comment). */
  async sweep(keepDays: number): Promise<void> {
    for (const record of [...this.records]) {
      if (record.state === 'kept') {
        if ((record.keepUntil ?? 0) <= this.options.now())
          await this.removeKept(record, 'its keep time is over');
        continue;
      }
      const entry = await this.options.directory.findUserByAddress(record.user);
      const lock = entry?.moveState;
      if (lock?.job === record.job && lock.phase === 'cutover') continue;
      const served = await this.options.users()?.servedStores();
      if (entry && served && !served.has(entry.mailHost)) {
        this.options.logger.info(
          'keeping the old copy of a mailbox moved away while its target was unreachable',
          {
            job: record.job,
            user: record.user,
          },
        );
        await this.keep(record.job, record.user, entry.mailHost, this.options.now() + keepDays * 86_400_000);
      } else if (!lock || lock.job !== record.job) {
        this.options.logger.info('releasing the hold of a move that did not reach its flip', {
          job: record.job,
        });
        await this.dropCutoverHold(record.job, record.user);
      }
    }
  }

  private async keep(job: string, user: string, movedTo: string, keepUntil: number): Promise<void> {
    const existing = this.records.find((r) => r.job === job && r.user === user);
    if (existing?.state === 'kept') return;
    await this.refuse(user, job);
    const storage = this.options.storage();
    if (storage && !(await storage.detach(user)))
      throw new MethodError(
        rpcErrorCodes.unavailable,
        `the mailbox of ${user} is still in use here: try again`,
      );
    const maildir = this.maildirOf(user);
    const kept = this.keptPath(job);
    let usage = { bytes: 0, messages: 0 };
    if (await exists(maildir)) {
      usage = await computeUsage(maildir);
      await mkdir(dirname(kept), { recursive: true, mode: 0o700 });
      await rename(maildir, kept);
      await fsyncDirectory(dirname(maildir));
      storage?.mailboxReplaced(user);
    }
    const record: HoldRecord = {
      ...(existing?.movedFrom ? { movedFrom: existing.movedFrom } : {}),
      job,
      user,
      state: 'kept',
      since: this.options.now(),
      movedTo,
      keepUntil,
      messages: usage.messages,
      bytes: usage.bytes,
    };
    await this.save(() => {
      this.records = this.records.filter((r) => !(r.job === job && r.user === user));
      this.records.push(record);
    });
  }

  private async removeKept(record: HoldRecord, why: string): Promise<void> {
    await rm(dirname(this.keptPath(record.job)), { recursive: true, force: true });
    await this.save(() => (this.records = this.records.filter((r) => r !== record)));
    this.options.logger.info(`purged the old copy of ${record.user} kept after move ${record.job}: ${why}`, {
      job: record.job,
      user: record.user,
      bytes: record.bytes,
    });
    if (!this.refused(record.user)) this.options.stack()?.release(record.user);
  }

  private refused(user: string): boolean {
    return this.records.some((r) => r.user === user && r.refusing !== false);
  }

  private async dropCutoverHold(job: string, user: string): Promise<boolean> {
    const had = this.records.some((r) => r.job === job && r.user === user && r.state === 'cutover');
    if (had)
      await this.save(() => (this.records = this.records.filter((r) => !(r.job === job && r.user === user))));
    if (!this.refused(user)) this.options.stack()?.release(user);
    return had;
  }

  /** Refuses deliveries (once those in flight are durable), forgets cached logins, closes sessions. */
  private async refuse(user: string, job: string): Promise<number> {
    const stack = this.options.stack();
    if (!stack) return 0;
    await stack.hold(user, `mailbox move ${job}`);
    this.options.authenticator()?.forgetUser(user);
    return stack.kick(user);
  }

  private maildirOf(user: string): string {
    return maildirOfUser(this.options.mailRoot, user).maildir;
  }

  private keptPath(job: string): string {
    return join(this.options.mailRoot, keptCopiesDir, job, 'Maildir');
  }

  private save(change: () => void): Promise<void> {
    const run = this.writing.then(async () => {
      change();
      await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
      await replaceFileAtomically(this.file, `${JSON.stringify(this.records)}\n`);
    });
    this.writing = run.catch(() => {});
    return run;
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
