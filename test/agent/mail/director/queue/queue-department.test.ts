/**
 * A department (domain-tier) admin's read-only view of a director's queue, through the real
 * dispatcher on a real MailQueue: only messages with a sender or recipient in its domains, only its
 * own recipients of a message another domain sent, and every queue action refused.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rpcErrorCodes } from '../../../../../agent/common/contract/json-rpc.js';
import type { Caller } from '../../../../../agent/control/caller-key-cache.js';
import { makeTempDir, removeTempDir } from '../../store/maildir/maildir-test-support.js';
import { QueueRpcHarness } from './queue-rpc-harness.js';

describe('a department admin and the queue', () => {
  let root: string;
  let harness: QueueRpcHarness;
  const alphaAdmin: Caller = { kind: 'domain', id: 'alpha-admin' };
  const helpdesk: Caller = { kind: 'helpdesk', id: 'hd' };
  const ids: Record<string, string> = {};

  beforeEach(async () => {
    root = await makeTempDir('queue-department-');
    harness = new QueueRpcHarness(
      root,
      {
        clock: { now: () => 5_000 },
        route: async () => ({ kind: 'defer', reason: '4.4.1 store01: connection refused' }),
        transports: {
          lmtp: {
            deliver: () => {
              throw new Error('not used in this test');
            },
          },
        },
        notices: { delayWarningAfterMs: 0 },
      },
      { 'alpha-admin': ['alpha.example'] },
    );
    await harness.start();
    const messages = {
      toAlpha: { sender: 'x@outside.example', to: ['carol@alpha.example'] },
      toBeta: { sender: 'x@outside.example', to: ['dave@beta.example'] },
      fromAlpha: { sender: 'carol@alpha.example', to: ['someone@outside.example'] },
      toBoth: { sender: 'x@outside.example', to: ['carol@alpha.example', 'dave@beta.example'] },
    };
    for (const [name, message] of Object.entries(messages)) {
      const queued = await harness.queue?.enqueue({
        sender: message.sender,
        recipients: message.to.map((address) => ({ address, original: address })),
        content: Buffer.from(
          `From: ${message.sender}\r\nTo: ${message.to.join(', ')}\r\nSubject: ${name}\r\n\r\nbody\r\n`,
        ),
      });
      ids[name] = String(queued);
    }
    await harness.queue?.settled();
  });
  afterEach(async () => {
    await harness.stop();
    await removeTempDir(root);
  });

  it("lists its domains' messages only, with its own recipients and the reason in the queue's words", async () => {
    const staff = await harness.call(helpdesk, 'queue.list', {});
    expect(staff.result?.total).toBe(4);
    const listed = await harness.call(alphaAdmin, 'queue.list', {});
    const entries = listed.result?.entries as {
      id: string;
      sender: string;
      recipients: { address: string }[];
    }[];
    expect(listed.result?.total).toBe(3);
    expect(entries.map((e) => e.id).sort()).toEqual([ids.toAlpha, ids.fromAlpha, ids.toBoth].sort());
    // beta.example's user on the shared message stays hidden; alpha's own outgoing mail shows all.
    const both = entries.find((e) => e.id === ids.toBoth);
    expect(both?.recipients.map((r) => r.address)).toEqual(['carol@alpha.example']);
    const sent = entries.find((e) => e.id === ids.fromAlpha);
    expect(sent?.recipients.map((r) => r.address)).toEqual(['someone@outside.example']);
    expect(JSON.stringify(listed.result)).not.toContain('beta.example');
    expect(JSON.stringify(listed.result)).toContain('4.4.1 store01: connection refused');
    // Its filters match only what it may see: the other department's user on the shared message is not found.
    const probe = await harness.call(alphaAdmin, 'queue.list', { recipient: 'dave@beta.example' });
    expect(probe.result?.total).toBe(0);
    expect(
      (await harness.call(helpdesk, 'queue.list', { recipient: 'dave@beta.example' })).result?.total,
    ).toBe(2);
    // Naming the other department's domain in the filter is refused outright.
    const other = await harness.call(alphaAdmin, 'queue.list', { domain: 'beta.example' });
    expect(other.error?.code).toBe(rpcErrorCodes.forbidden);
  });

  it("shows its own message without To/Cc, and another department's as not there", async () => {
    const shown = await harness.call(alphaAdmin, 'queue.show', { id: ids.toBoth });
    expect(shown.result?.subject).toBe('toBoth');
    expect(JSON.stringify(shown.result)).not.toContain('beta.example');
    const staffView = await harness.call(helpdesk, 'queue.show', { id: ids.toBoth });
    expect(JSON.stringify(staffView.result)).toContain('dave@beta.example');
    const hidden = await harness.call(alphaAdmin, 'queue.show', { id: ids.toBeta });
    expect(hidden.error).toEqual({
      code: rpcErrorCodes.notFound,
      message: `no queued message ${ids.toBeta}`,
    });
    const absent = await harness.call(alphaAdmin, 'queue.show', { id: 'no-such-id' });
    expect(absent.error).toEqual({ code: rpcErrorCodes.notFound, message: 'no queued message no-such-id' });
  });

  it('is refused every queue action and the summary, even on its own mail', async () => {
    const target = { ids: [ids.toAlpha] };
    for (const [method, params] of [
      ['queue.summary', {}],
      ['queue.hold', { hold: { user: 'carol@alpha.example' } }],
      ['queue.release', { hold: { user: 'carol@alpha.example' } }],
      ['queue.flush', target],
      ['queue.requeue', target],
      ['queue.delete', { ...target, bounce: false }],
      ['queue.showBody', { id: ids.toAlpha }],
    ] as const) {
      const answer = await harness.call(alphaAdmin, method, params);
      expect(answer.error?.code, method).toBe(rpcErrorCodes.forbidden);
    }
    expect((await harness.call(helpdesk, 'queue.list', {})).result?.total).toBe(4);
  });
});
