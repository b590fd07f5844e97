/**
 * The promotion of a replica (docs/failover.md): each user's copy of a logical store, kept by the
 * replica side under `<mail root>/.mailfleet-replicas/<store>/`, is put where the store looks for
 * the user's mailbox, in one rename per user. The copies already carry the primary's UIDs,
 * UIDVALIDITY, flags, keywords and mod-sequences, so clients keep their caches.
 *
 * Each copy is opened with the sync engine's loader (`StagingMaildir.open`) first: the staging
 * folder writes message files straight into `cur/` and `new/` before their uidlist records, so a
 * crash of the replica holder can leave files without a record, which the store would take for
 * new messages and give new UIDs (a message twice). The loader removes them; every acknowledged
 * delivery has its record (its spool file was written in with its UID before the 250... or is
 * still in the spool, written in before this runs).
 *
 * Idempotent: a copy already installed is gone from the replicas' directory, so running it again
 * after a crash installs the rest.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { maildirOfUser } from '../mail/store/maildir/mailbox-path.js';
import { clearMoveMarker, installStaging } from '../moves/sync/move-commit.js';
import { StagingMaildir } from '../moves/sync/staging-maildir.js';

/**
 * Where a promotion moves aside a mailbox that was in a user's place already (never overwritten):
 * one folder per job, so a node that takes the same store over again (its old copy from an
 * earlier turn in place) never meets an earlier job's.
 */
export function promotionAsideRoot(mailRoot: string, job: string): string {
  return join(mailRoot, '.mailfleet-kept', job);
}

/** The users with a copy under a store's replica root (`<domain>/<local>/Maildir`). */
export async function usersWithCopies(copiesRoot: string): Promise<string[]> {
  const users: string[] = [];
  for (const domain of await readdir(copiesRoot).catch(() => [] as string[])) {
    for (const local of await readdir(join(copiesRoot, domain)).catch(() => [] as string[])) {
      const user = `${local}@${domain}`;
      try {
        maildirOfUser(copiesRoot, user);
      } catch {
        continue;
      }
      users.push(user);
    }
  }
  return users.sort();
}

/** What the installation needs of the live storage: to let go of a mailbox before its rename. */
export interface PromotionStorage {
  detach(user: string, waitMs?: number): Promise<boolean>;
  mailboxReplaced(user: string): void;
}

/**
 * Installs every copy of `store` into the live mail root; resolves with the users installed. The
 * replica side must have stopped taking the store's stream and written its spool in first.
 */
export async function installReplicaCopies(options: {
  copiesRoot: string;
  mailRoot: string;
  /** The failover job: the folder a mailbox in the way is moved aside to. */
  job: string;
  storage: PromotionStorage | undefined;
}): Promise<string[]> {
  const { copiesRoot, mailRoot, job, storage } = options;
  const users = await usersWithCopies(copiesRoot);
  for (const user of users) {
    const copy = maildirOfUser(copiesRoot, user).maildir;
    // Files a crash left without their uidlist record are removed (see above).
    await StagingMaildir.open(copy);
    await clearMoveMarker(copy);
    if (storage && !(await storage.detach(user)))
      throw new Error(`the mailbox of ${user} is in use on this node`);
    await installStaging(
      copy,
      maildirOfUser(mailRoot, user).maildir,
      maildirOfUser(promotionAsideRoot(mailRoot, job), user).maildir,
    );
    storage?.mailboxReplaced(user);
  }
  // The per-user directories left behind (empty once their Maildir is renamed away).
  await rm(copiesRoot, { recursive: true, force: true });
  return users;
}
