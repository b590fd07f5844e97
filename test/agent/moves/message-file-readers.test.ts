/**
 * The source's reader threads: files read into a group's memory, which is reused only once the
 * caller gave it back (its bodies sent), never while a body in it may still be sent.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyDigest } from '../../../agent/moves/sync/mailbox-reader.js';
import { readMessageFiles } from '../../../agent/moves/sync/message-file-readers.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mailfleet-readers-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes `count` messages named `tag-i` whose bodies say so; returns their paths and bodies. */
async function messages(tag: string, count: number, size = 3000) {
  const written: Array<{ path: string; body: Buffer }> = [];
  for (let i = 0; i < count; i++) {
    const head = `Subject: ${tag} ${i}\r\n\r\n`;
    const body = Buffer.from(`${head}${'y'.repeat(size - head.length - 2)}\r\n`);
    const path = join(dir, `${tag}-${i}`);
    await writeFile(path, body);
    written.push({ path, body });
  }
  return written;
}

describe('reading message files for a move', () => {
  it('reads each file with its digest, and reuses a group memory only after it is given back', async () => {
    const first = await messages('first', 5);
    const a = await readMessageFiles(
      first.map((m) => m.path),
      first.reduce((sum, m) => sum + m.body.length, 0),
    );
    // Not given back yet: reads meanwhile must not write over its bodies.
    const second = await messages('second', 5);
    const b = await readMessageFiles(
      second.map((m) => m.path),
      second.reduce((sum, m) => sum + m.body.length, 0),
    );
    for (const [i, m] of first.entries()) {
      expect(a.bodies[i]?.body.equals(m.body)).toBe(true);
      expect(a.bodies[i]?.digest).toBe(bodyDigest(m.body));
      expect(a.bodies[i]?.crlf).toBe(true);
    }
    expect(b.bodies[0]?.body.buffer).not.toBe(a.bodies[0]?.body.buffer);

    a.release();
    b.release();
    const third = await messages('third', 5);
    const c = await readMessageFiles(
      third.map((m) => m.path),
      third.reduce((sum, m) => sum + m.body.length, 0),
    );
    for (const [i, m] of third.entries()) expect(c.bodies[i]?.body.equals(m.body)).toBe(true);
    // A given-back memory was moved to a thread to be read into again, not made anew: the bodies
    // that lay in it are gone (empty), never another group's bytes.
    expect([a.bodies[0]?.body.length, b.bodies[0]?.body.length]).toContain(0);
  });

  it('reads a large message on memory of its own, and gives undefined for a missing file and one with no room', async () => {
    const [small] = await messages('small', 1);
    const [large] = await messages('large', 1, 1536 * 1024);
    const missing = join(dir, 'missing');
    const read = await readMessageFiles(
      [small!.path, missing, large!.path],
      small!.body.length + large!.body.length,
    );
    expect(read.bodies[0]?.body.equals(small!.body)).toBe(true);
    expect(read.bodies[1]).toBeUndefined();
    expect(read.bodies[2]?.body.equals(large!.body)).toBe(true);
    expect(read.bodies[2]?.digest).toBe(bodyDigest(large!.body));
    read.release();
    // Said to be 1.2 MiB, it is 1.5 MiB now: no room in its memory, so it is read the ordinary way.
    const grown = await readMessageFiles([large!.path], 1228 * 1024);
    expect(grown.bodies[0]).toBeUndefined();
  });
});
