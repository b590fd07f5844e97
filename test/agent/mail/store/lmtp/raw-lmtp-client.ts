/** A raw LMTP client for tests that need to send what a well-behaved client would not. */
import { connect, type Socket } from 'node:net';

/** Reply lines (`250 2.1.5 Accepted`), one reply per call of `reply()`. */
export class RawLmtpClient {
  private buffer = '';
  private readonly lines: string[] = [];
  private readonly waiters: ((line: string) => void)[] = [];

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      let at = this.buffer.indexOf('\r\n');
      while (at >= 0) {
        const line = this.buffer.slice(0, at);
        this.buffer = this.buffer.slice(at + 2);
        const waiter = this.waiters.shift();
        if (waiter) waiter(line);
        else this.lines.push(line);
        at = this.buffer.indexOf('\r\n');
      }
    });
  }

  /** Connects and reads the greeting and the LHLO reply. */
  static async open(port: number): Promise<RawLmtpClient> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const client = new RawLmtpClient(socket);
    await client.reply();
    client.send('LHLO test.client\r\n');
    await client.reply();
    return client;
  }

  /** Sends raw bytes. */
  send(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** One full reply (the last line of a multi-line reply). */
  async reply(): Promise<string> {
    for (;;) {
      const line = await this.line();
      if (line[3] !== '-') return line;
    }
  }

  /** Sends a command and reads its reply. */
  async command(line: string): Promise<string> {
    this.send(`${line}\r\n`);
    return this.reply();
  }

  /** MAIL, RCPTs (their replies returned), DATA; then sends `body` (already dot-stuffed) + `.` and reads one reply per accepted recipient. */
  async transaction(
    recipients: string[],
    body: Buffer | string,
  ): Promise<{ rcpt: string[]; data: string[] }> {
    await this.command('MAIL FROM:<sender@example.org>');
    const rcpt: string[] = [];
    for (const r of recipients) rcpt.push(await this.command(`RCPT TO:<${r}>`));
    const accepted = rcpt.filter((r) => r.startsWith('250')).length;
    if (accepted === 0) {
      await this.command('RSET');
      return { rcpt, data: [] };
    }
    const go = await this.command('DATA');
    if (!go.startsWith('354')) throw new Error(`DATA refused: ${go}`);
    this.send(body);
    this.send('\r\n.\r\n');
    const data: string[] = [];
    for (let i = 0; i < accepted; i++) data.push(await this.reply());
    return { rcpt, data };
  }

  /** Ends the session. */
  async close(): Promise<void> {
    this.socket.end('QUIT\r\n');
    await new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
  }

  private line(): Promise<string> {
    const line = this.lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    return new Promise((resolve, reject) => {
      this.waiters.push(resolve);
      this.socket.once('close', () => reject(new Error('connection closed')));
    });
  }
}
