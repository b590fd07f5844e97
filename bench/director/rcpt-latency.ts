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

/** An SMTP session past EHLO and MAIL FROM: `send` writes one command and returns its reply. */
async function openTransaction(port: number) {
  const socket = connect(port, '127.0.0.1');
  const replies = new ReplyReader(socket);
  const send = async (line: string) => {
    socket.write(`${line}\r\n`);
    return replies.next();
  };
  const command = async (line: string, expect: string) => {
    const reply = await send(line);
    if (!reply.startsWith(expect)) throw new Error(`${line} got ${reply}`);
  };
  try {
    const greeting = await replies.next();
    if (!greeting.startsWith('220')) throw new Error(`greeting ${greeting}`);
    await command('EHLO latency.bench', '250');
    await command('MAIL FROM:<probe@outside.example>', '250');
  } catch (error) {
    socket.destroy();
    throw error;
  }
  return { send, command, close: () => socket.destroy() };
}

/** Times RCPT TO for each address in order on one session; every reply must be 250. */
export async function timeRcpts(port: number, addresses: string[]): Promise<LatencyFigures> {
  const session = await openTransaction(port);
  try {
    const times: number[] = [];
    for (const [n, address] of addresses.entries()) {
      // Both relays cap recipients per message; start a new transaction well before that.
      if (n > 0 && n % 200 === 0) {
        await session.command('RSET', '250');
        await session.command('MAIL FROM:<probe@outside.example>', '250');
      }
      const started = process.hrtime.bigint();
      await session.command(`RCPT TO:<${address}>`, '250');
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    await session.command('QUIT', '221');
    return { p50Ms: percentile(times, 50), p99Ms: percentile(times, 99), count: times.length };
  } finally {
    session.close();
  }
}

/** The reply to RCPT TO `address` (to show a relay really consults its recipient table). */
export async function rcptReply(port: number, address: string): Promise<string> {
  const session = await openTransaction(port);
  try {
    return await session.send(`RCPT TO:<${address}>`);
  } finally {
    session.close();
  }
}
