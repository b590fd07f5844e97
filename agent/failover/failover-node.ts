/**
 * The failover jobs of one store node (docs/failover.md): started by `failover.start` on the node
 * that holds the failed store's replica, journaled (failover-journal.ts), run step by step
 * (failover-steps.ts), resumed at the agent's start from the step they were at. A step that fails
 * for a reason a retry can mend (the directory or a peer not answering) is tried again after 0.5 s
 * rising to 60 s; after the last attempt, or at once for a refusal no retry mends, the job stops
 * as `failed` with the reason in words and the steps it did.
 */

import type { FailoverJobView } from '../common/contract/failover-contract.js';
import { rpcErrorCodes } from '../common/contract/json-rpc.js';
import type { FleetDirectory } from '../common/directory/fleet-directory.js';
import type { JsonLogger } from '../common/json-logger.js';
import { MethodError } from '../control/method-handler.js';
import { type FailoverJournal, type FailoverRecord, viewOf } from './failover-journal.js';
import { type FailoverContext, FailoverStopped, runStep } from './failover-steps.js';
import { makeSpare } from './make-spare.js';
import { beforeSwitchRepoint, rollBackSwitch } from './switchover-steps.js';
import { takeOverHere } from './switchover-take-over.js';

/** Waits before each retry of a step. */
const retryDelaysMs = [500, 1000, 2000, 5000, 10_000, 20_000, 30_000, 60_000];

/**
 * Retries of a switch-over step before its repoint: the store's mail and logins are held
 * meanwhile, so it is rolled back soon rather than held long.
 */
const switchRetryDelaysMs = [250, 500];

/** Switch-overs rolled back before the job stops trying (each waits for the spare in step again). */
const maxSwitchRollbacks = 3;

/** What the node needs besides the steps' context. */
export interface FailoverNodeOptions {
  context: FailoverContext;
  directory: Pick<
    FleetDirectory,
    'getLogicalStore' | 'getServer' | 'listLogicalStores' | 'findUserByAddress'
  >;
  /** The stores this node served at some epoch (its fence file). */
  servedStores: () => string[];
  journal: FailoverJournal;
  logger: JsonLogger;
  /** Pause after every journaled step, for failure drills (0 in normal use). */
  stepPauseMs?: number;
}

/** The failover jobs of this node. */
export class FailoverNode {
  private readonly jobs = new Map<string, FailoverRecord>();
  private readonly running = new Map<string, Promise<void>>();
  private closed = false;

  constructor(private readonly options: FailoverNodeOptions) {}

  /** Loads the journal and resumes every unfinished job. */
  async open(): Promise<void> {
    const records = await this.options.journal.load((file, error) =>
      this.options.logger.error('a failover job journal cannot be read; the job is left as it is', {
        file,
        error,
      }),
    );
    for (const record of records) {
      this.jobs.set(record.job, record);
      if (record.step !== 'done' && record.step !== 'failed') {
        this.options.logger.info('resuming a failover job', { job: record.job, step: record.step });
        // A switch-over cut off before its repoint held the store for as long as this agent was
        // down: it is rolled back (as a move's cutover is) and tried again once the spare is in step.
        if (beforeSwitchRepoint.includes(record.step)) record.resumeRollback = true;
        this.launch(record);
      }
    }
  }

  /** Every job, the newest first. */
  list(): FailoverJobView[] {
    return [...this.jobs.values()].sort((a, b) => b.startedAt - a.startedAt).map(viewOf);
  }

  /** Whether a job of this store runs here now. */
  isRunning(store: string): boolean {
    return [...this.jobs.values()].some(
      (job) => job.store === store && job.step !== 'done' && job.step !== 'failed',
    );
  }

  /**
   * Checks and starts a failover of `store` to this node; resolves once it is journaled. `by` says
   * who asked (an administrator, or this node's automatic failover) in the job's first line.
   */
  async start(
    request: { store: string; spare?: string },
    by: 'administrator' | 'automatic' = 'administrator',
  ): Promise<FailoverJobView> {
    const { node } = this.options.context;
    const { store, spare } = request;
    const refuse = (text: string) => new MethodError(rpcErrorCodes.refused, text);
    if (this.isRunning(store)) throw refuse(`${store} is already being failed over here`);
    const entry = await this.options.directory.getLogicalStore(store);
    if (!entry) throw new MethodError(rpcErrorCodes.notFound, `there is no logical store ${store}`);
    if (entry.servedBy === node) throw refuse(`${node} serves ${store} already`);
    if (entry.failoverNode !== node)
      throw refuse(
        `the directory does not name ${node} as the failover node of ${store}: a system admin names it first (mailfleet failover does)`,
      );
    if (entry.replicaNode !== node)
      throw refuse(
        entry.replicaNode
          ? `the replica of ${store} is on ${entry.replicaNode}, not on ${node}: start the failover there`
          : `${store} has no replica: there is nothing to fail over to`,
      );
    // A store left `failed` by a job that stopped is failed over again (its fence is written anew).
    if (entry.state === 'switching') throw refuse(`${store} is being switched over (epoch ${entry.epoch})`);
    if (spare !== undefined) {
      const server = await this.options.directory.getServer(spare);
      if (!server) throw refuse(`there is no node ${spare}`);
      if (server.role !== 'spare' && server.role !== 'store')
        throw refuse(`${spare} is a ${server.role}, not a store or spare node`);
      if (spare === node || spare === entry.servedBy)
        throw refuse(
          `${spare} cannot hold the new replica of ${store}: it ${spare === node ? 'takes the store over' : 'is the failed node'}`,
        );
    }
    return this.begin({
      store,
      failedNode: entry.servedBy,
      takenOverBy: node,
      ...(spare === undefined ? {} : { spare }),
      step: 'fence',
      epoch: entry.epoch,
      text: `${by === 'automatic' ? 'automatic ' : ''}failover of ${store} from ${entry.servedBy} to ${node}${spare ? `, new replica on ${spare}` : ''} started`,
    });
  }

  /**
   * Rolls a switch-over back (switchover-steps.ts) until the directory takes it, then the job waits
   * for the spare in step again and retries, or stops after `maxSwitchRollbacks`.
   */
  private async rollBack(job: FailoverRecord, why: string): Promise<void> {
    const { context, logger } = this.options;
    for (let attempt = 0; ; attempt++) {
      try {
        const text = await rollBackSwitch(context, job, why);
        const last = (job.switchRollbacks ?? 0) >= maxSwitchRollbacks;
        job.step = last ? 'failed' : 'rebuild';
        job.updatedAt = context.now();
        job.history.push({
          at: job.updatedAt,
          step: job.step,
          text: last ? text : `${text}; tried again once ${job.spare} is in step`,
        });
        if (last)
          job.error = `${text}; ${maxSwitchRollbacks} switch-overs were rolled back, so the job stopped trying`;
        await this.options.journal.save(job);
        logger.warn('switch-over rolled back', { job: job.job, why });
        return;
      } catch (error) {
        if (this.closed) return;
        const delay = retryDelaysMs[Math.min(attempt, retryDelaysMs.length - 1)]!;
        logger.error('a switch-over cannot be rolled back yet; tried again', {
          job: job.job,
          error: String(error),
          delay,
        });
        await context.sleep(delay);
      }
    }
  }

  /**
   * The spare's part of a switch-over (`failover.takeOver`): `promote` puts the replica's copies in
   * the store's place, `serve` reads the store's entry again once it names this node.
   */
  takeOver(request: { store: string; job: string; phase: 'settle' | 'promote' | 'serve' }) {
    return takeOverHere(this.options.context, request);
  }

  /**
   * Checks and starts a planned switch-over ("Switch to spare") of a healthy `store` this node
   * serves: nothing is fenced; the job begins at `rebuild` (which places the store's replica on the
   * spare first when it is elsewhere) and ends with the switch-over. Resolves once journaled.
   */
  async startSwitch(request: { store: string; spare: string }): Promise<FailoverJobView> {
    const { node } = this.options.context;
    const { store, spare } = request;
    const refuse = (text: string) => new MethodError(rpcErrorCodes.refused, text);
    if (this.isRunning(store)) throw refuse(`a failover or switch-over of ${store} runs here already`);
    const entry = await this.options.directory.getLogicalStore(store);
    if (!entry) throw new MethodError(rpcErrorCodes.notFound, `there is no logical store ${store}`);
    if (entry.servedBy !== node)
      throw refuse(`${store} is served by ${entry.servedBy}, not by ${node}: start the switch-over there`);
    if (entry.state !== 'serving')
      throw refuse(`${store} is ${entry.state} (epoch ${entry.epoch}), not serving`);
    if (entry.failoverNode !== node)
      throw refuse(
        `the directory does not name ${node} as the failover node of ${store}: a system admin names it first (mailfleet switch-to-spare does)`,
      );
    const server = await this.options.directory.getServer(spare);
    if (!server) throw refuse(`there is no node ${spare}`);
    if (server.role !== 'spare' && server.role !== 'store')
      throw refuse(`${spare} is a ${server.role}, not a store or spare node`);
    if (spare === node) throw refuse(`${node} serves ${store} already`);
    return this.begin({
      store,
      failedNode: node,
      takenOverBy: node,
      spare,
      planned: true,
      step: 'rebuild',
      epoch: entry.epoch,
      text: `switch-over of ${store} from ${node} to ${spare} started (planned: nothing is fenced); ${entry.replicaNode === spare ? `${spare} holds its replica already` : `its replica is built on ${spare} first`}`,
    });
  }

  /** Journals a new job at its first step and runs it. */
  private async begin(
    start: Pick<
      FailoverRecord,
      'store' | 'failedNode' | 'takenOverBy' | 'spare' | 'planned' | 'step' | 'epoch'
    > & {
      text: string;
    },
  ): Promise<FailoverJobView> {
    const { text, ...fields } = start;
    const at = this.options.context.now();
    const record: FailoverRecord = {
      ...fields,
      job: `fo-${start.store}-${at.toString(36)}`,
      fromEpoch: start.epoch,
      startedAt: at,
      updatedAt: at,
      history: [{ at, step: start.step, text }],
    };
    await this.options.journal.save(record);
    this.jobs.set(record.job, record);
    this.launch(record);
    return viewOf(record);
  }

  /** "Make spare": wipes this node's old mail (make-spare.ts); refused while anyone needs it. */
  makeSpare(): Promise<{ stores: string[]; mailboxes: number }> {
    const { context } = this.options;
    return makeSpare({
      node: context.node,
      mailRoot: context.mailRoot,
      directory: this.options.directory,
      servedStores: this.options.servedStores,
      jobsRunning: () => [...this.jobs.values()].some((job) => job.step !== 'done' && job.step !== 'failed'),
      logger: this.options.logger,
    });
  }

  /** Stops running jobs where they are (they resume at the next start). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled(this.running.values());
  }

  private launch(record: FailoverRecord): void {
    const run = this.run(record)
      .catch((error: unknown) =>
        this.options.logger.error('a failover job stopped unexpectedly', {
          job: record.job,
          error: String(error),
        }),
      )
      .finally(() => this.running.delete(record.job));
    this.running.set(record.job, run);
  }

  private async run(job: FailoverRecord): Promise<void> {
    const { context, logger } = this.options;
    let attempt = 0;
    while (!this.closed && job.step !== 'done' && job.step !== 'failed') {
      try {
        if (job.resumeRollback) {
          delete job.resumeRollback;
          await this.rollBack(job, 'the agent restarted during it');
          continue;
        }
        const done = await runStep(context, job);
        attempt = 0;
        job.step = done.next;
        job.updatedAt = context.now();
        job.history.push({ at: job.updatedAt, step: done.next, text: done.text });
        await this.options.journal.save(job);
        logger.info('failover step done', {
          job: job.job,
          store: job.store,
          next: done.next,
          text: done.text,
        });
        if (this.options.stepPauseMs) await context.sleep(this.options.stepPauseMs);
      } catch (error) {
        if (this.closed) return;
        const text = error instanceof Error ? error.message : String(error);
        if (beforeSwitchRepoint.includes(job.step)) {
          const quick = switchRetryDelaysMs[attempt];
          if (error instanceof FailoverStopped || quick === undefined) {
            attempt = 0;
            await this.rollBack(job, text);
            continue;
          }
          attempt++;
          logger.warn('switch-over step failed; tried again', { job: job.job, step: job.step, error: text });
          await context.sleep(quick);
          continue;
        }
        const delay = retryDelaysMs[attempt];
        if (error instanceof FailoverStopped || delay === undefined) {
          job.history.push({ at: context.now(), step: 'failed', text: `stopped at ${job.step}: ${text}` });
          job.error = `stopped at ${job.step}: ${text}`;
          job.step = 'failed';
          job.updatedAt = context.now();
          await this.options.journal.save(job);
          logger.error('failover job stopped', { job: job.job, error: job.error });
          return;
        }
        attempt++;
        logger.warn('failover step failed; tried again', {
          job: job.job,
          step: job.step,
          error: text,
          delay,
        });
        await context.sleep(delay);
      }
    }
  }
}
