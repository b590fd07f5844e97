/**
 * A plan or a start of a big batch waits for its answer as long as the agent needs for that many
 * users (the agent looks each one up and asks its source for figures), not the console's 10 s for
 * one call: a drain of a 1,150-user store timed out in the move bench and left the console not
 * knowing whether the batch had begun. Driven through the console core's fleet seam and NodeLink's
 * connector seam, recording what reaches the RPC connection.
 */
import { describe, expect, it } from 'vitest';
import type { ServerEntry } from '../../../../agent/common/directory/fleet-entries.js';
import {
  batchCallTimeoutMs,
  type MoveFleet,
  planMove,
  startMove,
} from '../../../../main/core/moves/fleet-moves.js';
import { type AgentConnection, type CallOptions, NodeLink } from '../../../../main/core/node-link.js';
import { storeServerEntry } from '../../../support/server-entry.js';

const users = Array.from({ length: 1150 }, (_, i) => `user${i}@eng.univ.example`);

describe('the answer timeout of a batch', () => {
  it('grows with the batch for move.plan and move.start, and stays 10 s and more for one user', async () => {
    const asked: Array<{ node: string; method: string; options?: CallOptions }> = [];
    const fleet = {
      fleet: {
        call: async (node: string, method: string, _params: unknown, options?: CallOptions) => {
          asked.push({ node, method, ...(options ? { options } : {}) });
          return {};
        },
      },
      directory: { getLogicalStore: async () => ({ name: 'store07', servedBy: 'node07' }) },
    } as unknown as MoveFleet;
    await planMove(fleet, users, 'store07');
    await startMove(fleet, { users, to: 'store07' } as Parameters<typeof startMove>[1]);
    expect(asked.map((a) => [a.node, a.method])).toEqual([
      ['node07', 'move.plan'],
      ['node07', 'move.start'],
    ]);
    for (const a of asked) expect(a.options?.timeoutMs).toBe(batchCallTimeoutMs(1150));
    expect(batchCallTimeoutMs(1150)).toBeGreaterThanOrEqual(120_000);
    expect(batchCallTimeoutMs(1)).toBeGreaterThanOrEqual(10_000);
  });

  it('reaches the agent connection through the node link', async () => {
    const server: ServerEntry = storeServerEntry('store07');
    const seen: Array<CallOptions | undefined> = [];
    const connection: AgentConnection = {
      call: (async (method: string, _params: unknown, options?: CallOptions) => {
        if (method === 'node.info') return { role: 'store' };
        seen.push(options);
        return {};
      }) as AgentConnection['call'],
      onSample: () => {},
      closed: new Promise(() => {}),
      close: () => {},
    };
    const link = new NodeLink(server, {
      connector: async () => connection,
      subscribe: false,
      backoff: { initialMs: 10, maxMs: 20 },
      onChange: () => {},
    });
    link.start();
    for (let i = 0; i < 400 && link.state !== 'connected'; i++) await new Promise((r) => setTimeout(r, 5));
    expect(link.state).toBe('connected');
    await link.call('move.list', {}, { timeoutMs: 123_000 });
    await link.call('move.list', {});
    expect(seen).toEqual([{ timeoutMs: 123_000 }, undefined]);
    link.stop();
  });
});
