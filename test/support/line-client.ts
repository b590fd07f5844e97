/**
 * A raw line-oriented TCP (or TLS) client for protocol tests that need to send what no well-behaved
 * client would: overlong lines, NUL bytes, pipelined bursts, commands after STARTTLS.
 */
import { connect, type Socket } from 'node:net';
import { connect as connectTls, type TLSSocket } from 'node:tls';

/** A connection that reads whole lines. */
export class LineClient {
  private buffer = Buffer.alloc(0);
  private readonly lines: string[] = [];
  private waiters: Array<() => void> = [];
  private ended = false;

  private constructor(private socket: Socket | TLSSocket) {
    this.listen(socket);
  }

  /** Connects in plain text. */
  static async connect(port: number, host = '127.0.0.1'): Promise<LineClient> {
    const socket = connect(port, host);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new LineClient(socket);
  }

  /** Connects with implicit TLS, trusting `ca`. */
  static async connectTls(port: number, ca: Buffer | string, host = '127.0.0.1'): Promise<LineClient> {
    const socket = connectTls({ port, host, ca, servername: 'localhost' });
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', resolve);
      socket.once('error', reject);
    });
    return new LineClient(socket);
  }

  /** Starts TLS on this connection (after the server said yes to STARTTLS/STLS). */
  async startTls(ca: Buffer | string): Promise<void> {
    const plain = this.socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('end');
    plain.removeAllListeners('close');
    const secure = connectTls({ socket: plain, ca, servername: 'localhost' });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
    this.socket = secure;
    this.buffer = Buffer.alloc(0);
    this.listen(secure);
  }

  send(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Writes and waits until the socket takes more (backpressure: for sending gigabytes). */
  async write(data: string | Buffer): Promise<void> {
    if (this.socket.write(data)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.socket.off('close', done);
        this.socket.off('drain', done);
        resolve();
      };
      this.socket.once('drain', done);
      this.socket.once('close', done);
    });
  }

  /** The next line without its CRLF; rejects if the connection ends first. */
  async readLine(timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (this.lines.length === 0) {
      if (this.ended) throw new Error('connection closed');
      if (Date.now() > deadline) throw new Error('no line in time');
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
    return this.lines.shift() as string;
  }

  /** Reads a multi-line answer up to its `.` line; returns the lines between (first line included). */
  async readMultiLine(): Promise<string[]> {
    const first = await this.readLine();
    if (!first.startsWith('+OK')) return [first];
    const lines = [first];
    for (let line = await this.readLine(); line !== '.'; line = await this.readLine()) lines.push(line);
    return lines;
  }

  /** Sends a command and reads one line. */
  async command(line: string): Promise<string> {
    this.send(`${line}\r\n`);
    return this.readLine();
  }

  /** Resolves once the server has closed the connection. */
  async closed(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended) {
      if (Date.now() > deadline) throw new Error('the connection stayed open');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  get isClosed(): boolean {
    return this.ended;
  }

  close(): void {
    this.socket.destroy();
  }

  private listen(socket: Socket | TLSSocket): void {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      for (let end = this.buffer.indexOf('\r\n'); end !== -1; end = this.buffer.indexOf('\r\n')) {
        this.lines.push(this.buffer.subarray(0, end).toString('utf8'));
        this.buffer = this.buffer.subarray(end + 2);
      }
      this.wake();
    });
    socket.on('close', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
