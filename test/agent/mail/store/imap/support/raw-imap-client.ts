/**
 * A byte-level IMAP client for protocol tests: sends exactly what a test says (also malformed
 * input) and reads responses line by line, with literals folded into their line.
 */
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';

/** Reads and writes one IMAP connection. */
export class RawImapClient {
  private buffer = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  private ended = false;
  private tagCounter = 0;
  greeting = '';

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.wake();
    });
    socket.on('close', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  /** Connects and reads the greeting. */
  static async connect(port: number, options: { tls?: { ca: Buffer } } = {}): Promise<RawImapClient> {
    const socket = options.tls
      ? connectTls({ host: '127.0.0.1', port, ca: options.tls.ca, servername: 'localhost' })
      : connectTcp({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once(options.tls ? 'secureConnect' : 'connect', () => resolve());
      socket.once('error', reject);
    });
    const client = new RawImapClient(socket);
    client.greeting = await client.readLine();
    return client;
  }

  /** True once the server closed the connection. */
  get closed(): boolean {
    return this.ended;
  }

  send(data: string | Buffer): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
  }

  /** One line without CRLF; a line announcing a literal includes the literal and the rest of the line. */
  async readLine(timeoutMs = 10_000): Promise<string> {
    let line = await this.readRawLine(timeoutMs);
    for (let match = /\{(\d+)\}$/.exec(line); match; match = /\{(\d+)\}$/.exec(line)) {
      const literal = await this.readBytes(Number(match[1]), timeoutMs);
      line += `\r\n${literal.toString('latin1')}${await this.readRawLine(timeoutMs)}`;
    }
    return line;
  }

  /** Lines up to and including the one starting with `tag `. */
  async readUntilTagged(tag: string, timeoutMs = 10_000): Promise<string[]> {
    const lines: string[] = [];
    for (;;) {
      const line = await this.readLine(timeoutMs);
      lines.push(line);
      if (line.startsWith(`${tag} `)) return lines;
    }
  }

  /** Sends `tag text` and returns the untagged lines and the tagged reply. */
  async command(text: string, timeoutMs = 10_000): Promise<{ untagged: string[]; tagged: string }> {
    const tag = `t${++this.tagCounter}`;
    this.send(`${tag} ${text}\r\n`);
    const lines = await this.readUntilTagged(tag, timeoutMs);
    return { untagged: lines.slice(0, -1), tagged: lines.at(-1)!.slice(tag.length + 1) };
  }

  /** Logs in with LOGIN. */
  async login(user: string, password: string): Promise<void> {
    const { tagged } = await this.command(`LOGIN "${user}" "${password}"`);
    if (!tagged.startsWith('OK')) throw new Error(`login failed: ${tagged}`);
  }

  /** Resolves when the server has closed the connection (rejects after the timeout). */
  async waitClosed(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended) {
      if (Date.now() > deadline) throw new Error('connection not closed');
      await this.waitForData(deadline - Date.now());
      this.buffer = Buffer.alloc(0);
    }
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }

  private waitForData(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no data from server within ${timeoutMs} ms`)),
        Math.max(1, timeoutMs),
      );
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private async readRawLine(timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const newline = this.buffer.indexOf('\r\n');
      if (newline !== -1) {
        const line = this.buffer.subarray(0, newline).toString('latin1');
        this.buffer = this.buffer.subarray(newline + 2);
        return line;
      }
      if (this.ended)
        throw new Error(`connection closed; unread: ${this.buffer.toString('latin1').slice(0, 200)}`);
      await this.waitForData(deadline - Date.now());
    }
  }

  private async readBytes(count: number, timeoutMs: number): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    while (this.buffer.length < count) {
      if (this.ended) throw new Error('connection closed inside a literal');
      await this.waitForData(deadline - Date.now());
    }
    const bytes = this.buffer.subarray(0, count);
    this.buffer = this.buffer.subarray(count);
    return bytes;
  }
}
