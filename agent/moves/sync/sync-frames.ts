/**
 * The framing of the `mailfleet-sync` channel, where mailbox data travels between store agents
 * (not in JSON-RPC lines, which are bounded to 1 MiB and would need base64): each frame is a
 * JSON header and a binary body, both length-prefixed:
 *
 *     u32 header length | header (UTF-8 JSON) | u32 body length | body
 *
 * Both ends honour back-pressure: the writer waits for `drain`, the reader takes chunks with
 * `for await`, so a slow disk on the target slows the source's reads through SSH's window.
 */
import type { Readable, Writable } from 'node:stream';

/** Largest JSON header (a manifest chunk of a few thousand messages is about 200 KB). */
export const maxFrameHeaderBytes = 4 * 1024 * 1024;
/** Largest body (a message; stores refuse messages over 50 MiB by default). */
export const maxFrameBodyBytes = 512 * 1024 * 1024;

/** One frame as read. */
export interface SyncFrame {
  header: unknown;
  body: Buffer;
}

const empty = Buffer.alloc(0);

// A body up to this size goes out in one write with its header: each write on an SSH channel is
// a packet of its own (encrypted and written to the socket on its own), and many messages are
// smaller than this (70 % of the move bench's mix). A larger body is written as it is, not copied.
const joinedBodyBytes = 16 * 1024;

/**
 * Writes one frame; resolves once the stream has room for more. `written` is called once the
 * stream has taken the body's bytes (encrypted into its packets, for SSH), or failed: until then
 * the stream may still hold the body itself, so its memory must not be reused.
 */
export async function writeFrame(
  stream: Writable,
  header: unknown,
  body: Buffer = empty,
  written?: () => void,
): Promise<void> {
  const json = Buffer.from(JSON.stringify(header));
  const joined = body.length <= joinedBodyBytes;
  const frame = Buffer.allocUnsafe(8 + json.length + (joined ? body.length : 0));
  frame.writeUInt32BE(json.length, 0);
  json.copy(frame, 4);
  frame.writeUInt32BE(body.length, 4 + json.length);
  if (joined) body.copy(frame, 8 + json.length);
  const ok = stream.write(frame, joined ? written : undefined);
  const okBody = joined ? ok : stream.write(body, written);
  if (!okBody || !ok) await waitForDrain(stream);
}

function waitForDrain(stream: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      stream.off('drain', onDrain);
      stream.off('close', onClose);
      stream.off('error', done);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(new Error('the sync channel closed'));
    stream.once('drain', onDrain);
    stream.once('close', onClose);
    stream.once('error', done);
  });
}

/** Thrown for bytes that are not frames (the peer is not speaking this protocol, or lied about lengths). */
export class SyncFrameError extends Error {
  override readonly name = 'SyncFrameError';
}

/**
 * Bytes received and not yet taken, as the chunks they came in. A range inside one chunk is taken
 * as a view of it (no copy: a chunk is what one read of the channel gave, so a body keeps at most
 * that alive until it is written); a range across chunks is copied once into a buffer of its own
 * size. Never a concatenation of everything pending: measured on the target of a 1 GiB move, the
 * earlier concat-then-copy made a third of its time garbage collection.
 */
class PendingBytes {
  private readonly chunks: Buffer[] = [];
  /** Where the first chunk's unread bytes begin. */
  private offset = 0;
  length = 0;

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /** Takes `bytes` (at most `length`). */
  take(bytes: number): Buffer {
    const first = this.chunks[0]!;
    if (first.length - this.offset >= bytes) {
      const view = first.subarray(this.offset, this.offset + bytes);
      this.advance(bytes);
      return view;
    }
    const out = Buffer.allocUnsafe(bytes);
    let filled = 0;
    while (filled < bytes) {
      const chunk = this.chunks[0]!;
      const n = Math.min(chunk.length - this.offset, bytes - filled);
      chunk.copy(out, filled, this.offset, this.offset + n);
      filled += n;
      this.advance(n);
    }
    return out;
  }

  /** Drops `bytes` taken from the first chunk. */
  private advance(bytes: number): void {
    this.offset += bytes;
    this.length -= bytes;
    if (this.offset === this.chunks[0]!.length) {
      this.chunks.shift();
      this.offset = 0;
    }
  }

  /** Copies the next `into.length` bytes (at most `length`) into `into`, never keeping a view. */
  takeInto(into: Buffer): void {
    let filled = 0;
    while (filled < into.length) {
      const chunk = this.chunks[0]!;
      const n = Math.min(chunk.length - this.offset, into.length - filled);
      // `fill` with a source exactly as long as the range is one native memcpy. Not `copy`: on
      // Node 20 it is TypedArray#set, which copies into shared memory (the move's arenas) on V8's
      // slow byte-safe path, measured 3 times slower.
      into.fill(chunk.subarray(this.offset, this.offset + n), filled, filled + n);
      filled += n;
      this.advance(n);
    }
  }

  /** Takes a big-endian u32. */
  takeUInt32(): number {
    return this.take(4).readUInt32BE(0);
  }
}

/**
 * The chunks of a stream one by one as they came, with back-pressure (the stream is paused until
 * the consumer asks for the next). Not `for await` over the stream: in paused mode each read joins
 * everything buffered into one new buffer (up to SSH's window, 2 MiB), a copy of every byte.
 */
async function* chunksOf(stream: Readable): AsyncGenerator<Buffer> {
  const queue: Buffer[] = [];
  let done = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  const onData = (chunk: Buffer) => {
    queue.push(chunk);
    stream.pause();
    notify();
  };
  const onEnd = () => {
    done = true;
    notify();
  };
  const onError = (error: Error) => {
    failure = error;
    notify();
  };
  stream.on('data', onData);
  stream.on('end', onEnd);
  stream.on('close', onEnd);
  stream.on('error', onError);
  try {
    for (;;) {
      const chunk = queue.shift();
      if (chunk) {
        yield chunk;
        continue;
      }
      if (failure) throw failure;
      if (done) return;
      const woken = new Promise<void>((resolve) => {
        wake = resolve;
      });
      stream.resume();
      await woken;
    }
  } finally {
    // Left before the end (the consumer stopped, or a frame was bad): as `for await` over a
    // stream does, the stream is destroyed.
    if (!done) stream.destroy();
    stream.off('data', onData);
    stream.off('end', onEnd);
    stream.off('close', onEnd);
    stream.off('error', onError);
  }
}

function takeBody(pending: PendingBytes, length: number, bodyInto?: BodyDestination) {
  const into = bodyInto?.(length);
  if (!into) return pending.take(length);
  if (into.length !== length) throw new RangeError("a body destination must have the body's length");
  pending.takeInto(into);
  return into;
}

/**
 * Where a frame's body goes: a buffer of exactly `length` bytes the body is copied into, or
 * undefined for the default (a view of the chunk it came in, or a buffer of its own).
 */
export type BodyDestination = (length: number) => Buffer | undefined;

/**
 * Reads frames until the stream ends; throws SyncFrameError on a malformed or oversized frame.
 * With `bodyInto`, bodies are copied into the caller's memory as soon as they are complete, so no
 * chunk of the channel outlives its frame (the copy's target: see mailbox-copy.ts).
 */
export async function* readFrames(stream: Readable, bodyInto?: BodyDestination): AsyncGenerator<SyncFrame> {
  const pending = new PendingBytes();
  let headerLength: number | undefined;
  let header: unknown;
  let bodyLength: number | undefined;
  for await (const chunk of chunksOf(stream)) {
    pending.push(chunk);
    for (;;) {
      if (headerLength === undefined) {
        if (pending.length < 4) break;
        headerLength = pending.takeUInt32();
        if (headerLength > maxFrameHeaderBytes)
          throw new SyncFrameError(`frame header of ${headerLength} bytes is over the limit`);
      }
      if (bodyLength === undefined) {
        if (pending.length < headerLength + 4) break;
        const text = pending.take(headerLength).toString('utf8');
        try {
          header = JSON.parse(text) as unknown;
        } catch {
          throw new SyncFrameError('frame header is not JSON');
        }
        bodyLength = pending.takeUInt32();
        if (bodyLength > maxFrameBodyBytes)
          throw new SyncFrameError(`frame body of ${bodyLength} bytes is over the limit`);
      }
      if (pending.length < bodyLength) break;
      const body = bodyLength > 0 ? takeBody(pending, bodyLength, bodyInto) : empty;
      const frame: SyncFrame = { header, body };
      headerLength = undefined;
      header = undefined;
      bodyLength = undefined;
      yield frame;
    }
  }
  if (headerLength !== undefined || pending.length > 0)
    throw new SyncFrameError('the channel ended inside a frame');
}
