// Runs a MailQueue in a process of its own so a test can kill it with SIGKILL in the middle of a
// delete. Usage: node queue-delete-child.mjs COMPILED_ROOT QUEUE_ROOT fill COUNT | delete | bounce
// fill: queues COUNT messages (3 recipients each, every attempt deferred), prints [{id, token}], exits.
// delete / bounce: prints "deleting", deletes every queued message (bounce: recorded bounced first).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [compiledRoot, queueRoot, mode, count] = process.argv.slice(2);
const { MailQueue } = await import(
  pathToFileURL(join(compiledRoot, 'agent/mail/director/queue/mail-queue.js')).href
);
const queue = new MailQueue({
  root: queueRoot,
  clock: { now: () => Date.now() },
  route: async () => ({ kind: 'defer', reason: '4.3.0 store unreachable (test)' }),
  transports: {
    lmtp: {
      deliver: async () => {
        throw new Error('never routed');
      },
    },
  },
  backoff: { firstMs: 3_600_000, maxMs: 3_600_000 },
});
await queue.start();
if (mode === 'fill') {
  const made = await Promise.all(
    Array.from({ length: Number(count) }, async (_, i) => {
      const token = `t${process.pid}n${i}`;
      const id = await queue.enqueue({
        sender: 'crash@outside.example',
        recipients: ['a', 'b', 'c'].map((u) => ({ address: `${u}@crash.test`, original: `${u}@crash.test` })),
        content: Buffer.from(`Subject: ${token}\r\nX-Token: ${token}\r\n\r\n${'x'.repeat(3000)}\r\n`),
      });
      return { id, token };
    }),
  );
  await queue.settled();
  await queue.stop();
  process.stdout.write(`${JSON.stringify(made)}\n`);
  process.exit(0);
}
const ids = [...queue.entriesView()].map((entry) => entry.id);
process.stdout.write('deleting\n');
await queue.discard(ids, mode === 'bounce' ? '5.0.0 deleted by crash-test' : undefined);
process.stdout.write('deleted\n');
await queue.stop();
process.exit(0);
