/**
 * One move job, step by step, on the target store's agent (docs/moves.md has the whole story):
 *
 *   waiting -> copy -> catch-up (rounds) -> cutover -> finishing -> done
 *                 \________ any failure before the flip ________/-> rolling-back -> failed | cancelled
 *
 * Every step is journaled before it acts, so a restart resumes it: `copy` and `catch-up` resume
 * from the staging copy on disk; a `cutover` found after a restart is settled from the directory
 * (flipped: finish it; not: undo the holds and catch up again); `finishing` and `rolling-back`
 * are repeated until done (each of their steps can be done twice). The move lock in the
 * directory follows the job's phase, and `mailHost` changes only with the lock's flip, in one
 * LDAP modify: a user always has exactly one authoritative mailHost.
 */
import { dirname } from 'node:path';
import { finishedMovePhases } from '../common/contract/move-contract.js';
import { MoveLockConflict, type MoveState } from '../common/directory/move-state.js';
import { type MoveContext, MoveRefused, stagingPathOf } from './move-context.js';
import { cutoverOnce, finishMove, releaseCutover, settleCutover } from './move-cutover.js';
import type { MoveJobRecord } from './move-journal.js';
import type { BandwidthLimit } from './sync/bandwidth-limit.js';
import { type CopySource, copyRound } from './sync/mailbox-copy.js';
import { removeStaging, StagingMaildir } from './sync/staging-maildir.js';

/** Runs one job until it is finished, or until `stop` aborts (the agent stops: it resumes later). */
export class MoveRunner {
  private readonly rate = new RateWindow();

  constructor(
    private readonly context: MoveContext,
    readonly record: MoveJobRecord,
    private readonly limit: BandwidthLimit,
    /** Aborted when the agent stops: the job is left as journaled, to resume at the next start. */
    private readonly stop: AbortSignal,
    /** Aborted when an administrator cancels: the job rolls back. */
    private readonly cancel: AbortSignal,
  ) {}

  /** The lock this job holds in the given phase. */
  lock(phase: MoveState['phase']): MoveState {
    return { job: this.record.job, source: this.record.source, target: this.record.target, phase };
  }

  async run(): Promise<void> {
    while (!this.stop.aborted) {
      const phase = this.record.phase;
      // A finished job stays finished (a cancel asked for earlier does not start a rollback again).
      if (finishedMovePhases.has(phase)) return;
      try {
        if (this.record.cancelRequested && !['finishing', 'rolling-back'].includes(phase))
          throw new MoveRefused('cancelled by an administrator');
        if (phase === 'waiting') await this.begin();
        else if (phase === 'copy' || phase === 'catch-up') {
          await this.withRetries('copying', () => this.copyUntilSmall());
          await this.cutover();
        } else if (phase === 'cutover') await settleCutover(this.context, this);
        else if (phase === 'finishing') await finishMove(this.context, this);
        else await this.rollBack();
      } catch (error) {
        if (this.stop.aborted) return;
        await this.failed(error);
      }
    }
  }

  /** Journals the record (durably) and tells the listeners. */
  async save(event?: string): Promise<void> {
    // The history line first: whoever sees the new phase finds the line that says why.
    if (event) {
      this.context.logger.info(event, {
        job: this.record.job,
        user: this.record.user,
        phase: this.record.phase,
      });
      await this.context.journal
        .addEvent(this.record.job, { at: this.context.now(), phase: this.record.phase, text: event })
        .catch(() => {});
    }
    await this.context.journal.saveJob(this.record);
    this.context.changed(this.record);
    if (event && this.context.tuning.stepPauseMs > 0) await this.sleep(this.context.tuning.stepPauseMs);
  }

  /**
   * Moves the lock from one phase of this job to the next. Done twice (a restart between the
   * directory's change and the journal's) it finds the lock already there and goes on.
   */
  async setLock(
    from: MoveState | undefined,
    to: MoveState | undefined,
    also: { mailHost?: string; mailboxState?: 'active' | 'moving' } = {},
  ): Promise<void> {
    try {
      await this.context.directory.changeMoveState(this.record.user, { from, to, ...also });
    } catch (error) {
      if (!(error instanceof MoveLockConflict)) throw error;
      const now = error.current;
      const already = to ? now?.job === to.job && now.phase === to.phase : now?.job !== this.record.job;
      if (!already) throw new MoveRefused(error.message);
    }
  }

  /** A source to copy from (the final delta under the hold is not slowed by the batch's limit). */
  copySource(limit: BandwidthLimit = this.limit): CopySource {
    const sourceNode = this.record.sourceNode ?? '';
    return {
      open: () => this.context.links.openSync(sourceNode),
      job: this.record.job,
      user: this.record.user,
      limit,
      names: this.context.names,
      bulkFromBytes: this.context.tuning.bulkRoundBytes,
      signal: AbortSignal.any([this.stop, this.cancel]),
      onProgress: (messages, bytes) => this.progress(messages, bytes),
    };
  }

  /** The staging copy's directory. */
  get stagingPath(): string {
    return stagingPathOf(this.context.mailRoot, this.record.job);
  }

  /** Cancelled or stopping: the step in progress gives up. */
  throwIfAborted(): void {
    this.stop.throwIfAborted();
    if (this.cancel.aborted) throw new MoveRefused('cancelled by an administrator');
  }

  /** Takes the move lock and finds where the source is served. */
  private async begin(): Promise<void> {
    const { directory } = this.context;
    const sourceStore = await directory.getLogicalStore(this.record.source);
    if (!sourceStore) throw new MoveRefused(`there is no store ${this.record.source}`);
    try {
      const entry = await directory.changeMoveState(this.record.user, {
        from: undefined,
        to: this.lock('copy'),
      });
      if (entry.mailHost !== this.record.source) {
        await directory.changeMoveState(this.record.user, { from: this.lock('copy'), to: undefined });
        throw new MoveRefused(
          `${this.record.user} is on ${entry.mailHost} now, not on ${this.record.source}`,
        );
      }
    } catch (error) {
      // Another job's lock is not ours to undo: this job ends without a rollback.
      if (error instanceof MoveLockConflict) {
        this.record.phase = 'failed';
        this.record.error = error.message;
        this.record.result = `not moved: ${error.message}`;
        this.record.finishedAt = this.context.now();
        await this.save(this.record.result);
        return;
      }
      throw error;
    }
    this.record.sourceNode = sourceStore.servedBy;
    this.record.phase = 'copy';
    this.record.startedAt = this.context.now();
    this.record.result = `copying from ${this.record.source}`;
    await this.save(`locked ${this.record.user} for the move; copying from ${sourceStore.servedBy}`);
  }

  /**
   * Copies until a round leaves little to do (the first round is the bulk copy): what is left is
   * copied again under the cutover's hold, so the smaller it is the shorter the pause.
   */
  async copyUntilSmall(): Promise<StagingMaildir> {
    const { tuning } = this.context;
    const staging = await StagingMaildir.open(this.stagingPath);
    for (let round = 0; ; round++) {
      this.throwIfAborted();
      this.record.progress.messagesCopied = countMessages(staging);
      this.record.progress.bytesCopied = countBytes(staging);
      const { figures } = await copyRound(staging, this.copySource());
      Object.assign(this.record.progress, {
        folders: staging.folders.size,
        messagesTotal: figures.messagesTotal,
        bytesTotal: figures.bytesTotal,
        messagesCopied: figures.messagesTotal,
        bytesCopied: figures.bytesTotal,
      });
      delete this.record.progress.etaSeconds;
      const changes = figures.messagesCopied + figures.flagChanges + figures.expunged;
      if (this.record.phase === 'copy') {
        await this.setLock(this.lock('copy'), this.lock('catch-up'));
        this.record.phase = 'catch-up';
        await this.save(`copied ${figures.messagesCopied} messages in ${staging.folders.size} folders`);
      } else {
        this.record.rounds++;
        await this.save(
          `catch-up round ${this.record.rounds}: ${figures.messagesCopied} new messages, ${figures.flagChanges} flag changes, ${figures.expunged} expunged`,
        );
      }
      const small =
        figures.messagesCopied <= tuning.smallDeltaMessages &&
        figures.bytesCopied <= tuning.smallDeltaBytes &&
        changes <= tuning.smallDeltaMessages * 20;
      if ((small && round > 0) || changes === 0 || round + 1 >= tuning.maxCatchUpRounds) return staging;
    }
  }

  /** Cutover attempts; each one abandoned releases the holds and catches up before the next. */
  private async cutover(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      this.throwIfAborted();
      try {
        await cutoverOnce(this.context, this);
        return;
      } catch (error) {
        if (this.stop.aborted) throw error;
        const flipped = await settleCutover(this.context, this, error);
        if (flipped) return;
        if (error instanceof MoveRefused || attempt >= this.context.tuning.cutoverAttempts) throw error;
        await this.pause(attempt);
        await this.withRetries('catching up', () => this.copyUntilSmall());
      }
    }
  }

  /** Before the flip: everything this job did is undone, and the user stays where they were. */
  private async rollBack(): Promise<void> {
    const { directory } = this.context;
    if (this.record.cutover) await releaseCutover(this.context, this);
    const entry = await directory.findUserByAddress(this.record.user);
    const lock = entry?.moveState;
    if (lock?.job === this.record.job && lock.phase === 'flipped') {
      // The flip happened after all: a move past its flip is done, never undone.
      this.record.phase = 'finishing';
      await this.save('the flip had happened: finishing the move instead of rolling back');
      return;
    }
    await removeStaging(dirname(this.stagingPath));
    if (lock?.job === this.record.job)
      await directory.changeMoveState(this.record.user, {
        from: lock,
        to: undefined,
        mailboxState: 'active',
      });
    const ending = this.record.rollbackTo ?? 'failed';
    this.record.phase = ending;
    this.record.finishedAt = this.context.now();
    this.record.result =
      ending === 'cancelled'
        ? `cancelled: ${this.record.user} stays on ${this.record.source}`
        : `not moved: ${this.record.error ?? 'an error'}; ${this.record.user} stays on ${this.record.source}`;
    await this.save(this.record.result);
  }

  /** A step failed for good: roll back (before the flip), or try again later (after it). */
  private async failed(error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    if (this.record.phase === 'finishing' || this.record.phase === 'rolling-back') {
      this.context.logger.warn('move step failed; trying again', { job: this.record.job, error: message });
      await this.pause(this.context.tuning.retryDelaysMs.length);
      return;
    }
    const cancelled = this.cancel.aborted || this.record.cancelRequested === true;
    this.record.rollbackTo = cancelled ? 'cancelled' : 'failed';
    if (!cancelled) this.record.error = message;
    this.record.phase = 'rolling-back';
    await this.save(cancelled ? 'cancelled: rolling back' : `rolling back: ${message}`);
  }

  /** Runs a step, trying again after the tuning's waits when a peer fails. */
  private async withRetries<T>(what: string, step: () => Promise<T>): Promise<T> {
    const delays = this.context.tuning.retryDelaysMs;
    for (let attempt = 0; ; attempt++) {
      try {
        return await step();
      } catch (error) {
        if (
          error instanceof MoveRefused ||
          this.stop.aborted ||
          this.cancel.aborted ||
          attempt >= delays.length
        )
          throw error;
        const message = error instanceof Error ? error.message : String(error);
        await this.save(`${what} failed (${message}); trying again`);
        await this.pause(attempt);
      }
    }
  }

  private async pause(attempt: number): Promise<void> {
    const delays = this.context.tuning.retryDelaysMs;
    await this.sleep(delays[Math.min(attempt, delays.length - 1)] ?? 1000);
  }

  /** Waits, or less when the job is stopped or cancelled. */
  private async sleep(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      const signals = [this.stop, this.cancel];
      function done() {
        clearTimeout(timer);
        for (const signal of signals) signal.removeEventListener('abort', done);
        resolve();
      }
      for (const signal of signals) signal.addEventListener('abort', done, { once: true });
    });
  }

  private progress(messages: number, bytes: number): void {
    const progress = this.record.progress;
    progress.messagesCopied += messages;
    progress.bytesCopied += bytes;
    progress.rateBytesPerSecond = this.rate.add(this.context.now(), bytes);
    const left = Math.max(0, progress.bytesTotal - progress.bytesCopied);
    if (progress.rateBytesPerSecond > 0 && progress.bytesTotal > 0)
      progress.etaSeconds = Math.round(left / progress.rateBytesPerSecond);
    this.context.changed(this.record);
  }
}

/** Bytes per second over the last few seconds. */
class RateWindow {
  private readonly samples: Array<{ at: number; bytes: number }> = [];

  add(at: number, bytes: number): number {
    this.samples.push({ at, bytes });
    while (this.samples.length > 1 && at - this.samples[0]!.at > 5000) this.samples.shift();
    const span = (at - this.samples[0]!.at) / 1000;
    const total = this.samples.reduce((sum, s) => sum + s.bytes, 0);
    return span > 0.2 ? Math.round(total / span) : 0;
  }
}

function countMessages(staging: StagingMaildir): number {
  let count = 0;
  for (const folder of staging.folders.values()) count += folder.messages.size;
  return count;
}

function countBytes(staging: StagingMaildir): number {
  let bytes = 0;
  for (const folder of staging.folders.values())
    for (const message of folder.messages.values()) bytes += message.size;
  return bytes;
}
