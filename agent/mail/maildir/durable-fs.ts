/**
 * The few file-system steps that make Maildir writes durable: fsync a directory after creating,
 * renaming or removing entries in it, and replace a small file atomically.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Fsyncs a directory so that entries created, renamed or removed in it survive a crash. */
export async function fsyncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes a whole buffer to a fresh file, fsyncs it and closes it. */
export async function writeFileSynced(path: string, data: Buffer | string, mode = 0o600): Promise<void> {
  const handle = await open(path, 'wx', mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Replaces `path` atomically: temp file in the same directory, fsync, rename over, fsync the
 * directory. A crash leaves the old or the new content, never a mix.
 */
export async function replaceFileAtomically(path: string, data: Buffer | string): Promise<void> {
  const directory = dirname(path);
  const temp = join(directory, `${basename(path)}.tmp-${randomBytes(6).toString('hex')}`);
  try {
    await writeFileSynced(temp, data);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await fsyncDirectory(directory);
}

/** True for "no such file or directory". */
export function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

/** True for "file exists". */
export function isExisting(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'EEXIST';
}
