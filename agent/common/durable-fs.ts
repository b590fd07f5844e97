/**
 * The few file-system steps that make writes durable (the Maildir, the director's queue, the
 * console's sealed secrets): fsync a directory after creating, renaming or removing entries in it,
 * write or append a file durably, and replace a small file atomically. The hot path (every
 * delivery) uses the callback fs API through promisify: measured here, an open+close through it
 * costs a quarter of one through fs/promises FileHandles.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';

const openFd = promisify(fs.open);
const closeFd = promisify(fs.close);
const fsyncFd = promisify(fs.fsync);
const fdatasyncFd = promisify(fs.fdatasync);
const futimesFd = promisify(fs.futimes);

/** Reads a whole file (callback API: about a third of fs/promises' cost per small file, measured). */
export const readWholeFile = promisify(fs.readFile) as (path: string) => Promise<Buffer>;

/** Fsyncs a directory so that entries created, renamed or removed in it survive a crash. */
export async function fsyncDirectory(path: string): Promise<void> {
  const fd = await openFd(path, 'r');
  try {
    await fsyncFd(fd);
  } finally {
    await closeFd(fd);
  }
}

function writeFd(fd: number, data: Buffer, offset: number, length: number): Promise<number> {
  return new Promise((resolve, reject) => {
    fs.write(fd, data, offset, length, null, (error, written) => (error ? reject(error) : resolve(written)));
  });
}

async function writeWhole(fd: number, data: Buffer): Promise<void> {
  let offset = 0;
  while (offset < data.length) offset += await writeFd(fd, data, offset, data.length - offset);
}

/**
 * Writes a new file (`O_EXCL`: never over another), sets its mtime (Dovecot's received date) and
 * fdatasyncs it. A failed write leaves no file behind.
 */
export async function writeNewFileDurably(path: string, data: Buffer, mtime: Date): Promise<void> {
  const fd = await openFd(path, 'wx', 0o600);
  try {
    await writeWhole(fd, data);
    await futimesFd(fd, mtime, mtime);
    await fdatasyncFd(fd);
  } catch (error) {
    await closeFd(fd);
    await rm(path, { force: true });
    throw error;
  }
  await closeFd(fd);
}

/** Appends to a file (created if missing) and fdatasyncs: resolves once the bytes are durable. */
export async function appendDurably(path: string, data: Buffer): Promise<void> {
  await appendToFile(path, data, { sync: true });
}

/**
 * Appends to a file (created if missing); with `sync: false` the bytes are only written (the
 * caller flushes the whole file system later: file-system-flush.ts).
 */
export async function appendToFile(path: string, data: Buffer, { sync }: { sync: boolean }): Promise<void> {
  const fd = await openFd(path, 'a', 0o600);
  try {
    await writeWhole(fd, data);
    if (sync) await fdatasyncFd(fd);
  } finally {
    await closeFd(fd);
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

/** Whether a path exists (a missing one is false; any other failure throws). */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}

/** True for "no such file or directory". */
export function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

/** A text file's content, or undefined when it is not there. */
export async function readTextIfPresent(path: string): Promise<string | undefined> {
  try {
    return await fs.promises.readFile(path, 'utf8');
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/** The names in a directory; none when the directory does not exist (yet, or any more). */
export async function readdirOrEmpty(path: string): Promise<string[]> {
  try {
    return await readdir(path);
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
}
