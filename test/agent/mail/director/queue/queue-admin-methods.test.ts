/**
 * The queue operations through the real dispatcher on a real MailQueue with 5,200 queued messages:
 * every filter of queue.list against counts worked out from how the messages were made, stable
 * paging, dryRun counts equal to what the action then touches, queue.show headers, queue.showBody
 * for the system tier only (audited, helpdesk refused), flush, requeue, and delete with and without
 * bounce surviving a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rpcErrorCodes } from '../../../../../agent/common/contract/json-rpc.js';
import type { Caller } from '../../../../../agent/control/caller-key-cache.js';
import type { DeliveryDestination } from '../../../../../agent/mail/director/queue/delivery-transport.js';
import { makeTempDir, removeTempDir } from '../../store/maildir/maildir-test-support.js';
import { QueueRpcHarness } from './queue-rpc-harness.js';

const total = 5_200;
const base = 1_700_000_000_000;
const domains = ['alpha.example', 'beta.example', 'gamma.example'] as const;
const day = 86_400_000;
const helpdesk: Caller = { kind: 'helpdesk', id: 'hd' };
const system: Caller = { kind: 'system', id: 'root-admin' };

/** How message i was made: received i seconds after `base`, to u(i%50)@domain(i%3). */
function made(i: number) {
  const domain = domains[i % 3] as string;
  return { domain, to: `u${i % 50}@${domain}`, sender: `s${i % 7}@outside.example`, at: base + i * 1000 };
}

const destinationOf = (domain: string): DeliveryDestination | undefined =>
  domain === 'gamma.example'
    ? undefined
    : {
        key: domain === 'alpha.example' ? 'lmtp:store01' : 'lmtp:store02',
        logicalStore: domain === 'alpha.example' ? 'store01' : 'store02',
        host: '127.0.0.1',
        port: 1,
        protocol: 'lmtp',
      };

interface Listed {
  entries: { id: string; recipients: { address: string; attempts: number; destination?: string }[] }[];
  total: number;
}

describe('queue operations on 5,200 queued messages', () => {
  let root: string;
  let harness: QueueRpcHarness;
  let now = base;
  const ids: string[] = [];
  const delivered: string[] = [];
  let failStores = true;
  const logs: Record<string, unknown>[] = [];

  const list = async (filter: Record<string, unknown>, caller = helpdesk): Promise<Listed> => {
    const answer = await harness.call(caller, 'queue.list', { ...filter, limit: 2000 });
    expect(answer.error).toBeUndefined();
    return answer.result as unknown as Listed;
  };
  const expected = (test: (i: number) => boolean) => ids.filter((_id, i) => test(i)).length;
  const age = (i: number) => now - made(i).at;

  beforeAll(async () => {
    root = await makeTempDir('queue-admin-');
    harness = new QueueRpcHarness(root, {
      clock: { now: () => now },
      // Long and growing: nothing falls due by itself while the test moves the clock.
      backoff: { firstMs: day, maxMs: 30 * day },
      log: (_level, message, fields) => logs.push({ message, ...fields }),
      route: async (address) => {
        const destination = destinationOf(address.slice(address.indexOf('@') + 1));
        return destination
          ? { kind: 'deliver', destination }
          : { kind: 'defer', reason: 'routing failed: 4.4.3 directory unreachable' };
      },
      transports: {
        lmtp: {
          deliver: async (destination, message, addresses) => {
            if (!failStores) {
              delivered.push(message.id);
              return addresses.map((address) => ({ address, outcome: 'delivered', reason: '250 2.0.0 ok' }));
            }
            const reason =
              destination.key === 'lmtp:store01' ? '452 4.2.2 Mailbox full' : '421 4.3.2 store busy';
            return addresses.map((address) => ({ address, outcome: 'deferred', reason }));
          },
        },
      },
    });
    await harness.start();
    const queue = harness.queue;
    if (!queue) throw new Error('no queue');
    for (let start = 0; start < total; start += 200) {
      const batch = [];
      for (let i = start; i < Math.min(total, start + 200); i++) {
        const { to, sender, at } = made(i);
        now = at;
        // enqueue reads the clock before its first await, so each message keeps its own time.
        batch.push(
          queue.enqueue({
            sender,
            recipients: [{ address: to, original: to }],
            content: Buffer.from(
              `From: ${sender}\r\nTo: ${to}\r\nSubject: =?UTF-8?B?${Buffer.from(`会議 ${i}`).toString('base64')}?=\r\n` +
                `Received: from a\r\n by b\r\n\r\nbody of message ${i}\r\n`,
            ),
          }),
        );
      }
      ids.push(...(await Promise.all(batch)));
    }
    await queue.settled();
    now = base + total * 1000;
    await queue.hold({ user: 'u7@beta.example' });
  }, 120_000);

  afterAll(async () => {
    await harness.stop();
    await removeTempDir(root);
  });

  it('filters by sender, recipient, domain, destination, age, reason, state and held', async () => {
    expect((await list({})).total).toBe(total);
    expect((await list({ domain: 'BETA.example' })).total).toBe(expected((i) => i % 3 === 1));
    expect((await list({ destination: 'lmtp:store01' })).total).toBe(expected((i) => i % 3 === 0));
    // gamma recipients were never routed anywhere: no destination to match.
    expect((await list({ destination: 'lmtp:store03' })).total).toBe(0);
    expect((await list({ reason: 'mailbox FULL' })).total).toBe(expected((i) => i % 3 === 0));
    expect((await list({ reason: '4.4.3' })).total).toBe(expected((i) => i % 3 === 2));
    expect((await list({ olderThanSeconds: 3600 })).total).toBe(expected((i) => age(i) >= 3_600_000));
    expect((await list({ youngerThanSeconds: 600 })).total).toBe(expected((i) => age(i) < 600_000));
    expect((await list({ sender: 's3@', olderThanSeconds: 1000, domain: 'gamma.example' })).total).toBe(
      expected((i) => i % 7 === 3 && age(i) >= 1_000_000 && i % 3 === 2),
    );
    expect((await list({ recipient: 'u7@beta' })).total).toBe(
      expected((i) => made(i).to === 'u7@beta.example'),
    );
    expect((await list({ held: true })).total).toBe(expected((i) => made(i).to === 'u7@beta.example'));
    expect((await list({ held: false })).total).toBe(expected((i) => made(i).to !== 'u7@beta.example'));
    expect((await list({ state: 'deferred' })).total).toBe(total);
    expect((await list({ state: 'pending' })).total).toBe(0);
    const bad = await harness.call(helpdesk, 'queue.list', { state: 'lost' });
    expect(bad.error?.code).toBe(rpcErrorCodes.invalidParams);
  });

  it('pages through every match once, oldest first', async () => {
    const seen: string[] = [];
    for (let offset = 0; ; offset += 700) {
      const page = (
        await harness.call(helpdesk, 'queue.list', { domain: 'alpha.example', offset, limit: 700 })
      ).result as unknown as Listed;
      if (page.entries.length === 0) break;
      seen.push(...page.entries.map((e) => e.id));
    }
    expect(seen).toEqual(ids.filter((_id, i) => i % 3 === 0));
  });

  it('shows envelope, recipients and decoded headers; the body only to the system tier, audited', async () => {
    const id = ids[42] as string;
    const shown = await harness.call(helpdesk, 'queue.show', { id });
    expect(shown.result).toMatchObject({
      entry: {
        id,
        sender: 's0@outside.example',
        recipients: [{ address: 'u42@alpha.example', state: 'deferred' }],
      },
      subject: '会議 42',
      headersTruncated: false,
    });
    const headers = shown.result?.headers as { name: string; value: string }[];
    expect(headers.map((h) => h.name)).toEqual(['From', 'To', 'Subject', 'Received']);
    expect(headers[3]?.value).toBe('from a by b');
    expect(JSON.stringify(shown.result)).not.toContain('body of message');
    expect((await harness.call(helpdesk, 'queue.show', { id, body: true })).error?.code).toBe(
      rpcErrorCodes.invalidParams,
    );
    const refused = await harness.call(helpdesk, 'queue.showBody', { id });
    expect(refused.error?.code).toBe(rpcErrorCodes.forbidden);
    const body = await harness.call(system, 'queue.showBody', { id });
    expect(body.result).toEqual({ id, body: 'body of message 42\r\n', bodyBytes: 20, truncated: false });
    expect((await harness.call(helpdesk, 'queue.show', { id: 'nosuchid' })).error?.code).toBe(
      rpcErrorCodes.notFound,
    );
    const audited = (await harness.audit.tail(10)).map((e) => [e.method, e.caller.kind, e.outcome]);
    expect(audited).toContainEqual(['queue.showBody', 'helpdesk', 'denied']);
    expect(audited).toContainEqual(['queue.showBody', 'system', 'ok']);
    expect(audited.some(([method]) => method === 'queue.show')).toBe(false);
  });

  it('flush and requeue by filter: dryRun counts what the action then touches', async () => {
    const filter = { destination: 'lmtp:store02', olderThanSeconds: 4000 };
    const wanted = expected((i) => i % 3 === 1 && age(i) >= 4_000_000);
    const dry = await harness.call(helpdesk, 'queue.flush', { filter, dryRun: true });
    expect(dry.result).toEqual({ messages: wanted, recipients: wanted, dryRun: true });
    expect((await list({ ...filter })).entries.every((e) => e.recipients[0]?.attempts === 1)).toBe(true);
    const flushed = await harness.call(helpdesk, 'queue.flush', { filter });
    expect(flushed.result).toEqual({ messages: wanted, recipients: wanted, dryRun: false });
    await harness.queue?.settled();
    // Held mail stays held: the flush attempted the others again (attempts 2), not u7@beta.
    const after = await list({ ...filter });
    for (const entry of after.entries) {
      expect(entry.recipients[0]?.attempts).toBe(entry.recipients[0]?.address === 'u7@beta.example' ? 1 : 2);
    }
    const requeued = await harness.call(helpdesk, 'queue.requeue', { ids: [ids[1], ids[4]], filter });
    expect(requeued.result?.messages).toBe([1, 4].filter((i) => age(i) >= 4_000_000).length);
    const dryRequeue = await harness.call(helpdesk, 'queue.requeue', {
      filter: { domain: 'alpha.example' },
      dryRun: true,
    });
    expect(dryRequeue.result?.messages).toBe(expected((i) => i % 3 === 0));
    const flushAudit = (await harness.audit.tail(10)).filter((e) => e.method === 'queue.flush');
    expect(flushAudit).toHaveLength(2);
  });

  it('requeue resets the backoff and re-routes at once', async () => {
    const id = ids[3] as string;
    const recipient = () => harness.queue?.entry(id)?.recipients[0];
    await harness.call(helpdesk, 'queue.flush', { ids: [id] });
    await harness.queue?.settled();
    // A flush keeps counting: the second failure waits twice the first delay.
    expect(recipient()).toMatchObject({ attempts: 2, nextAttemptAt: now + 2 * day });
    await harness.call(helpdesk, 'queue.requeue', { ids: [id] });
    await harness.queue?.settled();
    expect(recipient()).toMatchObject({ attempts: 1, nextAttemptAt: now + day });
    failStores = false;
    const answer = await harness.call(helpdesk, 'queue.requeue', { ids: [id] });
    expect(answer.result).toEqual({ messages: 1, recipients: 1, dryRun: false });
    await harness.queue?.settled();
    expect(delivered).toEqual([id]);
    expect(harness.queue?.entry(id)).toBeUndefined();
    failStores = true;
  });

  it('delete is system-only, needs a target, and with or without bounce stays deleted after a restart', async () => {
    const filter = { domain: 'gamma.example', olderThanSeconds: 4000 };
    expect((await harness.call(helpdesk, 'queue.delete', { filter, bounce: false })).error?.code).toBe(
      rpcErrorCodes.forbidden,
    );
    expect((await harness.call(system, 'queue.delete', { bounce: false })).error?.code).toBe(
      rpcErrorCodes.invalidParams,
    );
    expect((await harness.call(system, 'queue.delete', { filter: {}, bounce: true })).error?.code).toBe(
      rpcErrorCodes.invalidParams,
    );
    const silent = ids.filter((_id, i) => i % 3 === 2 && age(i) >= 4_000_000);
    const dry = await harness.call(system, 'queue.delete', { filter, bounce: false, dryRun: true });
    expect(dry.result).toEqual({ messages: silent.length, recipients: silent.length, dryRun: true });
    expect((await list({ domain: 'gamma.example' })).total).toBe(expected((i) => i % 3 === 2));
    const deleted = await harness.call(system, 'queue.delete', { filter, bounce: false });
    expect(deleted.result).toEqual({ messages: silent.length, recipients: silent.length, dryRun: false });

    const bounced = [ids[6], ids[10]] as string[];
    const answer = await harness.call(system, 'queue.delete', { ids: bounced, bounce: true });
    expect(answer.result).toEqual({ messages: 2, recipients: 2, dryRun: false });
    expect(harness.queue?.entry(bounced[0] as string)).toBeUndefined();

    await harness.queue?.stop();
    await harness.startQueue();
    // Each message deleted with a bounce left a bounce DSN to its sender (from <>) in the queue.
    const dsns = [...(harness.queue?.entriesView() ?? [])].filter((e) => e.sender === '');
    expect(dsns.map((e) => e.recipients.map((r) => r.address))).toHaveLength(bounced.length);
    const dsnIds = new Set(dsns.map((e) => e.id));
    const remaining = new Set((await allIds()).filter((id) => !dsnIds.has(id)));
    for (const id of [...silent, ...bounced]) expect(remaining.has(id)).toBe(false);
    expect(remaining.size).toBe(total - silent.length - bounced.length - delivered.length);
    // Recorded bounced through the queue's durable record path, with who deleted them.
    const bounceLogs = logs.filter((l) => l.message === 'recipient bounced');
    expect(bounceLogs.map((l) => l.id)).toEqual(bounced);
    expect(bounceLogs[0]?.reason).toBe('5.0.0 deleted by root-admin (system administrator)');
    const audit = (await harness.audit.tail(20)).filter((e) => e.method === 'queue.delete');
    // The dry run is marked, so no one reading the log counts it as a deletion.
    expect(audit.map((e) => [e.caller.kind, e.outcome, e.dryRun ?? false])).toEqual([
      ['helpdesk', 'denied', false],
      ['system', 'error', false],
      ['system', 'error', false],
      ['system', 'ok', true],
      ['system', 'ok', false],
      ['system', 'ok', false],
    ]);
  });

  async function allIds(): Promise<string[]> {
    const found: string[] = [];
    for (let offset = 0; ; offset += 2000) {
      const page = (await harness.call(helpdesk, 'queue.list', { offset, limit: 2000 }))
        .result as unknown as Listed;
      if (page.entries.length === 0) return found;
      found.push(...page.entries.map((e) => e.id));
    }
  }
});
