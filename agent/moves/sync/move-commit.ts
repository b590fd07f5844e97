/**
 * The last steps of the sync engine on the target, under the cutover's hold: write the indexes the
 * live store reads (finalize), then put the copy where the store looks for the user's mailbox in
 * one rename (install). A marker file names the job, so a restart between the install and the
 * flip of `mailHost` knows the mailbox in place is still the move's (and takes it back out: the
 * user is still on the source until the flip).
 */
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fsyncDirectory, isMissing, replaceFileAtomically } from '../../common/durable-fs.js';
import type { SourceManifest } from './mailbox-copy.js';
import type { StagingMaildir } from './staging-maildir.js';

/** The marker a move leaves in a mailbox it installs, until the move is done. */
export const moveMarkerFileName = 'mailfleet-move-in';

/** Writes the live store's indexes into every folder and the mailbox-wide files. */
export async function finalizeStaging(
  staging: StagingMaildir,
  manifest: SourceManifest,
  job: string,
): Promise<void> {
  for (const { info, messages, expunged } of manifest.folders) {
    const folder = staging.folders.get(info.name);
    if (!folder) throw new Error(`folder ${info.name} was not copied`);
    folder.uidNext = Math.max(folder.uidNext, info.uidNext);
    const modseqs = new Map(messages.map((m) => [m[0], m[1]] as const));
    await folder.finalize(modseqs, info.highestModseq, expunged);
  }
  await staging.finalize(
    manifest.subscriptions,
    manifest.folders.map((f) => f.info),
  );
  await replaceFileAtomically(join(staging.path, moveMarkerFileName), `${job}\n`);
}

/** Which job's move put the mailbox at `maildir` there, if a move did and is not done. */
export async function moveMarkerOf(maildir: string): Promise<string | undefined> {
  try {
    return (await readFile(join(maildir, moveMarkerFileName), 'utf8')).trim();
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/**
 * Renames the staging copy into the user's place. A mailbox already there (a copy a store kept
 * from long ago, or one made by a stray delivery) is moved aside to `aside`, never overwritten.
 */
export async function installStaging(
  stagingMaildir: string,
  liveMaildir: string,
  aside: string,
): Promise<void> {
  await mkdir(dirname(liveMaildir), { recursive: true, mode: 0o700 });
  const present = await stat(liveMaildir).then(
    () => true,
    (error: unknown) => {
      if (isMissing(error)) return false;
      throw error;
    },
  );
  if (present) {
    await mkdir(dirname(aside), { recursive: true, mode: 0o700 });
    await rename(liveMaildir, aside);
  }
  await rename(stagingMaildir, liveMaildir);
  await fsyncDirectory(dirname(liveMaildir));
  await fsyncDirectory(dirname(stagingMaildir));
}

/** Takes an installed copy back out (a restart found it installed but not flipped). */
export async function uninstallStaging(liveMaildir: string, stagingMaildir: string): Promise<void> {
  await mkdir(dirname(stagingMaildir), { recursive: true, mode: 0o700 });
  await rm(stagingMaildir, { recursive: true, force: true });
  await rename(liveMaildir, stagingMaildir);
  await fsyncDirectory(dirname(liveMaildir));
  await fsyncDirectory(dirname(stagingMaildir));
}

/** Removes the marker once the move is done (the mailbox is simply the user's now). */
export async function clearMoveMarker(maildir: string): Promise<void> {
  await rm(join(maildir, moveMarkerFileName), { force: true });
}
