/**
 * `npm run bench -- move`: mailbox moves between two store agents of a real lab (every node its own
 * process), against `rsync -a` of the same Maildir between the two nodes' data directories:
 *
 * - one 1 GiB mailbox (20,000 messages of mixed sizes) moved store01 -> store02 with no bandwidth
 *   limit: MB/s over the whole job (copy, catch-up, cutover with verification, flip) and over the
 *   bulk copy alone, and the ratio to rsync's MB/s (goal >= 0.8; rsync is timed after a first run
 *   so both read from a warm page cache; rsync fsyncs nothing, the move fdatasyncs every file);
 * - the cutover pause (mail and logins held) of 50 moves of small mailboxes, one at a time:
 *   p50 and p99 (goal p99 <= 2 s);
 * - 1,000 users moved as one batch (10 messages each, concurrency 8): messages per second and wall
 *   time.
 *
 * The mailboxes are written into store01's Maildir directly, as another program (a restore) would;
 * the store numbers them when it first opens them, before the moves start.
 */
import { execFile } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, utimesSync, writeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { MoveJob } from '../../agent/common/contract/move-contract.js';
import { startMove } from '../../main/core/moves/fleet-moves.js';
import { openFleet } from '../../main/core/open-fleet.js';
import { ensureSystemRequirements } from '../../test/support/system-packages.js';
import { percentile, round } from '../stats.js';
import { startBenchLab } from '../support/bench-lab.js';

const run = promisify(execFile);
const bigMessages = 20_000;
const pauseMoves = 50;
const batchUsers = 1000;
const batchMessagesEach = 10;
const batchConcurrency = 8;

/** Message sizes for the big mailbox: mostly small, some large, a few very large; about 1 GiB in all. */
function mixedSize(i: number): number {
  const r = (i * 2654435761) % 1000;
  if (r < 700) return 4_000 + (r % 12) * 1_000; // 70 %: 4-15 kB
  if (r < 950) return 60_000 + (r % 25) * 4_000; // 25 %: 60-156 kB
  return 200_000 + (r % 50) * 8_000; // 5 %: 200-592 kB
}

/** Writes `sizes.length` messages into `maildir`/new as another program would. */
function writeMaildir(maildir: string, sizes: number[], tag: string): number {
  for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(maildir, sub), { recursive: true, mode: 0o700 });
  const start = Date.UTC(2026, 0, 1) / 1000;
  const line = `${'x'.repeat(78)}\r\n`;
  let total = 0;
  sizes.forEach((size, i) => {
    const head = `From: s${i}@example.org\r\nTo: r@example.org\r\nSubject: ${tag} ${i}\r\nMessage-ID: <${tag}-${i}@bench>\r\n\r\n`;
    const body = line.repeat(Math.max(0, Math.floor((size - head.length) / line.length)));
    const data = Buffer.from(head + body);
    const seconds = start + i;
    const path = join(maildir, 'new', `${seconds}.M${i}P1Q${i}.bench,S=${data.length},W=${data.length}`);
    const fd = openSync(path, 'wx', 0o600);
    writeSync(fd, data);
    closeSync(fd);
    utimesSync(path, seconds, seconds);
    total += data.length;
  });
  return total;
}

/** A user's Maildir under a lab node's mail root (its data directory's `mail`, as the lab configures it). */
function userMaildir(home: string, node: string, address: string): string {
  const config = JSON.parse(readFileSync(join(home, 'nodes', node, 'agent.json'), 'utf8')) as {
    dataDir: string;
    mail?: { root?: string };
  };
  const [local, domain] = address.split('@');
  return join(config.mail?.root ?? join(config.dataDir, 'mail'), domain!, local!, 'Maildir');
}

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

    say(`rsync -a of the ${round(bigBytes / 1e6, 0)} MB Maildir between the two nodes' data directories ...`);
    const rsyncTarget = join(lab.home, 'nodes', 'store02', 'rsync-copy');
    const rsyncOnce = async () => {
      await rm(rsyncTarget, { recursive: true, force: true });
      const began = performance.now();
      await run('rsync', ['-a', `${userMaildir(lab.home, 'store01', big!.address)}/`, `${rsyncTarget}/`]);
      return (performance.now() - began) / 1000;
    };
    await rsyncOnce();
    const rsyncSeconds = await rsyncOnce();
    await rm(rsyncTarget, { recursive: true, force: true });
    const rsyncMBps = bigBytes / 1e6 / rsyncSeconds;
    say(`  rsync: ${round(rsyncSeconds, 2)} s, ${round(rsyncMBps, 1)} MB/s`);

    say('moving it to store02 (no bandwidth limit) ...');
    const loadBefore = loadavg()[0] ?? 0;
    const bigJob = await moveAndWait(open, [big!.address], 0, 1);
    const job = bigJob[0]!;
    const { events } = await open.fleet.call('store02', 'move.show', { job: job.job });
    const copyEnd = events.find((e) => e.text.startsWith('copied'))?.at ?? job.finishedAt ?? 0;
    const jobSeconds = ((job.finishedAt ?? 0) - (job.startedAt ?? 0)) / 1000;
    const copySeconds = (copyEnd - (job.startedAt ?? 0)) / 1000;
    const moveMBps = bigBytes / 1e6 / jobSeconds;
    const copyMBps = bigBytes / 1e6 / copySeconds;
    say(
      `  move: ${round(jobSeconds, 2)} s in all (${round(moveMBps, 1)} MB/s), bulk copy ${round(copySeconds, 2)} s (${round(copyMBps, 1)} MB/s), held ${job.cutoverPauseMs} ms`,
    );

    say(`${pauseMoves} moves of small mailboxes, one at a time ...`);
    const pauses: number[] = [];
    for (const user of small) {
      const [moved] = await moveAndWait(open, [user.address], 0, 1);
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
      0,
      batchConcurrency,
    );
    const batchSeconds = (performance.now() - batchBegan) / 1000;
    const batchDone = batchJobs.filter((j) => j.phase === 'done').length;
    const batchMessages = batchJobs.reduce((sum, j) => sum + (j.verified?.messages ?? 0), 0);
    say(
      `  ${batchDone} of ${batchUsers} done in ${round(batchSeconds, 1)} s: ${round(batchMessages / batchSeconds, 1)} messages/s`,
    );

    const ratio = moveMBps / rsyncMBps;
    say(
      `ratio to rsync -a: ${round(ratio, 2)} over the whole job, ${round(copyMBps / rsyncMBps, 2)} for the bulk copy (goal >= 0.8)`,
    );
    say(`cutover pause p99: ${round(pauseP99 / 1000, 2)} s (goal <= 2 s)`);
    return {
      bigMailbox: { messages: bigMessages, bytes: bigBytes },
      rsync: { seconds: round(rsyncSeconds, 3), mbPerSecond: round(rsyncMBps, 1) },
      move: {
        seconds: round(jobSeconds, 3),
        mbPerSecond: round(moveMBps, 1),
        bulkCopySeconds: round(copySeconds, 3),
        bulkCopyMbPerSecond: round(copyMBps, 1),
        cutoverPauseMs: job.cutoverPauseMs,
        ratioToRsync: round(ratio, 3),
        bulkCopyRatioToRsync: round(copyMBps / rsyncMBps, 3),
        load1Before: round(loadBefore, 2),
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
      load1After: round(loadavg()[0] ?? 0, 2),
    };
  } finally {
    await open.close();
    await lab.stop();
    await rm(root, { recursive: true, force: true });
  }
}

/** Starts one batch to store02 and waits for every job to finish. */
async function moveAndWait(
  open: Awaited<ReturnType<typeof openFleet>>,
  users: string[],
  bandwidthBytesPerSecond: number,
  concurrency: number,
): Promise<MoveJob[]> {
  // As the console and the CLI start a batch (the answer waits as long as the batch needs).
  const started = await startMove(
    { fleet: open.fleet, directory: open.directory },
    { users, to: 'store02', bandwidthBytesPerSecond, concurrency },
  );
  const pending = new Set(started.jobs.map((j) => j.job));
  const finished = new Map<string, MoveJob>();
  while (pending.size > 0) {
    await new Promise((resolve) => setTimeout(resolve, pending.size > 50 ? 1000 : 100));
    const { jobs } = await open.fleet.call('store02', 'move.list', { state: 'finished', limit: 10_000 });
    for (const job of jobs) {
      if (!pending.has(job.job)) continue;
      pending.delete(job.job);
      finished.set(job.job, job);
    }
  }
  return started.jobs.map((j) => finished.get(j.job)!);
}
