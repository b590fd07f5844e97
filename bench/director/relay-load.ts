/**
 * The load of the director bench, the same for our director and for Postfix: nodemailer clients
 * sending 4 KB messages to local users over `sessions` concurrent SMTP sessions, either each session
 * on one connection kept open for all its messages (pooled transport), or a new connection per
 * message. A run is timed from the first connection until the sink has acknowledged every message:
 * durable relay throughput, not just acceptance.
 */
import { createTransport } from 'nodemailer';
import { msSince } from '../stats.js';
import type { LmtpSink } from './lmtp-sink.js';

/** One throughput run. */
export interface RelayRun {
  port: number;
  sink: LmtpSink;
  recipients: string[];
  messages: number;
  sessions: number;
  reuseConnections: boolean;
}

/** What a run measured. */
export interface RelayResult {
  messages: number;
  seconds: number;
  messagesPerSecond: number;
  /** LMTP sessions the relay opened to the sink during the run. */
  sinkSessions: number;
}

/** A 4 KB message (headers + body) with a unique token. */
export function benchMessage(token: string, to: string): string {
  const head = `From: load@outside.example\r\nTo: ${to}\r\nSubject: bench ${token}\r\nMessage-ID: <${token}@bench>\r\n\r\n`;
  const line = 'The quick brown fox jumps over the lazy dog; mail relay bench text.\r\n';
  return head + line.repeat(Math.ceil((4096 - head.length) / line.length)).slice(0, 4096 - head.length);
}

/** Sends `messages` messages over `sessions` sessions and waits until the sink has them all. */
export async function runRelayLoad(run: RelayRun): Promise<RelayResult> {
  const startDelivered = run.sink.delivered();
  const startSessions = run.sink.sessions();
  let next = 0;
  const started = process.hrtime.bigint();
  const session = async (n: number) => {
    const options = { host: '127.0.0.1', port: run.port, ignoreTLS: true, name: `load${n}.bench` };
    const pooled = run.reuseConnections
      ? createTransport({ ...options, pool: true, maxConnections: 1 })
      : undefined;
    try {
      while (next < run.messages) {
        const i = next++;
        const to = run.recipients[i % run.recipients.length] as string;
        const transport = pooled ?? createTransport(options);
        try {
          await transport.sendMail({
            envelope: { from: 'load@outside.example', to: [to] },
            raw: benchMessage(`m${i}`, to),
          });
        } finally {
          if (!pooled) transport.close();
        }
      }
    } finally {
      pooled?.close();
    }
  };
  await Promise.all(Array.from({ length: run.sessions }, (_, n) => session(n)));
  await run.sink.waitFor(startDelivered + run.messages, 600_000);
  const seconds = msSince(started) / 1000;
  return {
    messages: run.messages,
    seconds,
    messagesPerSecond: run.messages / seconds,
    sinkSessions: run.sink.sessions() - startSessions,
  };
}
