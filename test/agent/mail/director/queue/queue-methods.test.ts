/** The queue RPCs through the real dispatcher (tiers, params parsing, audit) on a real MailQueue. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rpcErrorCodes } from '../../../../../agent/common/contract/json-rpc.js';
import type { Caller } from '../../../../../agent/control/caller-key-cache.js';
import { makeTempDir, removeTempDir } from '../../store/maildir/maildir-test-support.js';
import { QueueRpcHarness } from './queue-rpc-harness.js';

describe('queue RPCs', () => {
  let root: string;
  let harness: QueueRpcHarness;
  let now = 5_000;
  const call = (caller: Caller, method: string, params: unknown = {}) => harness.call(caller, method, params);
  const helpdesk: Caller = { kind: 'helpdesk', id: 'hd' };

  beforeEach(async () => {
    now = 5_000;
    root = await makeTempDir('queue-rpc-');
    // Every delivery is deferred, so queued mail stays for the listing.
    harness = new QueueRpcHarness(root, {
      clock: { now: () => now },
      route: async () => ({ kind: 'defer', reason: '4.3.0 test: store unreachable' }),
      transports: {
        lmtp: {
          deliver: () => {
            throw new Error('not used in this test');
          },
        },
      },
      // The clock jumps a day: no delay DSNs in the listing.
      notices: { delayWarningAfterMs: 0 },
    });
    await harness.start();
  });
  afterEach(async () => {
    await harness.stop();
    await removeTempDir(root);
  });

  it('summarises, lists with filters and paging, holds and releases (audited)', async () => {
    const hour = 3_600_000;
    for (const [to, at] of [
      ['alice@alpha.example', 5_000],
      ['bob@beta.example', 5_000 + 1.5 * hour],
      ['alice@alpha.example', 5_000 + 25 * hour],
    ] as const) {
      now = at;
      await harness.queue?.enqueue({
        sender: 'x@outside.example',
        recipients: [{ address: to, original: to }],
        content: Buffer.from('Subject: q\r\n\r\nq\r\n'),
      });
    }
    await harness.queue?.settled();
    const held = await call(helpdesk, 'queue.hold', { hold: { user: 'alice@alpha.example' } });
    expect(held.result).toEqual({ holds: [{ user: 'alice@alpha.example' }] });
    const summary = await call(helpdesk, 'queue.summary');
    expect(summary.result).toMatchObject({ messages: 3, recipients: { pending: 0, deferred: 1, held: 2 } });
    now += 60_000;
    expect((await call(helpdesk, 'queue.summary')).result?.ages).toEqual({
      '<5m': 1,
      '<1h': 0,
      '<4h': 0,
      '<1d': 1,
      '>=1d': 1,
    });
    const list = await call(helpdesk, 'queue.list', { recipient: 'ALICE@', limit: 1 });
    const entries = list.result?.entries as {
      recipients: { held: boolean; state: string; lastReason: string }[];
    }[];
    expect(list.result?.total).toBe(2);
    expect(entries).toHaveLength(1);
    expect(entries[0]?.recipients[0]).toMatchObject({
      held: true,
      state: 'deferred',
      lastReason: '4.3.0 test: store unreachable',
    });
    const released = await call({ kind: 'system', id: 'sys' }, 'queue.release', {
      hold: { user: 'alice@alpha.example' },
    });
    expect(released.result).toEqual({ released: true, holds: [] });
    const entriesAudited = (await harness.audit.tail(10)).map((e) => [e.method, e.caller.kind, e.outcome]);
    expect(entriesAudited).toEqual([
      ['queue.hold', 'helpdesk', 'ok'],
      ['queue.release', 'system', 'ok'],
    ]);
  });

  it('refuses domain admins and peers, malformed holds, and nodes without a queue', async () => {
    const denied = await call({ kind: 'domain', id: 'dom' }, 'queue.hold', {
      hold: { logicalStore: 'store01' },
    });
    expect(denied.error?.code).toBe(rpcErrorCodes.forbidden);
    expect((await call({ kind: 'peer', id: 'store01' }, 'queue.list')).error?.code).toBe(
      rpcErrorCodes.forbidden,
    );
    const twoKinds = await call(helpdesk, 'queue.hold', {
      hold: { user: 'a@b.example', logicalStore: 'store01' },
    });
    expect(twoKinds.error?.code).toBe(rpcErrorCodes.invalidParams);
    expect((await call(helpdesk, 'queue.hold', { hold: { logicalStore: '../etc' } })).error?.code).toBe(
      rpcErrorCodes.invalidParams,
    );
    expect(harness.queue?.listHolds()).toEqual([]);
    await harness.queue?.stop();
    harness.queue = undefined;
    expect((await call(helpdesk, 'queue.summary')).error?.code).toBe(rpcErrorCodes.notFound);
  });
});
