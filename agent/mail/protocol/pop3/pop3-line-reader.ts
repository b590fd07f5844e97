/**
 * Splits a POP3 client's byte stream into command lines (ending in CRLF, or a bare LF, which some
 * clients send). A line longer than the limit is not buffered: its bytes are dropped as they arrive
 * and the line is reported once as too long, so a client cannot make the server hold megabytes.
 */

/** What the reader hands on. */
export type Pop3Input = { kind: 'line'; text: string } | { kind: 'too-long' };

/** Incremental line splitter with a length limit. */
export class Pop3LineReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Inside an overlong line: drop bytes until its end. */
  private discarding = false;

  constructor(private readonly maxLineBytes: number) {}

  /** Feeds a chunk; returns the complete inputs it finished. */
  feed(chunk: Buffer): Pop3Input[] {
    const inputs: Pop3Input[] = [];
    let start = 0;
    while (start < chunk.length) {
      const end = chunk.indexOf(0x0a, start);
      if (end === -1) {
        this.keep(chunk.subarray(start));
        break;
      }
      this.keep(chunk.subarray(start, end));
      start = end + 1;
      if (this.discarding) {
        this.discarding = false;
        inputs.push({ kind: 'too-long' });
      } else {
        let line = Buffer.concat(this.pending, this.pendingBytes);
        if (line.length > 0 && line[line.length - 1] === 0x0d) line = line.subarray(0, line.length - 1);
        inputs.push({ kind: 'line', text: line.toString('utf8') });
      }
      this.pending = [];
      this.pendingBytes = 0;
    }
    return inputs;
  }

  /** Drops everything buffered (after STLS, and when the session ends). */
  reset(): void {
    this.pending = [];
    this.pendingBytes = 0;
    this.discarding = false;
  }

  private keep(part: Buffer): void {
    if (this.discarding || part.length === 0) return;
    if (this.pendingBytes + part.length > this.maxLineBytes) {
      this.discarding = true;
      this.pending = [];
      this.pendingBytes = 0;
      return;
    }
    this.pending.push(Buffer.from(part));
    this.pendingBytes += part.length;
  }
}
