/**
 * Routing lookup latency measured the same way on both relays: the round trip of RCPT TO on an open
 * SMTP session, which is where each looks the recipient up in the directory (ours: RecipientRouter,
 * Postfix: its ldap: relay_recipient_maps). A plain socket client sends one command at a time and
 * times each reply, so the figure is the lookup plus one loopback round trip on both sides.
 */
import { connect, type Socket } from 'node:net';
import { percentile } from '../stats.js';

/** Latency figures in milliseconds. */
export interface LatencyFigures {
  p50Ms: number;
  p99Ms: number;
  count: number;
}

class ReplyReader {
  private buffer = '';
  private waiting: ((line: string) => void) | undefined;
  private readonly lines: string[] = [];

  constructor(socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      let end = this.buffer.indexOf('\r\n');
      while (end >= 0) {
        const line = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        // Multi-line replies: only the last line (code followed by a space) ends the reply.
        if (/^\d{3} /.test(line)) {
          if (this.waiting) {
            const resolve = this.waiting;
            this.waiting = undefined;
            resolve(line);
          } else this.lines.push(line);
        }
        end = this.buffer.indexOf('\r\n');
      }
    });
  }

  next(): Promise<string> {
    const line = this.lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }
}

/** Times RCPT TO for each address in order on one session; every reply must be 250. */
export async function timeRcpts(port: number, addresses: string[]): Promise<LatencyFigures> {
  const socket = connect(port, '127.0.0.1');
  const replies = new ReplyReader(socket);
  const command = async (line: string, expect: string) => {
    socket.write(`${line}\r\n`);
    const reply = await replies.next();
    if (!reply.startsWith(expect)) throw new Error(`${line} got ${reply}`);
  };
  try {
    const greeting = await replies.next();
    if (!greeting.startsWith('220')) throw new Error(`greeting ${greeting}`);
    await command('EHLO latency.bench', '250');
    await command('MAIL FROM:<probe@outside.example>', '250');
    const times: number[] = [];
    for (const [n, address] of addresses.entries()) {
      // Both relays cap recipients per message; start a new transaction well before that.
      if (n > 0 && n % 200 === 0) {
        await command('RSET', '250');
        await command('MAIL FROM:<probe@outside.example>', '250');
      }
      const started = process.hrtime.bigint();
      await command(`RCPT TO:<${address}>`, '250');
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    await command('QUIT', '221');
    return { p50Ms: percentile(times, 50), p99Ms: percentile(times, 99), count: times.length };
  } finally {
    socket.destroy();
  }
}
