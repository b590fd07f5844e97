/**
 * Mailbox moves from the command line (docs/moves.md):
 *
 *   mailfleet move USER... --to STORE [--dry-run] [--concurrency N] [--bandwidth MB] [--wait]
 *   mailfleet moves [--json] [--active]          every store's jobs, batches and kept old copies
 *   mailfleet moves show|cancel|rollback JOB     one job (cancel also takes a batch id, mb-...)
 *   mailfleet moves suggest [--json]             moves that even out the stores
 *   mailfleet drain STORE [--to S1,S2] [--dry-run] [...]   every user of STORE to the others
 *
 * The agents decide: a refusal is printed in their words and the command exits 1.
 */
import { parseArgs } from 'node:util';
import type { MoveJob, MovePlan } from '../../../agent/common/contract/move-contract.js';
import { durationInWords, sizeInWords } from '../../../agent/common/in-words.js';
import {
  cancelMove,
  listMoves,
  type MoveFleet,
  planMove,
  planStoreDrain,
  rollbackMove,
  showMove,
  startMove,
  storeLoads,
} from '../../core/moves/fleet-moves.js';
import { type Rebalance, suggestRebalance } from '../../core/moves/move-suggestions.js';
import { formatTable } from '../output.js';
import { withFleet } from './fleet-options.js';

type Out = (text: string) => void;

const batchOptions = {
  fleet: { type: 'string' },
  json: { type: 'boolean', default: false },
  'dry-run': { type: 'boolean', default: false },
  concurrency: { type: 'string' },
  bandwidth: { type: 'string' },
  wait: { type: 'boolean', default: false },
} as const;

function limits(values: { concurrency?: string; bandwidth?: string }) {
  const number = (text: string | undefined, what: string) => {
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!Number.isFinite(value) || value < 0) throw new Error(`--${what} takes a number`);
    return value;
  };
  const concurrency = number(values.concurrency, 'concurrency');
  const megabytes = number(values.bandwidth, 'bandwidth');
  return {
    ...(concurrency === undefined ? {} : { concurrency: Math.round(concurrency) }),
    ...(megabytes === undefined ? {} : { bandwidthBytesPerSecond: Math.round(megabytes * 1_000_000) }),
  };
}

/** `mailfleet move USER... --to STORE`. */
export async function moveCommand(argv: string[], out: Out): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { ...batchOptions, to: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length === 0 || !values.to)
    throw new Error(
      'usage: mailfleet move USER... --to STORE [--dry-run] [--concurrency N] [--bandwidth MB] [--wait]',
    );
  const to = values.to;
  return withFleet(values.fleet, async (fleet) => {
    if (values['dry-run']) {
      const plan = await planMove(fleet, positionals, to, limits(values));
      out(values.json ? JSON.stringify(plan, null, 2) : planText(plan));
      return plan.refusals.length > 0 ? 1 : 0;
    }
    const started = await startMove(fleet, { users: positionals, to, ...limits(values) });
    if (values.json) {
      if (!values.wait) out(JSON.stringify(started, null, 2));
    } else
      out(
        `batch ${started.batch.batch}: ${started.jobs.length} move(s) to ${to}, ${started.batch.concurrency} at a time\n` +
          started.jobs.map((j) => `  ${j.job}  ${j.user}`).join('\n'),
      );
    if (!values.wait) return 0;
    // With --json only the jobs as they ended are printed, as one JSON array.
    const finished = await follow(fleet, started.jobs, values.json ? () => {} : out);
    if (values.json) out(JSON.stringify(finished, null, 2));
    return finished.every((j) => j.phase === 'done') ? 0 : 1;
  });
}

/** `mailfleet moves ...`. */
export async function movesCommand(argv: string[], out: Out, warn: Out): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      fleet: { type: 'string' },
      json: { type: 'boolean', default: false },
      active: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  const [action, id] = positionals;
  return withFleet(values.fleet, async (fleet) => {
    if (action === undefined || action === 'list') {
      const all = await listMoves(fleet, values.active ? 'active' : 'all');
      for (const node of all.unanswered) warn(`${node} does not answer: its moves are not listed`);
      if (values.json) {
        out(JSON.stringify(all, null, 2));
        return 0;
      }
      out(
        all.jobs.length === 0
          ? 'no moves'
          : formatTable(['JOB', 'USER', 'MOVE', 'PHASE', 'PROGRESS', 'RESULT'], all.jobs.map(jobRow)),
      );
      if (all.keptCopies.length > 0)
        out(
          `\nold copies kept:\n${formatTable(
            ['USER', 'ON', 'MOVED TO', 'SIZE', 'PURGED AFTER'],
            all.keptCopies.map((c) => [
              c.user,
              c.node,
              c.movedTo,
              sizeInWords(c.bytes),
              new Date(c.keepUntil).toISOString(),
            ]),
          )}`,
        );
      return 0;
    }
    if (action === 'suggest') {
      const suggestion = suggestRebalance(await storeLoads(fleet));
      out(values.json ? JSON.stringify(suggestion, null, 2) : rebalanceText(suggestion));
      return 0;
    }
    if (!id || !['show', 'cancel', 'rollback'].includes(action))
      throw new Error(
        'usage: mailfleet moves [list|suggest] [--json] | mailfleet moves show|cancel|rollback JOB',
      );
    if (action === 'show') {
      const shown = await showMove(fleet, id);
      if (values.json) out(JSON.stringify(shown, null, 2));
      else {
        out(formatTable(['JOB', 'USER', 'MOVE', 'PHASE', 'PROGRESS', 'RESULT'], [jobRow(shown.job)]));
        for (const event of shown.events)
          out(`${new Date(event.at).toISOString()}  ${event.phase.padEnd(12)} ${event.text}`);
      }
      return 0;
    }
    if (action === 'cancel') {
      const { cancelled } = await cancelMove(fleet, id);
      out(
        cancelled.length === 0
          ? 'nothing left to cancel'
          : `cancelling ${cancelled.join(', ')}: rolling back`,
      );
      return 0;
    }
    const { job } = await rollbackMove(fleet, id);
    out(`${job.job}: moving ${job.user} back from ${job.source} to ${job.target}`);
    return 0;
  });
}

/** `mailfleet drain STORE [--to S1,S2]`: one batch per target store. */
export async function drainCommand(argv: string[], out: Out, warn: Out): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { ...batchOptions, to: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const [store] = positionals;
  if (!store || positionals.length > 1)
    throw new Error(
      'usage: mailfleet drain STORE [--to STORE,STORE] [--dry-run] [--concurrency N] [--bandwidth MB]',
    );
  const targets = values.to
    ? values.to
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
  return withFleet(values.fleet, async (fleet) => {
    const plan = await planStoreDrain(fleet, store, targets);
    if (values['dry-run'] || plan.moves.length === 0) {
      out(values.json ? JSON.stringify(plan, null, 2) : rebalanceText(plan));
      return 0;
    }
    const byTarget = new Map<string, string[]>();
    for (const move of plan.moves) byTarget.set(move.to, [...(byTarget.get(move.to) ?? []), move.user]);
    let failed = 0;
    const batches = [];
    for (const [to, users] of byTarget) {
      try {
        const started = await startMove(fleet, { users, to, ...limits(values) });
        batches.push(started);
        if (!values.json) out(`batch ${started.batch.batch}: ${users.length} user(s) of ${store} to ${to}`);
      } catch (error) {
        failed++;
        warn(`${to}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (values.json) out(JSON.stringify({ plan, batches }, null, 2));
    if (values.wait) {
      const finished = await follow(
        fleet,
        batches.flatMap((b) => b.jobs),
        values.json ? () => {} : out,
      );
      if (finished.some((j) => j.phase !== 'done')) failed++;
    }
    return failed > 0 ? 1 : 0;
  });
}

/** Prints each job's changes until every one is finished; returns them as they ended. */
async function follow(fleet: MoveFleet, jobs: MoveJob[], out: Out): Promise<MoveJob[]> {
  const last = new Map<string, string>();
  const finished = new Map<string, MoveJob>();
  while (finished.size < jobs.length) {
    for (const job of jobs) {
      if (finished.has(job.job)) continue;
      const { job: now } = await showMove(fleet, job.job);
      const line = `${now.job}  ${now.user}  ${now.phase}  ${progressText(now)}`;
      if (last.get(now.job) !== line) out(line);
      last.set(now.job, line);
      if (['done', 'failed', 'cancelled'].includes(now.phase)) {
        finished.set(now.job, now);
        out(`${now.job}  ${now.result}`);
      }
    }
    if (finished.size < jobs.length) await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return [...finished.values()];
}

function progressText(job: MoveJob): string {
  const { progress } = job;
  const percent =
    progress.bytesTotal > 0 ? Math.floor((100 * progress.bytesCopied) / progress.bytesTotal) : 100;
  const rate = progress.rateBytesPerSecond > 0 ? `, ${sizeInWords(progress.rateBytesPerSecond)}/s` : '';
  const eta =
    progress.etaSeconds === undefined ? '' : `, ${durationInWords(progress.etaSeconds * 1000)} left`;
  return `${percent} % (${progress.messagesCopied}/${progress.messagesTotal} messages${rate}${eta})`;
}

function jobRow(job: MoveJob): string[] {
  return [job.job, job.user, `${job.source} -> ${job.target}`, job.phase, progressText(job), job.result];
}

function planText(plan: MovePlan): string {
  const lines = [
    `to ${plan.target} (node ${plan.node}): ${plan.mailboxes} mailbox(es), ${plan.messages} messages, ${sizeInWords(plan.bytes)}`,
    `disk of ${plan.target} after: ${plan.targetDisk.usedPercentAfter} % full, ${sizeInWords(plan.targetDisk.availableAfterBytes)} left`,
    `estimated time: ${durationInWords(plan.estimatedSeconds * 1000)}`,
  ];
  for (const refusal of plan.refusals) lines.push(`cannot move ${refusal.user}: ${refusal.reason}`);
  return lines.join('\n');
}

function rebalanceText(plan: Rebalance): string {
  if (plan.moves.length === 0) return `nothing to move (spread ${sizeInWords(plan.spreadBefore)})`;
  return [
    formatTable(
      ['USER', 'FROM', 'TO', 'SIZE'],
      plan.moves.map((m) => [m.user, m.from, m.to, sizeInWords(m.bytes)]),
    ),
    `${plan.moves.length} move(s), ${sizeInWords(plan.bytes)}; spread between the stores ${sizeInWords(plan.spreadBefore)} before, ${sizeInWords(plan.spreadAfter)} after`,
  ].join('\n');
}
