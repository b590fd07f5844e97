/**
 * The sink both relays deliver to in the director bench: an LMTP server (smtp-server in LMTP mode)
 * that reads each message and answers 250 for every recipient without storing anything, and counts
 * what it acknowledged, so a run ends when every message sent has arrived.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { closeSmtpServer, listenSmtpServer } from '../../agent/mail/smtp-listener.js';

/** A running sink. */
export interface LmtpSink {
  port: number;
  /** Recipients acknowledged so far. */
  delivered(): number;
  /** LMTP sessions opened so far (how many connections the relay used). */
  sessions(): number;
  /** Resolves once `count` recipients have been acknowledged in total. */
  waitFor(count: number, timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the sink on a free loopback port. */
export async function startLmtpSink(): Promise<LmtpSink> {
  let delivered = 0;
  let sessions = 0;
  let waiters: { count: number; resolve: () => void }[] = [];
  const server = new SMTPServer({
    lmtp: true,
    name: 'sink.bench',
    disableReverseLookup: true,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    hideSTARTTLS: true,
    maxClients: 1000,
    logger: false,
    onConnect: (_session, callback) => {
      sessions++;
      callback();
    },
    onData: (stream, session, callback) => {
      stream.on('data', () => {});
      stream.on('end', () => {
        const count = session.envelope.rcptTo.length;
        delivered += count;
        waiters = waiters.filter((w) => {
          if (delivered < w.count) return true;
          w.resolve();
          return false;
        });
        // LMTP: one reply per recipient (smtp-server takes the array; its types say string).
        callback(null, Array.from({ length: count }, () => 'ok') as unknown as string);
      });
    },
  });
  server.on('error', () => {});
  await listenSmtpServer(server, 0, '127.0.0.1');
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    delivered: () => delivered,
    sessions: () => sessions,
    waitFor: (count, timeoutMs) =>
      new Promise<void>((resolve, reject) => {
        if (delivered >= count) return resolve();
        const timer = setTimeout(
          () => reject(new Error(`the sink got ${delivered} of ${count} recipients in ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      }),
    stop: () => closeSmtpServer(server),
  };
}
