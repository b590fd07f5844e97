/**
 * Response output of one connection. Small writes are gathered into one socket write (a FETCH of
 * 10,000 messages is thousands of lines); the socket's own buffer bounds what is queued: past the
 * high-water mark the session waits for `drain` before producing more, so a client that stops
 * reading cannot make the server buffer without limit. After COMPRESS=DEFLATE (RFC 4978) the bytes
 * go through a raw DEFLATE stream piped into the socket, flushed at every gathered write.
 */
import type { Socket } from 'node:net';
import type { Writable } from 'node:stream';
import { constants, type DeflateRaw } from 'node:zlib';

/** Gathered bytes are written out once they pass this. */
const gatherBytes = 64 * 1024;

function waitFor(stream: Writable, event: 'drain'): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      stream.off(event, done);
      stream.off('close', done);
      resolve();
    };
    stream.on(event, done);
    stream.on('close', done);
  });
}

/** Buffered writer over a socket (plain or TLS), optionally through a DEFLATE compressor. */
export class ResponseWriter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private compressor: DeflateRaw | undefined;

  constructor(private socket: Socket) {}

  /** After STARTTLS: writes go to the TLS socket. */
  setSocket(socket: Socket): void {
    this.socket = socket;
  }

  /** After COMPRESS: everything from now on is compressed (what was gathered before is flushed plain). */
  compress(deflate: DeflateRaw): void {
    this.flush();
    deflate.pipe(this.socket);
    this.compressor = deflate;
  }

  /** Queues a response piece: a latin1 string (one char per byte) or raw bytes. */
  write(piece: string | Buffer): void {
    const buffer = typeof piece === 'string' ? Buffer.from(piece, 'latin1') : piece;
    this.pending.push(buffer);
    this.pendingBytes += buffer.length;
    if (this.pendingBytes >= gatherBytes) this.flush();
  }

  /** Queues one response line (CRLF added). */
  line(text: string): void {
    this.write(`${text}\r\n`);
  }

  /** Hands everything gathered to the socket (a compressed block ends with a sync flush: the client can read it all). */
  flush(): void {
    if (this.pendingBytes === 0) return;
    const data =
      this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    if (this.socket.destroyed || !this.socket.writable) return;
    if (!this.compressor) {
      this.socket.write(data);
      return;
    }
    if (this.compressor.destroyed || !this.compressor.writable) return;
    this.compressor.write(data);
    this.compressor.flush(constants.Z_SYNC_FLUSH);
  }

  /** Flushes and ends the stream (the compressor's end ends the socket through its pipe). */
  end(): void {
    this.flush();
    if (this.compressor && !this.compressor.destroyed) this.compressor.end();
    else this.socket.end();
  }

  /** True when the socket (or the compressor in front of it) holds more unsent data than it should. */
  get congested(): boolean {
    if (this.socket.writableLength > this.socket.writableHighWaterMark) return true;
    return this.compressor?.writableNeedDrain ?? false;
  }

  /** Flushes, then resolves once the socket and any compressor have room again (or are gone). */
  async drained(): Promise<void> {
    this.flush();
    const socket = this.socket;
    while (!socket.destroyed && socket.writableLength > socket.writableHighWaterMark)
      await waitFor(socket, 'drain');
    const compressor = this.compressor;
    while (compressor && !compressor.destroyed && compressor.writableNeedDrain)
      await waitFor(compressor, 'drain');
  }
}
