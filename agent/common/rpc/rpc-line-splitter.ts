/**
 * Splits a byte stream into JSON-RPC lines, bounded: a line longer than the limit is reported once
 * and its bytes are dropped as they arrive, up to the next newline, so a peer sending an endless
 * line cannot make this process buffer it. A line that is not UTF-8 is reported, not decoded with
 * replacement characters: JSON text is UTF-8 (RFC 8259), and what is checked must be what was sent.
 */

/** What the splitter reports. */
export interface RpcLineSink {
  line(text: string): void;
  /** A line passed the limit; its remaining bytes up to the next newline are being discarded. */
  tooLong(bytesSeen: number): void;
  /** A complete line whose bytes are not UTF-8; it is dropped. */
  notUtf8(): void;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Incremental newline splitter with a per-line byte limit. */
export class RpcLineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private discarding = false;

  constructor(
    private readonly maxLineBytes: number,
    private readonly sink: RpcLineSink,
  ) {}

  /** Feeds the next chunk read from the stream. */
  push(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(0x0a, start);
      const end = newline === -1 ? chunk.length : newline;
      const piece = chunk.subarray(start, end);
      if (this.discarding) {
        if (newline !== -1) this.discarding = false;
      } else if (this.pendingBytes + piece.length > this.maxLineBytes) {
        const seen = this.pendingBytes + piece.length;
        this.pending = [];
        this.pendingBytes = 0;
        // Keep discarding only if the end of this line has not arrived yet.
        this.discarding = newline === -1;
        this.sink.tooLong(seen);
      } else if (newline === -1) {
        // Copy: the caller may reuse its chunk buffer.
        this.pending.push(Buffer.from(piece));
        this.pendingBytes += piece.length;
      } else {
        const whole = this.pending.length === 0 ? piece : Buffer.concat([...this.pending, piece]);
        this.pending = [];
        this.pendingBytes = 0;
        let text: string | undefined;
        try {
          text = utf8.decode(whole).replace(/\r$/, '');
        } catch {
          this.sink.notUtf8();
        }
        if (text !== undefined && text.trim() !== '') this.sink.line(text);
      }
      start = end + 1;
    }
  }
}
