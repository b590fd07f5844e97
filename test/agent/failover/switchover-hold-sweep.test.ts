/**
 * A switch-over whose job's node dies for good while the directors hold the store
 * (docs/failover.md, "What a crash at each step leaves"): store01 switches store01 over to
 * spare01 (planned, `failover.switch`), the agents pause 3 s after each journaled step, and store01
 * is killed with SIGKILL once the switch-over holds the store (`switch-ship`) and never started
 * again. Mail sent through the director meanwhile is held there. While the directory still says
 * `switching`, the director's sweep keeps the hold (checked at the sweep of its restart); once a
 * system admin settles the store (written `failed`, as a fence, then failed over to spare01, which
 * holds its replica), the director's own sweep releases the hold, without `queue release`, and
 * every message it accepted is in its user's INBOX exactly once, read through the proxy.
 */
import { describe, expect, it } from 'vitest';
import { abandonSwitchOver } from '../../../main/core/failover/abandon-switch-over.js';
import type { FleetClient } from '../../../main/core/fleet-client.js';
import { eventually } from '../replication/replication-fleet.js';
import {
  everyMessageOnce,
  failOver,
  failoverFleet,
  finished,
  journaled,
  store01Protected,
  users,
} from './failover-helpers.js';

const fleet = failoverFleet({ failover: { stepPauseMs: 3000 } });

/** Calls to the fleet's agents, one connection each, as the console's fleet client makes them. */
const nodeCalls = {
  call: async (node: string, method: string, params: unknown) => {
    const rpc = await fleet().rpc(node as 'store01');
    try {
      return await rpc.client.call(method as 'failover.list', params as Record<string, never>);
    } finally {
      rpc.close();
    }
  },
} as unknown as Pick<FleetClient, 'call'>;

/** Whether the director's queue holds store01, and how many messages it has. */
async function directorQueue(): Promise<{ storeHeld: boolean; messages: number }> {
  const rpc = await fleet().rpc('director01');
  try {
    const summary = await rpc.client.call('queue.summary', {});
    return {
      storeHeld: summary.holds.some((h) => 'logicalStore' in h && h.logicalStore === 'store01'),
      messages: summary.messages,
    };
  } finally {
    rpc.close();
  }
}

/** The director's switch-over sweep lines about store01 (its `failover` log) since it started. */
const sweepLines = (verb: 'keeping' | 'releasing') =>
  fleet()
    .moduleLog('director01', 'failover')
    .filter((line) => String(line.msg).startsWith(`${verb} the hold of store01`));

/** Sends `count` messages through the director; the ids it accepted (250). */
async function send(prefix: string, count: number): Promise<string[]> {
  const accepted: string[] = [];
  for (let n = 0; n < count; n++) {
    const id = `${prefix}-${n}@failover.test`;
    if (await fleet().send(users[n % users.length]!, id)) accepted.push(id);
  }
  return accepted;
}

describe('a switch-over whose job node never comes back', () => {
  it('keeps the hold while the store says switching and releases it at the sweep once it is settled', async () => {
    await store01Protected();
    const before = await send('before', 8);

    await fleet().writer.setFailoverNode('store01', 'store01');
    const rpc = await fleet().rpc('store01');
    const { job } = await rpc.client
      .call('failover.switch', { store: 'store01', spare: 'spare01' })
      .finally(() => rpc.close());
    // The directors hold the store from `switch-hold`; the job pauses 3 s after journaling the next step.
    await journaled('store01', job.job, 'switch-ship');
    // Not abandoned while its node answers: the job finishes or rolls back on its own.
    await expect(abandonSwitchOver(fleet().writer, nodeCalls, 'store01')).rejects.toThrow(
      `store01 answers and runs the switch-over of store01 (job ${job.job}, step switch-ship): it finishes the switch-over or rolls it back on its own; nothing changed`,
    );
    await fleet().kill('store01');
    const switching = await fleet().writer.getLogicalStore('store01');
    expect(switching).toMatchObject({ state: 'switching', servedBy: 'store01' });

    // Accepted by the director and held in its durable queue.
    const held = await send('held', 8);
    expect(held).toHaveLength(8);
    expect(await directorQueue()).toEqual({ storeHeld: true, messages: 8 });

    // The director restarted: its sweep at start finds the store still switching and keeps the hold.
    await fleet().kill('director01');
    await fleet().start('director01');
    await eventually(async () => (sweepLines('keeping').length > 0 ? true : undefined));
    expect(sweepLines('keeping')[0]?.msg).toBe(
      `keeping the hold of store01 placed by switch-over ${job.job}: the directory shows store01 switching at epoch ${switching?.epoch}`,
    );
    expect(sweepLines('releasing')).toEqual([]);
    expect(await directorQueue()).toEqual({ storeHeld: true, messages: 8 });

    // A system admin settles the store (`mailfleet failover store01 --abandon-switch-over`): written
    // `failed` at the next epoch (as a fence writes it), then failed over to spare01, which holds its
    // replica. Nobody runs `queue release`.
    const epoch = switching?.epoch ?? 0;
    const failed = await abandonSwitchOver(fleet().writer, nodeCalls, 'store01');
    expect(failed).toMatchObject({ state: 'failed', epoch: epoch + 1, servedBy: 'store01' });
    const failover = await failOver('store01', 'spare01');
    await finished('spare01', failover.job);

    // The director's minute sweep releases the hold, in words, and the held mail flows.
    const released = await eventually(async () => sweepLines('releasing')[0], 1000);
    expect(released.msg).toMatch(
      new RegExp(
        `^releasing the hold of store01 placed by switch-over ${job.job} \\d+ min ago: the directory shows store01 (failed on store01|serving on spare01) at epoch \\d+, so the switch-over is over; its held mail goes there now$`,
      ),
    );
    expect((await directorQueue()).storeHeld).toBe(false);
    await everyMessageOnce([...before, ...held]);
    expect(await fleet().writer.getLogicalStore('store01')).toMatchObject({
      servedBy: 'spare01',
      state: 'serving',
    });
  }, 900_000);
});
