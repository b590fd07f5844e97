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

/** Writes one frame; resolves once the stream has room for more. */
export async function writeFrame(stream: Writable, header: unknown, body: Buffer = empty): Promise<void> {
  const json = Buffer.from(JSON.stringify(header));
  const lengths = Buffer.alloc(4);
  lengths.writeUInt32BE(json.length);
  const bodyLength = Buffer.alloc(4);
  bodyLength.writeUInt32BE(body.length);
  const ok = stream.write(Buffer.concat([lengths, json, bodyLength]));
  const okBody = body.length === 0 ? ok : stream.write(body);
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

/** Reads frames until the stream ends; throws SyncFrameError on a malformed or oversized frame. */
export async function* readFrames(stream: Readable): AsyncGenerator<SyncFrame> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const take = (bytes: number): Buffer => {
    const all = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
    const taken = all.subarray(0, bytes);
    const rest = all.subarray(bytes);
    pending = rest.length > 0 ? [rest] : [];
    pendingBytes = rest.length;
    return taken;
  };
  let headerLength: number | undefined;
  let header: unknown;
  let bodyLength: number | undefined;
  for await (const chunk of stream) {
    const data = chunk as Buffer;
    pending.push(data);
    pendingBytes += data.length;
    for (;;) {
      if (headerLength === undefined) {
        if (pendingBytes < 4) break;
        headerLength = take(4).readUInt32BE(0);
        if (headerLength > maxFrameHeaderBytes)
          throw new SyncFrameError(`frame header of ${headerLength} bytes is over the limit`);
      }
      if (header === undefined) {
        if (pendingBytes < headerLength + 4) break;
        const text = take(headerLength).toString('utf8');
        try {
          header = JSON.parse(text) as unknown;
        } catch {
          throw new SyncFrameError('frame header is not JSON');
        }
        bodyLength = take(4).readUInt32BE(0);
        if (bodyLength > maxFrameBodyBytes)
          throw new SyncFrameError(`frame body of ${bodyLength} bytes is over the limit`);
      }
      if (pendingBytes < (bodyLength ?? 0)) break;
      const body = bodyLength ? Buffer.from(take(bodyLength)) : empty;
      const frame: SyncFrame = { header, body };
      headerLength = undefined;
      header = undefined;
      bodyLength = undefined;
      yield frame;
    }
  }
  if (headerLength !== undefined || pendingBytes > 0)
    throw new SyncFrameError('the channel ended inside a frame');
}
