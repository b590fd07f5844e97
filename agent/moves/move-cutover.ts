/**
 * The cutover of a move job, and what follows the flip:
 *
 * 1. journal `cutover/holding`; the lock goes to `cutover` with `mailboxState: moving` (logins
 *    anywhere answer "being moved, try again shortly");
 * 2. every director holds the user's mail (queued and new) and proxy logins and closes their
 *    sessions (`cutover.hold`); the source refuses deliveries and logins, closes its sessions,
 *    once deliveries in flight are durable (`sync.hold`);
 * 3. the last delta is copied, then verified folder by folder (count, UIDs, sizes, body digests);
 * 4. journal `cutover/committing`; the copy is finalized and installed in the user's place;
 * 5. THE FLIP: one LDAP modify sets the lock to `flipped`, `mailHost` to the target and
 *    `mailboxState` back to active. Before it, any failure undoes 1-4 and the user stays on the
 *    source; after it, the move is done whatever happens;
 * 6. `finishing`: every director drops the user's cached routes and releases the held mail, which
 *    flows to the target (the cutover pause ends here); the source keeps its copy aside until its
 *    purge (`sync.finish`); the lock is removed.
 */
import { rpcErrorCodes } from '../common/contract/json-rpc.js';
import { durationInWords, sizeInWords } from '../common/in-words.js';
import { RpcCallError } from '../common/rpc/rpc-errors.js';
import { liveMaildirOf, type MoveContext, MoveRefused, replacedPathOf } from './move-context.js';
import type { MoveRunner } from './move-runner.js';
import { BandwidthLimit } from './sync/bandwidth-limit.js';
import { copyRound, verifyCopy } from './sync/mailbox-copy.js';
import {
  clearMoveMarker,
  finalizeStaging,
  installStaging,
  moveMarkerOf,
  uninstallStaging,
} from './sync/move-commit.js';
import { StagingMaildir } from './sync/staging-maildir.js';

// A finishing step that cannot reach a peer is tried this many times before it is left to the
// peer's own sweep (directors and sources settle holds of finished moves themselves).
const finishingAttempts = 3;

/** Steps 1-5; throws (after which `settleCutover` decides) unless the flip was made. */
export async function cutoverOnce(context: MoveContext, job: MoveRunner): Promise<void> {
  const record = job.record;
  const sourceNode = record.sourceNode ?? '';
  record.cutover = { startedAt: context.now(), step: 'holding' };
  record.phase = 'cutover';
  await job.save('cutover: holding the user\u2019s mail and logins');
  await job.setLock(job.lock('catch-up'), job.lock('cutover'), { mailboxState: 'moving' });

  const directors = await directorNodes(context);
  const held = await Promise.allSettled(
    directors.map((node) => context.links.call(node, 'cutover.hold', { job: record.job, user: record.user })),
  );
  const unheld = directors.filter((_, i) => held[i]!.status === 'rejected');
  if (unheld.length > 0)
    throw new Error(
      `director ${unheld.join(', ')} could not hold the mail: ${reason(held.find((h) => h.status === 'rejected'))}`,
    );
  await context.links.call(sourceNode, 'sync.hold', { job: record.job, user: record.user });
  job.throwIfAborted();

  // The last changes, at full speed: the user is waiting.
  const staging = await StagingMaildir.open(job.stagingPath);
  let round = await copyRound(staging, job.copySource(new BandwidthLimit(0)));
  let verified = await verifyCopy(staging, job.copySource().open, record.job, record.user);
  if (!verified.ok) {
    // A change that slipped between the manifest and the hold: one more delta, then it must agree.
    round = await copyRound(staging, job.copySource(new BandwidthLimit(0)));
    verified = await verifyCopy(staging, job.copySource().open, record.job, record.user);
    if (!verified.ok)
      throw new MoveRefused(`the copy does not match the source: ${verified.differences.join('; ')}`);
  }
  record.verified = { folders: verified.folders, messages: verified.messages, bytes: verified.bytes };
  Object.assign(record.progress, {
    messagesTotal: verified.messages,
    messagesCopied: verified.messages,
    bytesTotal: verified.bytes,
    bytesCopied: verified.bytes,
  });
  record.cutover.step = 'committing';
  await job.save(`verified ${verified.messages} messages in ${verified.folders} folders`);
  job.throwIfAborted();

  await finalizeStaging(staging, round.manifest, record.job);
  const storage = context.storage();
  if (storage && !(await storage.detach(record.user)))
    throw new Error(`the mailbox of ${record.user} is in use on this store`);
  const live = liveMaildirOf(context.mailRoot, record.user);
  await installStaging(job.stagingPath, live, replacedPathOf(context.mailRoot, record.job));

  await context.directory.changeMoveState(record.user, {
    from: job.lock('cutover'),
    to: job.lock('flipped'),
    mailHost: record.target,
    mailboxState: 'active',
  });
  // Only now the user is this store's: its replica may copy the mailbox in (docs/replication.md).
  storage?.mailboxReplaced(record.user);
  await context.sourceSide.welcome(record.user);
  record.phase = 'finishing';
  await job.save(`flipped: ${record.user} is on ${record.target} now`);
}

/**
 * After a cutover failed, or was found in the journal at a restart: true when the flip was made
 * (the directory says so: finish the move); else undoes the cutover (the copy is taken back out
 * of the user's place, the holds are released, the lock goes back to `catch-up`) and the job
 * catches up again.
 */
export async function settleCutover(
  context: MoveContext,
  job: MoveRunner,
  cause?: unknown,
): Promise<boolean> {
  const record = job.record;
  const entry = await context.directory.findUserByAddress(record.user);
  if (entry?.moveState?.job === record.job && entry.moveState.phase === 'flipped') {
    await context.sourceSide.welcome(record.user);
    record.phase = 'finishing';
    await job.save(`flipped: ${record.user} is on ${record.target} now`);
    return true;
  }
  await releaseCutover(context, job);
  if (entry?.moveState?.job === record.job && entry.moveState.phase === 'cutover')
    await job.setLock(job.lock('cutover'), job.lock('catch-up'), { mailboxState: 'active' });
  delete record.cutover;
  record.phase = 'catch-up';
  const why =
    cause === undefined ? 'the agent restarted during it' : reason({ status: 'rejected', reason: cause });
  await job.save(
    `cutover abandoned (${why}): the user\u2019s mail and logins are released, catching up again`,
  );
  return false;
}

/** Undoes steps 2 and 4 of a cutover that did not flip (the lock is the caller's business). */
export async function releaseCutover(context: MoveContext, job: MoveRunner): Promise<void> {
  const record = job.record;
  const live = liveMaildirOf(context.mailRoot, record.user);
  if ((await moveMarkerOf(live)) === record.job) {
    await context.storage()?.detach(record.user);
    await uninstallStaging(live, job.stagingPath);
  }
  const calls = [
    ...(await directorNodes(context)).map((node) => ({
      node,
      call: () => context.links.call(node, 'cutover.release', { job: record.job, user: record.user }),
    })),
    {
      node: record.sourceNode ?? '',
      call: () =>
        context.links.call(record.sourceNode ?? '', 'sync.release', { job: record.job, user: record.user }),
    },
  ];
  // A peer that cannot be reached now releases by itself (its sweep) once the lock has moved on.
  const outcomes = await Promise.allSettled(calls.map((c) => c.call()));
  outcomes.forEach((outcome, i) => {
    if (outcome.status === 'rejected' && !isNotLockedAnyMore(outcome.reason))
      context.logger.warn('could not release a cutover hold; the peer releases it itself', {
        job: record.job,
        node: calls[i]!.node,
        error: reason(outcome),
      });
  });
}

/** Step 6: release the held mail everywhere, leave the old copy to the source, drop the lock. */
export async function finishMove(context: MoveContext, job: MoveRunner): Promise<void> {
  const record = job.record;
  const directors = await directorNodes(context);
  await Promise.all(
    directors.map((node) =>
      tryHard(context, job, `release on ${node}`, () =>
        context.links.call(node, 'cutover.release', { job: record.job, user: record.user }),
      ),
    ),
  );
  if (record.cutoverPauseMs === undefined && record.cutover)
    record.cutoverPauseMs = context.now() - record.cutover.startedAt;
  const keepUntil = record.sourceCopyKeptUntil ?? context.now() + context.tuning.keepDays * 86_400_000;
  record.sourceCopyKeptUntil = keepUntil;
  await job.save(`released the held mail on ${directors.length} director(s)`);
  await tryHard(context, job, `keeping the old copy on ${record.sourceNode}`, () =>
    context.links.call(record.sourceNode ?? '', 'sync.finish', {
      job: record.job,
      user: record.user,
      keepUntil,
    }),
  );
  await clearMoveMarker(liveMaildirOf(context.mailRoot, record.user));
  await job.setLock(job.lock('flipped'), undefined);
  const moved = record.verified ?? { folders: 0, messages: 0, bytes: 0 };
  const took = record.startedAt ? context.now() - record.startedAt : 0;
  delete record.cutover;
  record.phase = 'done';
  record.finishedAt = context.now();
  record.result =
    `moved ${moved.messages} messages (${sizeInWords(moved.bytes)}) to ${record.target} in ${durationInWords(took)}` +
    (record.cutoverPauseMs === undefined
      ? ''
      : `; mail and logins held ${durationInWords(record.cutoverPauseMs)}`);
  await job.save(record.result);
}

/** The directors of the fleet, by their server entries. */
async function directorNodes(context: MoveContext): Promise<string[]> {
  return (await context.directory.listServers()).filter((s) => s.role === 'director').map((s) => s.name);
}

async function tryHard(context: MoveContext, job: MoveRunner, what: string, step: () => Promise<unknown>) {
  for (let attempt = 1; ; attempt++) {
    try {
      await step();
      return;
    } catch (error) {
      if (isNotLockedAnyMore(error)) return;
      if (attempt >= finishingAttempts) {
        context.logger.warn(`${what} failed; the peer settles it itself`, {
          job: job.record.job,
          error: reason({ status: 'rejected', reason: error }),
        });
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, context.tuning.retryDelaysMs[attempt - 1] ?? 1000));
    }
  }
}

/** A peer that says the lock is gone has nothing left to release. */
function isNotLockedAnyMore(error: unknown): boolean {
  return error instanceof RpcCallError && error.code === rpcErrorCodes.refused;
}

function reason(outcome: PromiseSettledResult<unknown> | undefined): string {
  if (outcome?.status !== 'rejected') return 'unknown';
  return outcome.reason instanceof Error ? outcome.reason.message : String(outcome.reason);
}
