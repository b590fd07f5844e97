/**
 * The loads of the director bench, the same for our director and for Postfix, sending to local users
 * over `sessions` concurrent SMTP sessions, either each session on one connection kept open for all
 * its messages, or a new connection per message:
 * - nodemailer clients (pooled transport for kept connections) sending 4 KB messages round-robin to
 *   the given recipients;
 * - Postfix's smtp-source (C, bench/support/smtp-source.ts) sending about 4 KB messages (its four
 *   header lines and 3,968 payload bytes) to `1<local>@domain`, `2<local>@domain`, ...: a new
 *   recipient for every message of a run.
 * A run is timed from the first connection until the sink has acknowledged every message: durable
 * relay throughput, not just acceptance.
 */
import { createTransport } from 'nodemailer';
import { msSince } from '../stats.js';
import type { CountingSink } from '../support/smtp-sink.js';
import { runSmtpSource } from '../support/smtp-source.js';

/** Where a run sends and how. */
export interface RelayRun {
  port: number;
  sink: CountingSink;
  messages: number;
  sessions: number;
  reuseConnections: boolean;
}

/** What a run measured. */
export interface RelayResult {
  messages: number;
  seconds: number;
  messagesPerSecond: number;
  /** LMTP sessions to the sink that ended during the run (a kept connection counts when it closes). */
  sinkSessionsEnded: number;
}

/** A 4 KB message (headers + body) with a unique token. */
export function benchMessage(token: string, to: string, from = 'load@outside.example'): string {
  const head = `From: ${from}\r\nTo: ${to}\r\nSubject: bench ${token}\r\nMessage-ID: <${token}@bench>\r\n\r\n`;
  const line = 'The quick brown fox jumps over the lazy dog; mail relay bench text.\r\n';
  return head + line.repeat(Math.ceil((4096 - head.length) / line.length)).slice(0, 4096 - head.length);
}

/**
 * nodemailer: sends `messages` messages to `recipients` in turn and waits until the sink has them all.
 * With `login`, each session logs in (AUTH PLAIN) as that user and sends from its address (the
 * submission path, where the director DKIM-signs).
 */
export function runNodemailerLoad(
  run: RelayRun & { recipients: string[]; login?: { user: string; pass: string } },
): Promise<RelayResult> {
  const from = run.login?.user ?? 'load@outside.example';
  return timedUntilDelivered(run, async () => {
    let next = 0;
    const session = async (n: number) => {
      const options = {
        host: '127.0.0.1',
        port: run.port,
        ignoreTLS: true,
        name: `load${n}.bench`,
        ...(run.login ? { auth: run.login } : {}),
      };
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
              envelope: { from, to: [to] },
              raw: benchMessage(`m${i}`, to, from),
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
  });
}

/** smtp-source: sends `messages` messages to `1<numbered>`, `2<numbered>`, ... and waits for the sink. */
export function runSmtpSourceLoad(run: RelayRun & { numbered: string }): Promise<RelayResult> {
  return timedUntilDelivered(run, () =>
    runSmtpSource({
      port: run.port,
      sessions: run.sessions,
      messages: run.messages,
      payloadBytes: 3968,
      reuseConnections: run.reuseConnections,
      recipient: run.numbered,
      numberRecipients: true,
      sender: 'load@outside.example',
      heloName: 'load.bench',
    }),
  );
}

async function timedUntilDelivered(run: RelayRun, send: () => Promise<void>): Promise<RelayResult> {
  const startDelivered = run.sink.delivered();
  const startSessions = run.sink.sessionsEnded();
  const started = process.hrtime.bigint();
  await send();
  await run.sink.waitFor(startDelivered + run.messages, 600_000);
  const seconds = msSince(started) / 1000;
  return {
    messages: run.messages,
    seconds,
    messagesPerSecond: run.messages / seconds,
    sinkSessionsEnded: run.sink.sessionsEnded() - startSessions,
  };
}
