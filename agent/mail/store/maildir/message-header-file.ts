/** Reads the header of a message file alone, for SEARCH on header fields in large folders. */
import * as fs from 'node:fs';

/**
 * The start of a file up to and including the blank line that ends a message's header (or the whole
 * file when it has none), read synchronously: SEARCH on header fields reads 100,000 of these in
 * slices, and a synchronous open+read+close costs a quarter of three thread-pool round trips (measured).
 */
export function readMessageHeaderSync(path: string): Buffer {
  const fd = fs.openSync(path, 'r');
  try {
    // One scratch buffer for every read (the reads are synchronous): only the header is copied out.
    let data = headerScratch;
    let total = 0;
    for (;;) {
      if (total === data.length) {
        const bigger = Buffer.allocUnsafe(data.length * 4);
        data.copy(bigger, 0, 0, total);
        data = bigger;
      }
      const read = fs.readSync(fd, data, total, data.length - total, total);
      if (read === 0) return Buffer.from(data.subarray(0, total));
      // Look back a few bytes: the blank line may straddle two reads.
      const from = Math.max(0, total - 3);
      total += read;
      const view = data.subarray(0, total);
      const crlf = view.indexOf('\r\n\r\n', from);
      const lf = view.indexOf('\n\n', from);
      const end = crlf === -1 ? (lf === -1 ? -1 : lf + 2) : lf === -1 || crlf < lf ? crlf + 4 : lf + 2;
      if (end !== -1) return Buffer.from(data.subarray(0, end));
    }
  } finally {
    fs.closeSync(fd);
  }
}

const headerScratch = Buffer.allocUnsafe(16 * 1024);
