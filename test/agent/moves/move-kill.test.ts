/**
 * Kill -9 during a move, of each node that takes part, at each phase: the source store, the target
 * store and the director, killed with SIGKILL during the bulk copy, during a catch-up round, in the
 * cutover before the flip (holds in place, the copy verified) and just after the flip (holds not
 * yet released), then started again. Real agent processes (the compiled mailfleet-agent); mail
 * keeps arriving through the director all along. After each move settles:
 *
 * - the job resumed and is done (retries and abandoned cutovers absorb the restarts), the user's
 *   mailHost is the target;
 * - every message the director accepted (250) is in the mailbox on that store exactly once, by
 *   Message-ID, the ones from before the move too; the other store has no live mailbox;
 * - the move lock is gone, mailboxState is active, the director holds nothing (queue holds, its
 *   cutover record) and the source holds nothing for a cutover.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MoveEvent, MoveJob } from '../../../agent/common/contract/move-contract.js';
import type { RpcConnection } from '../../../agent/common/rpc/connect-rpc.js';
import { type CompiledAgent, compileAgent } from '../../support/compiled-agent.js';
import {
  type CrashFleet,
  type CrashNode,
  crashUser,
  cutoverHoldsFile,
  readNodeJson,
  sourceHoldsFile,
  startCrashFleet,
} from './move-crash-fleet.js';

type Moment = 'copy' | 'catch-up' | 'cutover before the flip' | 'after the flip';
const moments: Record<Moment, (job: MoveJob, events: MoveEvent[]) => boolean> = {
  copy: (job) => job.phase === 'copy' && job.progress.bytesCopied > 100_000,
  'catch-up': (job) => job.phase === 'catch-up',
  // The pause after "verified": holds in place everywhere, the copy not yet installed.
  'cutover before the flip': (job, events) =>
    job.phase === 'cutover' && events.some((e) => e.text.startsWith('verified')),
  // The pause after the flip: the director still holds the mail.
  'after the flip': (job) => job.phase === 'finishing',
};
const victims: CrashNode[] = ['store01', 'store02', 'director01'];
const seedMessages = 60;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let compiled: CompiledAgent;
let fleet: CrashFleet;
const scenarios = (Object.keys(moments) as Moment[]).flatMap((moment) =>
  victims.map((victim) => ({ moment, victim })),
);

beforeAll(async () => {
  compiled = await compileAgent();
  fleet = await startCrashFleet(compiled, scenarios.length);
  // Each user's mailbox before the move: 60 messages of 20 KB (1.2 MB: a few seconds at 400 kB/s).
  for (let i = 0; i < seedMessages; i++)
    await Promise.all(
      scenarios.map((_, n) =>
        fleet.send(crashUser(n + 1), `seed-${i}@crash.test`, 20_000).then((ok) => expect(ok).toBe(true)),
      ),
    );
  const director = await fleet.rpc('director01');
  for (;;) {
    if ((await director.client.call('queue.summary', {})).messages === 0) break;
    await sleep(200);
  }
  director.close();
}, 300_000);

afterAll(async () => {
  await fleet?.stop();
  await compiled?.remove();
});

/** Message-IDs of the messages in a director's queue spool (read while it is down). */
async function queuedMessageIds(dataDir: string): Promise<string[]> {
  const spool = join(dataDir, 'queue', 'messages');
  const ids: string[] = [];
  for (const name of await readdir(spool).catch(() => [])) {
    if (!name.endsWith('.msg')) continue;
    const text = await readFile(join(spool, name), 'latin1').catch(() => '');
    const match = /^Message-ID: <([^>]+)>/im.exec(text);
    if (match) ids.push(match[1]!);
  }
  return ids;
}

/** move.show on the target, across its restarts. */
async function show(connection: { current?: RpcConnection }, job: string) {
  for (;;) {
    try {
      connection.current ??= await fleet.rpc('store02');
      return await connection.current.client.call('move.show', { job });
    } catch {
      connection.current?.close();
      connection.current = undefined;
      await sleep(200);
    }
  }
}

describe('kill -9 during a move', () => {
  it.each(scenarios.map((s, i) => ({ ...s, user: crashUser(i + 1) })))(
    'of $victim during $moment: the move resumes to its end, no message lost or doubled, one mailHost, no hold left',
    async ({ moment, victim, user }) => {
      const accepted: string[] = [];
      let sending = true;
      const sender = (async () => {
        for (let k = 0; sending; k++) {
          const id = `during-${k}-${user}`;
          if (await fleet.send(user, id)) accepted.push(id);
          await sleep(60);
        }
      })();

      const target: { current?: RpcConnection } = {};
      target.current = await fleet.rpc('store02');
      const { jobs } = await target.current.client.call('move.start', {
        users: [user],
        to: 'store02',
        bandwidthBytesPerSecond: 400_000,
      });
      const job = jobs[0]!.job;
      for (;;) {
        const { job: state, events } = await show(target, job);
        if (moments[moment](state, events)) break;
        expect(['done', 'failed', 'cancelled']).not.toContain(state.phase);
        await sleep(50);
      }
      if (victim === 'store02') {
        target.current?.close();
        target.current = undefined;
      }
      await fleet.kill(victim);
      const owedAtKill = victim === 'director01' ? await queuedMessageIds(fleet.dataDir('director01')) : [];
      await sleep(300);
      await fleet.start(victim);

      let final: MoveJob;
      for (;;) {
        final = (await show(target, job)).job;
        if (['done', 'failed', 'cancelled'].includes(final.phase)) break;
        await sleep(200);
      }
      sending = false;
      await sender;
      target.current?.close();

      // Everything the director accepted has reached a store (held mail was released). Mail the
      // killed store deferred is flushed, as an administrator would once it is back.
      const director = await fleet.rpc('director01');
      try {
        for (let tries = 0; ; tries++) {
          if (tries % 10 === 0) await director.client.call('queue.flush', {});
          const summary = await director.client.call('queue.summary', {});
          if (summary.messages === 0) {
            expect(summary.holds).toEqual([]);
            break;
          }
          await sleep(200);
        }
      } finally {
        director.close();
      }
      expect(final.phase, final.error ?? final.result).toBe('done');
      const entry = await fleet.writer.findUserByAddress(user);
      expect(entry).toMatchObject({ mailHost: 'store02', mailboxState: 'active' });
      expect(entry?.moveState).toBeUndefined();

      const ids = await fleet.messageIds('store02', user);
      const expected = [
        ...Array.from({ length: seedMessages }, (_, i) => `seed-${i}@crash.test`),
        ...accepted,
      ];
      // A director killed between a store's 250 and its own record delivers that message again
      // (at-least-once, as Postfix; docs/director.md): a duplicate may only be one it still owed.
      const twice = ids.filter((id, i) => ids.indexOf(id) !== i);
      for (const id of twice) expect(owedAtKill).toContain(id);
      if (twice.length > 0)
        console.log(`the director delivered ${twice.length} message(s) twice after its kill`);
      expect(new Set(ids)).toEqual(new Set(expected));
      expect(ids.length - twice.length).toBe(expected.length);
      expect(accepted.length).toBeGreaterThan(0);

      // No hold anywhere: the director's cutover record, and the source's (only the kept copy).
      expect(await readNodeJson(cutoverHoldsFile(fleet.dataDir('director01')))).toEqual([]);
      const sourceHolds = (await readNodeJson(sourceHoldsFile(fleet.dataDir('store01')))) as Array<{
        user: string;
        state: string;
      }>;
      expect(sourceHolds.filter((h) => h.user === user).map((h) => h.state)).toEqual(['kept']);
    },
    120_000,
  );
});
