/**
 * A small LMTP load generator used against both our store and Dovecot, so both see the same client:
 * `concurrency` connections, each sending messages back to back (LHLO once, then MAIL/RCPT/DATA per
 * message, waiting for each reply like a director's delivery agent does).
 */
import { connect, type Socket } from 'node:net';

export interface LmtpLoadResult {
  delivered: number;
  failed: number;
  seconds: number;
  perSecond: number;
  firstFailure?: string;
}

/** A 4 KB (by default) message with a unique Message-ID. */
export function benchMessage(n: number, to: string, size = 4096): string {
  const head = [
    'From: Bench Sender <sender@bench.example>',
    `To: <${to}>`,
    `Subject: bench message ${n}`,
    `Message-ID: <bench-${n}-${process.pid}@bench.example>`,
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
  ].join('\r\n');
  const line = 'The quick brown fox jumps over the lazy dog. 0123456789 abcdefghijklmnopqrstuvwxyz\r\n';
  let body = '';
  while (head.length + 2 + body.length + line.length <= size) body += line;
  return `${head}\r\n${body}`;
}

class LineClient {
  private buffer = '';
  private waiters: ((line: string) => void)[] = [];
  private lines: string[] = [];

  constructor(readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      let i = this.buffer.indexOf('\n');
      while (i >= 0) {
        const line = this.buffer.slice(0, i).replace(/\r$/, '');
        this.buffer = this.buffer.slice(i + 1);
        const waiter = this.waiters.shift();
        if (waiter) waiter(line);
        else this.lines.push(line);
        i = this.buffer.indexOf('\n');
      }
    });
  }

  nextLine(): Promise<string> {
    const line = this.lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Reads a possibly multi-line reply (`250-...` continues, `250 ...` ends). */
  async reply(): Promise<string> {
    let line = await this.nextLine();
    while (/^\d{3}-/.test(line)) line = await this.nextLine();
    return line;
  }
}

/** Sends `messages` messages round-robin to `recipients` over `concurrency` connections. */
export async function lmtpLoad(options: {
  port: number;
  recipients: string[];
  messages: number;
  concurrency: number;
  size?: number;
}): Promise<LmtpLoadResult> {
  let next = 0;
  let delivered = 0;
  let failed = 0;
  let firstFailure: string | undefined;
  const start = process.hrtime.bigint();
  const worker = async () => {
    const socket = connect(options.port, '127.0.0.1');
    socket.setNoDelay(true);
    const client = new LineClient(socket);
    await client.reply(); // greeting
    socket.write('LHLO bench.example\r\n');
    await client.reply();
    for (let n = next++; n < options.messages; n = next++) {
      const to = options.recipients[n % options.recipients.length]!;
      socket.write(`MAIL FROM:<sender@bench.example>\r\nRCPT TO:<${to}>\r\nDATA\r\n`);
      const replies = [await client.reply(), await client.reply(), await client.reply()];
      if (!replies[2]!.startsWith('354')) {
        failed++;
        firstFailure ??= replies.join(' | ');
        socket.write('RSET\r\n');
        await client.reply();
        continue;
      }
      socket.write(`${benchMessage(n, to, options.size)}\r\n.\r\n`);
      const result = await client.reply();
      if (result.startsWith('250')) delivered++;
      else {
        failed++;
        firstFailure ??= result;
      }
    }
    socket.write('QUIT\r\n');
    socket.end();
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const result: LmtpLoadResult = { delivered, failed, seconds, perSecond: delivered / seconds };
  if (firstFailure !== undefined) result.firstFailure = firstFailure;
  return result;
}
