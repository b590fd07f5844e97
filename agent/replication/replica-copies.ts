/**
 * The replica of one logical store on its replica node: one copy per user, in the store's own
 * Maildir++ layout with the primary's UIDs, UIDVALIDITY, flags, keywords and mod-sequences, at
 * `<mail root>/.mailfleet-replicas/<store>/<domain>/<local>/Maildir` (out of the store's sight:
 * it lists no directory starting with a dot). Built with the sync engine's staging copy
 * (agent/moves/sync/): a delivery is written in with its UIDs at once; any other change is
 * copied by a delta round (manifest, then the missing bodies) from the primary over
 * `mailfleet-sync`, and each round writes the indexes the store reads (finalize), so a failover
 * can serve the copy as it is.
 *
 * Work on one user's copy runs one at a time; copies open in memory are bounded.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { maildirOfUser } from '../mail/store/maildir/mailbox-path.js';
import type { MessageBaseGenerator } from '../mail/store/maildir/message-file-name.js';
import { BandwidthLimit } from '../moves/sync/bandwidth-limit.js';
import { copyRound } from '../moves/sync/mailbox-copy.js';
import { clearMoveMarker, finalizeStaging } from '../moves/sync/move-commit.js';
import type { IncomingMessage } from '../moves/sync/staging-folder.js';
import { StagingMaildir } from '../moves/sync/staging-maildir.js';
import type { OpenSyncChannel } from '../moves/sync/sync-client.js';
import { replicaJob } from './replication-protocol.js';

/** Where the replicas of every store live under a node's mail root. */
export const replicasDirectoryName = '.mailfleet-replicas';

/** Copies kept open (each holds its folders' message lists). */
const maxOpenCopies = 256;

/** What a round did, for the log. */
export interface UserCopyOutcome {
  exists: boolean;
  messagesCopied: number;
  expunged: number;
  flagChanges: number;
}

/** The replica copies of one logical store. */
export class ReplicaCopies {
  readonly root: string;
  private readonly lanes = new Map<string, Promise<unknown>>();
  private readonly open = new Map<string, StagingMaildir>();
  private readonly unlimited = new BandwidthLimit(0);

  constructor(
    mailRoot: string,
    readonly store: string,
    private readonly primary: { openSync: OpenSyncChannel },
    private readonly names: MessageBaseGenerator,
  ) {
    this.root = join(mailRoot, replicasDirectoryName, store);
  }

  /** Where a user's copy is. */
  maildirOf(user: string): string {
    return maildirOfUser(this.root, user).maildir;
  }

  /** Writes delivered messages into the user's copy with their UIDs; resolves once durable. */
  deliver(user: string, folder: string, uidValidity: number, messages: IncomingMessage[]): Promise<void> {
    return this.inLane(user, async () => {
      const copy = await this.copyOf(user);
      let target = copy.folders.get(folder);
      if (!target || target.uidValidity !== uidValidity) {
        // A folder not copied yet (or made again on the primary): its next round fills the rest.
        const uidNext = Math.max(...messages.map((m) => m.uid)) + 1;
        target = await copy.folderFor({
          kind: 'folder',
          name: folder,
          subscribed: false,
          uidValidity,
          uidNext,
          highestModseq: 0,
          count: 0,
        });
      }
      target.uidNext = Math.max(target.uidNext, ...messages.map((m) => m.uid + 1));
      await target.add(messages, this.names);
    });
  }

  /** Copies the user's changes from the primary (one delta round), then writes the store's indexes. */
  copyUser(user: string): Promise<UserCopyOutcome> {
    return this.inLane(user, async () => {
      const copy = await this.copyOf(user);
      const job = replicaJob(this.store);
      const { manifest, figures } = await copyRound(copy, {
        open: this.primary.openSync,
        job,
        user,
        limit: this.unlimited,
        names: this.names,
      });
      if (!manifest.exists) {
        // Gone from the store (deleted, or moved to another store): so is its replica.
        this.open.delete(user);
        await rm(copy.path, { recursive: true, force: true });
        return { exists: false, messagesCopied: 0, expunged: 0, flagChanges: 0 };
      }
      await finalizeStaging(copy, manifest, job);
      await clearMoveMarker(copy.path);
      return {
        exists: true,
        messagesCopied: figures.messagesCopied,
        expunged: figures.expunged,
        flagChanges: figures.flagChanges,
      };
    });
  }

  /** Forgets the copies open in memory (their files stay). */
  forget(): void {
    this.open.clear();
  }

  private async copyOf(user: string): Promise<StagingMaildir> {
    let copy = this.open.get(user);
    if (copy) {
      // Most recently used last, so the oldest is dropped first.
      this.open.delete(user);
      this.open.set(user, copy);
      return copy;
    }
    copy = await StagingMaildir.open(this.maildirOf(user));
    this.open.set(user, copy);
    if (this.open.size > maxOpenCopies) {
      for (const name of this.open.keys()) {
        if (this.lanes.has(name)) continue;
        this.open.delete(name);
        break;
      }
    }
    return copy;
  }

  private inLane<T>(user: string, work: () => Promise<T>): Promise<T> {
    const before = this.lanes.get(user) ?? Promise.resolve();
    const run = before.then(work, work);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.lanes.set(user, settled);
    void settled.then(() => {
      if (this.lanes.get(user) === settled) this.lanes.delete(user);
    });
    return run;
  }
}
