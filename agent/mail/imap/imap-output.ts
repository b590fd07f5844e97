/**
 * Response output of one connection. Small writes are gathered into one socket write (a FETCH of
 * 10,000 messages is thousands of lines); the socket's own buffer bounds what is queued: past the
 * high-water mark the session waits for `drain` before producing more, so a client that stops
 * reading cannot make the server buffer without limit.
 */
import type { Socket } from 'node:net';

/** Gathered bytes are written out once they pass this. */
const gatherBytes = 64 * 1024;

/** Buffered writer over a socket (plain or TLS). */
export class ResponseWriter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(private socket: Socket) {}

  /** After STARTTLS: writes go to the TLS socket. */
  setSocket(socket: Socket): void {
    this.socket = socket;
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

  /** Hands everything gathered to the socket. */
  flush(): void {
    if (this.pendingBytes === 0) return;
    const data =
      this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    if (!this.socket.destroyed && this.socket.writable) this.socket.write(data);
  }

  /** True when the socket holds more unsent data than its high-water mark. */
  get congested(): boolean {
    return this.socket.writableLength > this.socket.writableHighWaterMark;
  }

  /** Flushes, then resolves once the socket has room again (or is gone). */
  async drained(): Promise<void> {
    this.flush();
    const socket = this.socket;
    if (!this.congested || socket.destroyed) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        socket.off('drain', done);
        socket.off('close', done);
        resolve();
      };
      socket.on('drain', done);
      socket.on('close', done);
    });
  }
}
