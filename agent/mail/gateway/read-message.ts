/** Reading a DATA stream into memory up to a limit. */
import type { Readable } from 'node:stream';

/** The message, or as much as the limit holds and `tooBig`: past it the rest is read and dropped. */
export function readMessage(
  stream: Readable,
  maxBytes: number,
): Promise<{ message: Buffer; tooBig: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit the rest is read and dropped: a 1 GB DATA must not be held in memory.
      if (size <= maxBytes) chunks.push(chunk);
    });
    stream.on('error', reject);
    stream.on('end', () => {
      const sizeExceeded = (stream as Readable & { sizeExceeded?: boolean }).sizeExceeded === true;
      resolve({ message: Buffer.concat(chunks), tooBig: sizeExceeded || size > maxBytes });
    });
  });
}
