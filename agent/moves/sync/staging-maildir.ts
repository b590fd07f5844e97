/**
 * The copy of a mailbox a move builds on the target, out of the store's sight until the cutover:
 * `<mail root>/.mailfleet-moves/<job>/Maildir` (the store lists no directory starting with a dot).
 * Folders are StagingFolders; the mailbox-wide files (subscriptions, special uses, the last
 * UIDVALIDITY given) are written by `finalize`, after which the directory is renamed into the
 * user's place in one step (move-commit.ts).
 *
 * Unflushed writes (unflushed-writes.ts): a bulk copy writes its files and records without an
 * fsync each and flushes the file system once at the end of its round. Before its first such
 * write it records the boot in `mailfleet-unflushed` (durably); the flush removes that file. So
 * at `open` the file says that writes may not have reached the disk: written in this boot (a
 * process crashed), they are in the page cache and one flush makes them durable; written in an
 * earlier boot (a power loss, a kernel crash), each recorded message is read back and kept only
 * when its body has the digest recorded with it (the rest are copied again).
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isMissing, replaceFileAtomically } from '../../common/durable-fs.js';
import { currentBootId } from '../../common/file-system-flush.js';
import { specialUseFolders } from '../../mail/store/mail-storage.js';
import { folderDirectoryName, folderNameOfDirectory } from '../../mail/store/maildir/folder-names.js';
import { writeSubscriptions } from '../../mail/store/maildir/mailbox-files.js';
import { StagingFolder } from './staging-folder.js';
import type { ManifestFolder } from './sync-protocol.js';
import { UnflushedWrites } from './unflushed-writes.js';

/** A mailbox being copied in. */
export class StagingMaildir {
  private constructor(
    readonly path: string,
    readonly folders: Map<string, StagingFolder>,
    private readonly unflushed: UnflushedWrites,
  ) {}

  /**
   * The copy left by an earlier run (after a restart), or a new empty one; writes left unflushed
   * by an earlier run are made durable first, or checked when the machine restarted since.
   */
  static async open(path: string): Promise<StagingMaildir> {
    await Promise.all(
      ['cur', 'new', 'tmp'].map((d) => mkdir(join(path, d), { recursive: true, mode: 0o700 })),
    );
    const writtenInBoot = await UnflushedWrites.readMark(path);
    const verifyBodies = writtenInBoot !== undefined && writtenInBoot !== (await currentBootId());
    const folders = new Map<string, StagingFolder>();
    const inbox = await StagingFolder.load('INBOX', path, { verifyBodies });
    if (inbox) folders.set('INBOX', inbox);
    for (const entry of await readdir(path, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const name = folderNameOfDirectory(entry.name);
      if (name === undefined) continue;
      const folder = await StagingFolder.load(name, join(path, entry.name), { verifyBodies });
      // A folder cut short before its uidlist was written is made again from the source.
      if (folder) folders.set(name, folder);
      else await rm(join(path, entry.name), { recursive: true, force: true });
    }
    const unflushed = new UnflushedWrites(path, writtenInBoot !== undefined);
    await unflushed.flush();
    return new StagingMaildir(path, folders, unflushed);
  }

  /**
   * Called before writes that will not be fsynced one by one: records this boot in
   * `mailfleet-unflushed` (durably) unless it is there already.
   */
  beginUnflushedWrites(): Promise<void> {
    return this.unflushed.begin();
  }

  /**
   * Makes every write so far durable (one flush of the file system) and, when no unflushed write
   * began meanwhile, removes `mailfleet-unflushed`. Call it once the writes begun are done.
   */
  flush(): Promise<void> {
    return this.unflushed.flush();
  }

  /** Starts a flush ahead of the round's end and does not wait for it (UnflushedWrites#flushAhead). */
  flushAhead(): void {
    this.unflushed.flushAhead();
  }

  /**
   * The folder for the source's folder: the one copied so far when its UIDVALIDITY is the same,
   * else a new empty one (the source's folder was deleted and made again: its UIDs mean other
   * messages now).
   */
  async folderFor(info: ManifestFolder): Promise<StagingFolder> {
    const existing = this.folders.get(info.name);
    if (existing && existing.uidValidity === info.uidValidity) {
      existing.uidNext = Math.max(existing.uidNext, info.uidNext);
      return existing;
    }
    const isInbox = info.name === 'INBOX';
    const path = isInbox ? this.path : join(this.path, folderDirectoryName(info.name));
    const folder = await StagingFolder.create(info.name, path, info.uidValidity, info.uidNext, isInbox);
    this.folders.set(info.name, folder);
    return folder;
  }

  /** Removes the folders the source no longer has. */
  async keepOnly(names: ReadonlySet<string>): Promise<number> {
    let removed = 0;
    for (const [name, folder] of this.folders) {
      if (name === 'INBOX' || names.has(name)) continue;
      await rm(folder.path, { recursive: true, force: true });
      this.folders.delete(name);
      removed++;
    }
    return removed;
  }

  /**
   * The mailbox-wide files: subscriptions (also of folders that do not exist, as the source keeps
   * them), special uses given at CREATE (the default folders need none), and the last UIDVALIDITY,
   * so a folder made on the target later never reuses one the source gave.
   */
  async finalize(subscriptions: readonly string[], folders: readonly ManifestFolder[]): Promise<void> {
    await writeSubscriptions(this.path, subscriptions);
    const lines = folders
      .filter((f) => f.specialUse && specialUseFolders.find((d) => d.name === f.name)?.use !== f.specialUse)
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .map((f) => `${f.specialUse}\t${f.name}\n`);
    if (lines.length > 0)
      await replaceFileAtomically(join(this.path, 'mailfleet-special-use'), lines.join(''));
    const lastUidValidity = Math.max(0, ...folders.map((f) => f.uidValidity));
    await replaceFileAtomically(join(this.path, 'mailfleet-uidvalidity'), `${lastUidValidity}\n`);
    // The store recomputes quota figures when maildirsize is missing.
    await rm(join(this.path, 'maildirsize'), { force: true });
  }
}

/** Removes a staging copy (a move rolled back); missing is fine. */
export async function removeStaging(path: string): Promise<void> {
  try {
    await rm(path, { recursive: true, force: true });
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
}
