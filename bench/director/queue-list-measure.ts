/**
 * How long `queue.list` takes on a full queue, for the director bench: 5,000 messages queued in a
 * real MailQueue (every delivery deferred), then the queue.list handler with no filter, with a
 * domain filter and with a reason + age filter, each for its first page of 500. Milliseconds per call.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { queueMethods } from '../../agent/control/queue-methods.js';
import { MailQueue } from '../../agent/mail/director/queue/mail-queue.js';
import { percentile } from '../stats.js';

/** p50 of each listing, in ms. */
export async function measureQueueList(messages = 5000): Promise<Record<string, number>> {
  const root = await mkdtemp(join(tmpdir(), 'mailfleet-bench-queue-list-'));
  const queue = new MailQueue({
    root,
    clock: { now: () => Date.now() },
    route: async (address) => ({
      kind: 'defer',
      reason: address.endsWith('@a.bench') ? '4.2.2 over quota' : '4.4.1 no answer',
    }),
    transports: { lmtp: { deliver: async () => [] } },
    backoff: { firstMs: 3_600_000, maxMs: 3_600_000 },
  });
  await queue.start();
  try {
    for (let start = 0; start < messages; start += 250) {
      await Promise.all(
        Array.from({ length: Math.min(250, messages - start) }, (_, i) => {
          const to = `u${(start + i) % 300}@${(start + i) % 2 === 0 ? 'a' : 'b'}.bench`;
          return queue.enqueue({
            sender: 'x@outside.example',
            recipients: [{ address: to, original: to }],
            content: Buffer.from('Subject: q\r\n\r\nq\r\n'),
          });
        }),
      );
    }
    await queue.settled();
    const list = queueMethods({ queue: () => queue, router: () => undefined, adminDomains: async () => [] })[
      'queue.list'
    ];
    const context = { caller: { kind: 'system', id: 'bench' } } as Parameters<typeof list>[1];
    const time = async (filter: Record<string, unknown>) => {
      const times: number[] = [];
      for (let n = 0; n < 20; n++) {
        const started = process.hrtime.bigint();
        await list({ offset: 0, limit: 500, ...filter }, context);
        times.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
      return percentile(times, 50);
    };
    return {
      messages,
      allMs: await time({}),
      domainMs: await time({ domain: 'b.bench' }),
      reasonAndAgeMs: await time({ reason: 'quota', olderThanSeconds: 0 }),
    };
  } finally {
    await queue.stop();
    await rm(root, { recursive: true, force: true });
  }
}
