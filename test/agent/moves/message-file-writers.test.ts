/**
 * The writer threads of the sync engine: files written with their bodies and digests intact when
 * several writes run at once over the same threads (a replica's streams and a failover's copies of
 * many users do), from memory of the caller's own (not the moves' shared arenas).
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MessageFile, writeMessageFiles } from '../../../agent/moves/sync/message-file-writers.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mailfleet-writers-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** `count` files whose bodies differ from every other write's (each byte says which write and file). */
function files(write: number, count: number): MessageFile[] {
  return Array.from({ length: count }, (_, i) => ({
    path: join(dir, `w${write}-${i}`),
    body: Buffer.from(`write ${write} file ${i} `.repeat(200 + ((write * 7 + i) % 50))),
    mtime: Date.UTC(2026, 0, 1) + i * 1000,
  }));
}

describe('writeMessageFiles', () => {
  it('keeps each body and digest its own when eight writes share the threads at once', async () => {
    const writes = Array.from({ length: 8 }, (_, w) => files(w, 120));
    const digests = await Promise.all(writes.map((batch) => writeMessageFiles(batch)));
    for (const [w, batch] of writes.entries()) {
      for (const [i, file] of batch.entries()) {
        expect((await readFile(file.path)).equals(file.body), `${file.path} on disk`).toBe(true);
        expect(digests[w]![i]).toBe(createHash('sha256').update(file.body).digest('hex'));
      }
    }
  });
});
