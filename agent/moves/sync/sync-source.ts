/**
 * Serves `mailfleet-sync` channels on a source store: reads the one request frame, checks the move
 * lock (only the node the directory names as the target of that job gets the mailbox), answers
 * from the store's storage (mailbox-reader.ts), ends with `end`, or with `error` in words.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import type { JsonLogger } from '../../common/json-logger.js';
import type { MailStorage, UserMailbox } from '../../mail/store/mail-storage.js';
import { maildirOfUser } from '../../mail/store/maildir/mailbox-path.js';
import type { StoreUsers } from '../../mail/store/store-users.js';
import { type ReplicaAccessSource, requireReplicaPull } from '../../replication/replica-access.js';
import { type MoveLockSource, requireMoveLock } from '../peer-lock.js';
import { BodyDigests, sendDigests, sendManifest, sendMessages } from './mailbox-reader.js';
import { readFrames, writeFrame } from './sync-frames.js';
import { maxFetchUids, syncRequest } from './sync-protocol.js';
import { parseUidSet } from './uid-set.js';

/** What a source needs. */
export interface SyncSourceOptions {
  storage: () => MailStorage | undefined;
  users: () => StoreUsers | undefined;
  /** The mail root (to tell whether a mailbox exists without creating it). */
  mailRoot: string;
  directory: MoveLockSource & ReplicaAccessSource;
  /** This node's name (a replica's pulls are checked against the store it serves). */
  node: string;
  logger: JsonLogger;
}

// Body digests are kept per job while it runs; old jobs' are dropped first.
const maxJobsRemembered = 64;

/** The source side of the sync channel. */
export class SyncSource {
  private readonly digests = new Map<string, BodyDigests>();

  constructor(private readonly options: SyncSourceOptions) {}

  /** Serves one channel opened by `peer` (a node name); never throws. */
  async serve(stream: Duplex, peer: string): Promise<void> {
    try {
      const frames = readFrames(stream);
      const first = await frames.next();
      if (first.done) return;
      const request = syncRequest.parse(first.value.header);
      const allowed = await this.allowedUser(peer, request.job, request.user);
      if (allowed === undefined) {
        // Not (or no longer) the replicated store's user: the replica hears only that there is none.
        if (request.op !== 'manifest') throw new Error(`${request.user} is not a user of this store`);
        await writeFrame(stream, { kind: 'mailbox', exists: false, subscriptions: [] });
        await writeFrame(stream, { kind: 'end' });
        return;
      }
      const mailbox = await this.openIfExists(allowed);
      if (request.op === 'manifest') await sendManifest(mailbox, stream);
      else if (request.op === 'verify') await sendDigests(mailbox, this.digestsOf(request.job), stream);
      else {
        if (!mailbox) throw new Error(`${allowed} has no mailbox on this store`);
        const uids = parseUidSet(request.uids, maxFetchUids);
        await sendMessages(
          mailbox,
          request.folder,
          request.uidValidity,
          uids,
          // A replica's pulls never verify: remembering every body's digest would only grow.
          request.job.startsWith('rp-') ? new BodyDigests() : this.digestsOf(request.job),
          stream,
        );
      }
      await writeFrame(stream, { kind: 'end' });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.options.logger.warn('sync request failed', { peer, error: message });
      if (stream.writable) await writeFrame(stream, { kind: 'error', message }).catch(() => {});
    } finally {
      stream.end();
    }
  }

  /**
   * The user a request may read: a move's user when the lock names the peer's store as target, a
   * replicated store's user when the peer holds its replica (undefined: not the store's user).
   */
  private async allowedUser(peer: string, job: string, user: string): Promise<string | undefined> {
    if (!job.startsWith('rp-')) return (await requireMoveLock(this.options.directory, peer, job, user)).user;
    const { directory, node } = this.options;
    const pull = await requireReplicaPull(directory, node, peer, job.slice(3), user);
    return pull.ofStore ? pull.user : undefined;
  }

  /** Forgets a job's digests (it finished). */
  forget(job: string): void {
    this.digests.delete(job);
  }

  private digestsOf(job: string): BodyDigests {
    let digests = this.digests.get(job);
    if (!digests) {
      digests = new BodyDigests();
      this.digests.set(job, digests);
      if (this.digests.size > maxJobsRemembered) {
        const oldest = this.digests.keys().next().value;
        if (oldest !== undefined) this.digests.delete(oldest);
      }
    }
    return digests;
  }

  /** The user's mailbox on this store, without creating one that is not there. */
  private async openIfExists(user: string): Promise<UserMailbox | undefined> {
    const storage = this.options.storage();
    const users = this.options.users();
    if (!storage || !users) throw new Error('this node runs no mail storage');
    const { maildir } = maildirOfUser(this.options.mailRoot, user);
    const exists = await stat(join(maildir, 'cur')).then(
      () => true,
      () => false,
    );
    if (!exists) return undefined;
    return storage.mailbox(user, (await users.find(user))?.quotaBytes ?? 0);
  }
}
