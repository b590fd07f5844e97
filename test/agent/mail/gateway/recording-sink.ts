/** A real SMTP server (smtp-server) standing in for the gateway's next hop, recording what it gets. */
import { SMTPServer } from 'smtp-server';

/** One message the sink took. */
export interface SinkMessage {
  from: string;
  to: string[];
  text: string;
}

/** A running sink on a free loopback port. */
export interface RecordingSink {
  port: number;
  received: SinkMessage[];
  stop(): Promise<void>;
}

/** Starts the sink on 127.0.0.1. */
export async function startRecordingSink(): Promise<RecordingSink> {
  const received: SinkMessage[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disableReverseLookup: true,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          text: Buffer.concat(chunks).toString(),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as { port: number }).port,
    received,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
