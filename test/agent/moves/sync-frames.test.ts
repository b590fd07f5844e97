/**
 * The sync channel's framing: frames written by writeFrame and read back by readFrames whatever
 * the chunks the bytes arrive in (one byte at a time, a frame split across chunks, many frames in
 * one chunk), with their bodies intact; a channel cut inside a frame, an oversized header and a
 * header that is not JSON are errors.
 */
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  maxFrameHeaderBytes,
  readFrames,
  SyncFrameError,
  writeFrame,
} from '../../../agent/moves/sync/sync-frames.js';

/** The bytes of `frames` as writeFrame writes them. */
async function encode(frames: Array<{ header: unknown; body?: Buffer }>): Promise<Buffer> {
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  for (const frame of frames) await writeFrame(sink, frame.header, frame.body);
  sink.end();
  await new Promise((resolve) => sink.on('end', resolve));
  return Buffer.concat(chunks);
}

async function decode(chunks: Buffer[]) {
  const frames: Array<{ header: unknown; body: string }> = [];
  for await (const frame of readFrames(Readable.from(chunks, { objectMode: false })))
    frames.push({ header: frame.header, body: frame.body.toString('latin1') });
  return frames;
}

function splitEvery(bytes: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(Buffer.from(bytes.subarray(at, at + size)));
  return chunks;
}

describe('sync frames', () => {
  const bodies = [
    Buffer.alloc(0),
    Buffer.from('本文\r\n'),
    Buffer.alloc(9_000, 0x61),
    Buffer.from([0, 1, 2, 255]),
  ];
  const frames = bodies.map((body, i) => ({
    header: { kind: 'message', uid: i + 1, size: body.length },
    body,
  }));
  const expected = frames.map((f) => ({ header: f.header, body: f.body.toString('latin1') }));

  it('reads back every frame and body whatever the chunk sizes', async () => {
    const bytes = await encode(frames);
    for (const size of [1, 3, 7, 4096, 65_536, bytes.length])
      expect(await decode(splitEvery(bytes, size))).toEqual(expected);
  });

  it('refuses a channel that ends inside a frame, an oversized header and a header that is not JSON', async () => {
    const bytes = await encode(frames);
    await expect(decode([bytes.subarray(0, bytes.length - 1)])).rejects.toThrow(SyncFrameError);
    const huge = Buffer.alloc(4);
    huge.writeUInt32BE(maxFrameHeaderBytes + 1);
    await expect(decode([huge])).rejects.toThrow(/over the limit/);
    const notJson = Buffer.concat([Buffer.from([0, 0, 0, 3]), Buffer.from('{x}'), Buffer.alloc(4)]);
    await expect(decode([notJson])).rejects.toThrow(/not JSON/);
  });
});
