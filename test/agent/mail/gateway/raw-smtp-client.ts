/** A raw SMTP client for gateway tests: sends what a well-behaved client would not, from a chosen 127.x address. */
import { connect, type Socket } from 'node:net';

/** One connection; `reply()` returns the last line of the next reply (`250 2.1.0 Ok`). */
export class RawSmtpClient {
  private buffer = '';
  private readonly replies: string[] = [];
  private waiter: (() => void) | null = null;
  private ended = false;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      for (let at = this.buffer.indexOf('\r\n'); at >= 0; at = this.buffer.indexOf('\r\n')) {
        const line = this.buffer.slice(0, at);
        this.buffer = this.buffer.slice(at + 2);
        if (/^\d{3} /.test(line)) this.replies.push(line);
      }
      this.wake();
    });
    socket.on('close', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('error', () => {
      this.ended = true;
      this.wake();
    });
  }

  /** Connects to 127.0.0.1:port from `localAddress`. */
  static async open(port: number, localAddress = '127.0.0.1'): Promise<RawSmtpClient> {
    const socket = connect({ port, host: '127.0.0.1', localAddress });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawSmtpClient(socket);
  }

  /** True once the server closed the connection. */
  get isClosed(): boolean {
    return this.ended;
  }

  /** The next reply's final line; rejects if the connection closes first. */
  async reply(timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (this.replies.length === 0) {
      if (this.ended) throw new Error('connection closed');
      if (Date.now() > deadline) throw new Error('no reply in time');
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
        setTimeout(resolve, 100);
      });
    }
    return this.replies.shift() as string;
  }

  /** Sends bytes as they are (bare line ends, NUL bytes, several commands at once). */
  send(data: string): void {
    this.socket.write(Buffer.from(data, 'latin1'));
  }

  /** Sends one command line and reads its reply. */
  async command(line: string): Promise<string> {
    this.socket.write(`${line}\r\n`);
    return this.reply();
  }

  /** Resolves once the server has closed the connection. */
  async closed(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended) {
      if (Date.now() > deadline) throw new Error('the connection stayed open');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.();
  }
}
