/**
 * The snapshot of the embedded directory: one JSON line per entry (parents first) between a
 * header line and an end line. Written to a temporary file, fsynced, renamed over the old one and
 * the directory fsynced, so a crash leaves either the old or the new snapshot, never a mix.
 */
import { open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { type DirectoryEntry, directoryEntrySchema } from '../../common/directory/directory-entry.js';
import { fsyncDirectory } from './fsync-directory.js';

/** File name of the snapshot inside the data directory. */
export const snapshotFileName = 'snapshot.ndjson';
const format = 'mailfleet-directory-snapshot';

const headerSchema = z.object({
  format: z.literal(format),
  version: z.literal(1),
  baseDn: z.string(),
  /** Journal sequence number the snapshot includes (records up to it are in it). */
  sequence: z.number().int().nonnegative(),
});
const endSchema = z.object({ end: z.number().int().nonnegative() });

/** What a snapshot holds. */
export interface Snapshot {
  baseDn: string;
  sequence: number;
  entries: DirectoryEntry[];
}

/** Writes a snapshot atomically (temp file, fsync, rename, fsync directory). */
export async function writeSnapshot(
  dataDir: string,
  header: { baseDn: string; sequence: number },
  entries: Iterable<DirectoryEntry>,
): Promise<void> {
  const target = join(dataDir, snapshotFileName);
  const temporary = `${target}.tmp`;
  const file = await open(temporary, 'w', 0o600);
  try {
    let chunk: string[] = [JSON.stringify({ format, version: 1, ...header })];
    let chunkLength = 0;
    let count = 0;
    for (const entry of entries) {
      const line = JSON.stringify(entry);
      chunk.push(line);
      chunkLength += line.length;
      count++;
      // Write in ~1 MiB pieces: 40,000 users make a file of tens of megabytes.
      if (chunkLength > 1 << 20) {
        await file.writeFile(`${chunk.join('\n')}\n`);
        chunk = [];
        chunkLength = 0;
      }
    }
    chunk.push(JSON.stringify({ end: count }));
    await file.writeFile(`${chunk.join('\n')}\n`);
    await file.sync();
  } catch (error) {
    await file.close();
    await rm(temporary, { force: true });
    throw error;
  }
  await file.close();
  await rename(temporary, target);
  await fsyncDirectory(dataDir);
}

/** Reads the snapshot, or undefined if there is none. Throws if it is damaged. */
export async function readSnapshot(dataDir: string): Promise<Snapshot | undefined> {
  let text: string;
  try {
    text = await readFile(join(dataDir, snapshotFileName), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const header = headerSchema.parse(JSON.parse(lines[0] ?? 'null'));
  const end = endSchema.safeParse(JSON.parse(lines[lines.length - 1] ?? 'null'));
  if (!end.success || end.data.end !== lines.length - 2) {
    throw new Error(`the snapshot in ${dataDir} is incomplete`);
  }
  const entries = lines.slice(1, -1).map((line) => directoryEntrySchema.parse(JSON.parse(line)));
  return { baseDn: header.baseDn, sequence: header.sequence, entries };
}
