/**
 * `npm run bench -- move`: mailbox moves between two store agents of a real lab (every node its own
 * process), against rsync of the same Maildir (rsync-peer.ts), in the same run:
 *
 * - one 1 GiB mailbox (20,000 messages of mixed sizes) moved back and forth between store01 and
 *   store02, `rounds` times, each round also copying it with `rsync -a` between the two nodes' data
 *   directories (the issue's peer), with rsync over OpenSSH and with `rsync -a --fsync`: MB/s of
 *   each, the median of each, and the ratio of the medians (goal >= 0.8 against `rsync -a`). The
 *   rounds interleave the two so that both see the same machine; `sync` runs between timed steps
 *   so that none pays for the writeback of the one before; nothing is deleted before a timed step
 *   (see rsync-peer.ts for why);
 * - the cutover pause (mail and logins held) of 50 moves of small mailboxes, one at a time:
 *   p50 and p99 (goal p99 <= 2 s);
 * - 1,000 users moved as one batch (10 messages each, concurrency 8): messages per second and wall
 *   time.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MoveJob } from '../../agent/common/contract/move-contract.js';
import { startMove } from '../../main/core/moves/fleet-moves.js';
import { openFleet } from '../../main/core/open-fleet.js';
import { ensureSystemRequirements } from '../../test/support/system-packages.js';
import { percentile, round } from '../stats.js';
import { startBenchLab } from '../support/bench-lab.js';
import { mixedSize, nodeDataDir, userMaildir, writeMaildir } from './bench-mailboxes.js';
import { flushDisks, type RsyncWay, startRsyncPeer } from './rsync-peer.js';

const bigMessages = 20_000;
const rounds = 3;
const pauseMoves = 50;
const batchUsers = 1000;
const batchMessagesEach = 10;
const batchConcurrency = 8;

type OpenFleet = Awaited<ReturnType<typeof openFleet>>;

/** One round's figures: seconds of each rsync way, of the move and of its bulk copy. */
interface RoundFigures {
  from: string;
  to: string;
  load1: number;
  rsync: Record<RsyncWay, number>;
  move: number;
  bulkCopy: number;
  cutoverPauseMs: number;
}

const load1 = () => round(loadavg()[0] ?? 0, 2);
const median = (values: number[]) => percentile(values, 50);

export async function runMoveBench(say: (line: string) => void): Promise<Record<string, unknown>> {
  ensureSystemRequirements([
    { program: '/usr/bin/rsync', debianPackage: 'rsync', why: 'the move bench compares with rsync -a' },
  ]);
  const root = await mkdtemp(join(tmpdir(), 'mailfleet-bench-move-'));
  say('starting a two-store lab (2,400 users) ...');
  const lab = await startBenchLab(join(root, 'lab'), [
    '--stores',
    '2',
    '--spares',
    '0',
    '--users',
    '2400',
    '--domains',
    '2',
  ]);
  const rsync = await startRsyncPeer(root);
  const open = await openFleet(lab.profile, { subscribe: false });
  try {
    await open.fleet.settled(10_000);
    const onStore01 = lab.users.filter((u) => u.store === 'store01');
    if (onStore01.length < 1 + pauseMoves + batchUsers)
      throw new Error('the lab has too few users on store01');
    const [big, ...rest] = onStore01;
    const small = rest.slice(0, pauseMoves);
    const batch = rest.slice(pauseMoves, pauseMoves + batchUsers);

    say(
      `writing a ${bigMessages}-message mailbox and ${pauseMoves + batchUsers} small ones into store01 ...`,
    );
    const bigBytes = writeMaildir(
      userMaildir(lab.home, 'store01', big!.address),
      Array.from({ length: bigMessages }, (_, i) => mixedSize(i)),
      'big',
    );
    for (const user of small)
      writeMaildir(
        userMaildir(lab.home, 'store01', user.address),
        Array.from({ length: 20 }, () => 3_000),
        'small',
      );
    for (const user of batch)
      writeMaildir(
        userMaildir(lab.home, 'store01', user.address),
        Array.from({ length: batchMessagesEach }, () => 4_000),
        'batch',
      );
    // The store numbers files written by another program when it first opens the mailbox.
    await open.fleet.call('store01', 'mailbox.stats', { user: big!.address });
    const mb = bigBytes / 1e6;
    say(`the big mailbox: ${round(mb, 0)} MB in ${bigMessages} messages`);

    // A first rsync reads the mailbox once, as the move's source will have, so both start warm.
    let copies = 0;
    const freshCopyIn = (node: string) => join(nodeDataDir(lab.home, node), `rsync-copy-${++copies}`);
    await rsync.copy('local', userMaildir(lab.home, 'store01', big!.address), freshCopyIn('store02'));

    const figures: RoundFigures[] = [];
    let holder = 'store01';
    for (let r = 1; r <= rounds; r++) {
      const other = holder === 'store01' ? 'store02' : 'store01';
      const from = userMaildir(lab.home, holder, big!.address);
      say(`round ${r} of ${rounds}: ${holder} -> ${other} (load ${load1()})`);
      const load = load1();
      const timed: Partial<Record<RsyncWay, number>> = {};
      const timeRsync = async (way: RsyncWay) => {
        await flushDisks();
        timed[way] = await rsync.copy(way, from, freshCopyIn(other));
        say(`  rsync ${way.padEnd(5)} ${round(timed[way]!, 2)} s, ${round(mb / timed[way]!, 1)} MB/s`);
      };
      // Before the move: the move takes the mailbox away from this node.
      await timeRsync('local');
      await timeRsync('ssh');
      await timeRsync('fsync');
      await flushDisks();
      const job = (await moveAndWait(open, [big!.address], other, 0, 1))[0]!;
      const { events } = await open.fleet.call(other, 'move.show', { job: job.job });
      const copyEnd = events.find((e) => e.text.startsWith('copied'))?.at ?? job.finishedAt ?? 0;
      const move = ((job.finishedAt ?? 0) - (job.startedAt ?? 0)) / 1000;
      const bulkCopy = (copyEnd - (job.startedAt ?? 0)) / 1000;
      if (job.phase !== 'done') throw new Error(`the big move ended ${job.phase}: ${job.result ?? ''}`);
      say(
        `  move        ${round(move, 2)} s, ${round(mb / move, 1)} MB/s (bulk copy ${round(bulkCopy, 2)} s, held ${job.cutoverPauseMs} ms)`,
      );
      figures.push({
        from: holder,
        to: other,
        load1: load,
        rsync: timed as Record<RsyncWay, number>,
        move,
        bulkCopy,
        cutoverPauseMs: job.cutoverPauseMs ?? Number.NaN,
      });
      holder = other;
    }
    const medians = {
      rsyncLocal: median(figures.map((f) => f.rsync.local)),
      rsyncSsh: median(figures.map((f) => f.rsync.ssh)),
      rsyncFsync: median(figures.map((f) => f.rsync.fsync)),
      move: median(figures.map((f) => f.move)),
      bulkCopy: median(figures.map((f) => f.bulkCopy)),
    };

    say(`${pauseMoves} moves of small mailboxes, one at a time ...`);
    const pauses: number[] = [];
    for (const user of small) {
      const [moved] = await moveAndWait(open, [user.address], 'store02', 0, 1);
      pauses.push(moved!.cutoverPauseMs ?? Number.NaN);
    }
    const pauseP50 = percentile(pauses, 50);
    const pauseP99 = percentile(pauses, 99);
    say(`  cutover pause p50 ${round(pauseP50, 0)} ms, p99 ${round(pauseP99, 0)} ms`);

    say(`${batchUsers} users as one batch (concurrency ${batchConcurrency}) ...`);
    const batchBegan = performance.now();
    const batchJobs = await moveAndWait(
      open,
      batch.map((u) => u.address),
      'store02',
      0,
      batchConcurrency,
    );
    const batchSeconds = (performance.now() - batchBegan) / 1000;
    const batchDone = batchJobs.filter((j) => j.phase === 'done').length;
    const batchMessages = batchJobs.reduce((sum, j) => sum + (j.verified?.messages ?? 0), 0);
    say(
      `  ${batchDone} of ${batchUsers} done in ${round(batchSeconds, 1)} s: ${round(batchMessages / batchSeconds, 1)} messages/s`,
    );

    const ratio = (peer: number) => round(peer / medians.move, 2);
    say(
      `medians over ${rounds} rounds: move ${round(medians.move, 2)} s (${round(mb / medians.move, 1)} MB/s), rsync -a ${round(medians.rsyncLocal, 2)} s, rsync -a over ssh ${round(medians.rsyncSsh, 2)} s, rsync -a --fsync ${round(medians.rsyncFsync, 2)} s`,
    );
    say(
      `ratio to rsync -a: ${ratio(medians.rsyncLocal)} (goal >= 0.8); to rsync -a over ssh: ${ratio(medians.rsyncSsh)}; to rsync -a --fsync: ${ratio(medians.rsyncFsync)}; bulk copy to rsync -a: ${round(medians.rsyncLocal / medians.bulkCopy, 2)}`,
    );
    say(`cutover pause p99: ${round(pauseP99 / 1000, 2)} s (goal <= 2 s)`);
    return {
      bigMailbox: { messages: bigMessages, bytes: bigBytes },
      rounds: figures.map((f) => ({
        ...f,
        rsync: Object.fromEntries(Object.entries(f.rsync).map(([k, v]) => [k, round(v, 3)])),
        move: round(f.move, 3),
        bulkCopy: round(f.bulkCopy, 3),
      })),
      medians: {
        seconds: Object.fromEntries(Object.entries(medians).map(([k, v]) => [k, round(v, 3)])),
        moveMbPerSecond: round(mb / medians.move, 1),
        rsyncMbPerSecond: round(mb / medians.rsyncLocal, 1),
        ratioToRsync: ratio(medians.rsyncLocal),
        ratioToRsyncOverSsh: ratio(medians.rsyncSsh),
        ratioToRsyncFsync: ratio(medians.rsyncFsync),
        bulkCopyRatioToRsync: round(medians.rsyncLocal / medians.bulkCopy, 2),
      },
      cutoverPause: { moves: pauseMoves, p50Ms: round(pauseP50, 0), p99Ms: round(pauseP99, 0) },
      batch: {
        users: batchUsers,
        concurrency: batchConcurrency,
        done: batchDone,
        messages: batchMessages,
        seconds: round(batchSeconds, 1),
        messagesPerSecond: round(batchMessages / batchSeconds, 1),
      },
      load1After: load1(),
    };
  } finally {
    await open.close();
    await rsync.stop();
    await lab.stop();
    await rm(root, { recursive: true, force: true });
  }
}

/** Starts one batch to `to` and waits for every job to finish. */
async function moveAndWait(
  open: OpenFleet,
  users: string[],
  to: string,
  bandwidthBytesPerSecond: number,
  concurrency: number,
): Promise<MoveJob[]> {
  // As the console and the CLI start a batch (the answer waits as long as the batch needs).
  const started = await startMove(
    { fleet: open.fleet, directory: open.directory },
    { users, to, bandwidthBytesPerSecond, concurrency },
  );
  const pending = new Set(started.jobs.map((j) => j.job));
  const finished = new Map<string, MoveJob>();
  while (pending.size > 0) {
    await new Promise((resolve) => setTimeout(resolve, pending.size > 50 ? 1000 : 100));
    const { jobs } = await open.fleet.call(to, 'move.list', { state: 'finished', limit: 10_000 });
    for (const job of jobs) {
      if (!pending.has(job.job)) continue;
      pending.delete(job.job);
      finished.set(job.job, job);
    }
  }
  return started.jobs.map((j) => finished.get(j.job)!);
}
