// Runs a MailQueue whose every ordinary recipient bounces (5xx), so each message makes a bounce
// DSN; DSNs themselves are deferred, so they stay in the spool for the test to count. Usage:
//   node queue-dsn-child.mjs COMPILED_ROOT QUEUE_ROOT ACK_FILE load|settle
// `load`: enqueues messages from 4 loops and appends each id to ACK_FILE once enqueue resolved (the
// 250), until killed. `settle`: enqueues nothing, waits until every original message left the
// queue, prints {"dsns": [{id, sender, recipients}]} and exits.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [compiledRoot, queueRoot, ackFile, mode] = process.argv.slice(2);
const { MailQueue } = await import(
  pathToFileURL(join(compiledRoot, 'agent/mail/director/queue/mail-queue.js')).href
);

const queue = new MailQueue({
  root: queueRoot,
  clock: { now: () => Date.now() },
  route: async () => ({
    kind: 'deliver',
    destination: { key: 'smtp:remote.test', host: 'remote.test', port: 25, protocol: 'smtp' },
  }),
  transports: {
    smtp: {
      deliver: async (_destination, message, addresses) =>
        addresses.map((address) =>
          message.sender === ''
            ? { address, outcome: 'deferred', reason: '451 4.3.0 DSNs stay queued in this test' }
            : { address, outcome: 'bounced', reason: '550 5.1.1 no such user', remoteMta: 'mx.remote.test' },
        ),
    },
    lmtp: {
      deliver: async () => {
        throw new Error('every destination is remote in this test');
      },
    },
  },
  backoff: { firstMs: 3_600_000, maxMs: 3_600_000 },
  notices: { reportingMta: 'crash.test', delayWarningAfterMs: 0 },
});
await queue.start();

if (mode === 'load') {
  let sequence = 0;
  const loop = async (worker) => {
    for (;;) {
      const n = sequence++;
      const id = await queue.enqueue({
        sender: `sender${worker}@origin.test`,
        recipients: [{ address: `user${n}@remote.test`, original: `user${n}@remote.test` }],
        content: Buffer.from(`Subject: crash ${n}\r\nX-Token: ${n}\r\n\r\nbody\r\n`),
      });
      appendFileSync(ackFile, `${id}\n`);
    }
  };
  process.stdout.write('ready\n');
  await Promise.all([0, 1, 2, 3].map(loop));
} else {
  for (;;) {
    await queue.settled();
    const entries = queue.list();
    if (entries.every((e) => e.sender === '')) {
      process.stdout.write(
        `${JSON.stringify({ dsns: entries.map((e) => ({ id: e.id, recipients: e.recipients.map((r) => r.address) })) })}\n`,
      );
      await queue.stop();
      process.exit(0);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
