import { open } from 'node:fs/promises';

/** Fsyncs a directory so that files created, renamed or removed in it survive a crash. */
export async function fsyncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
