/**
 * The planned switch-over of a logical store to the node that holds its replica in step (the
 * spare), run by the node that serves it (docs/failover.md, "The switch-over"). It follows the
 * moves' cutover (agent/moves/move-cutover.ts) for a whole store:
 *
 * 1. `switch-hold`: one compare-and-set puts the store `switching` (epoch e+1), every director
 *    holds its mail (the queue's durable store hold; resolves once no delivery to it is in
 *    flight) and its users' proxy logins and closes their proxied sessions, and this node refuses
 *    the store (fenced at e+1 on its disk, so a restart does not serve it either);
 * 2. `switch-ship`: the last changes shipped (the stream to the spare acknowledged to its end),
 *    the spare copies what it still owes, checks and puts its copies in the store's place;
 * 3. `switch-repoint`: served by the spare, serving, epoch e+2, replica on this node. Before it a
 *    failure rolls back (`rollBackSwitch`: served by this node again at e+2, holds released);
 *    after it the switch-over is done whatever happens;
 * 4. `switch-release`: every director drops its routes and releases the holds (the pause ends
 *    here); this node's old copies of the mailboxes are moved aside, the spare streams the store
 *    back to this node's replica side.
 *
 * Each step first looks at what is already done (the directory, the spare), so a step run again
 * after a restart does nothing twice.
 */
import { mkdir, readdir, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { FailoverStep } from '../common/contract/failover-contract.js';
import { maildirOfUser } from '../mail/store/maildir/mailbox-path.js';
import type { FailoverRecord } from './failover-journal.js';
import { type FailoverContext, FailoverStopped } from './failover-steps.js';
import { promotionAsideRoot } from './replica-promotion.js';

/** A step's outcome: the next step and what happened, in words. */
interface Done {
  next: FailoverStep;
  text: string;
}

/** The steps before the repoint: a failure there rolls the switch-over back. */
export const beforeSwitchRepoint: readonly FailoverStep[] = ['switch-hold', 'switch-ship'];

/** The switch-over's steps (after the rebuild). */
export function isSwitchStep(step: FailoverStep): boolean {
  return (
    step === 'switch-hold' || step === 'switch-ship' || step === 'switch-repoint' || step === 'switch-release'
  );
}

/** How long the last changes may take to reach the spare before the switch-over is rolled back. */
const shipWaitMs = 10_000;

/** Step 1: the store `switching`, its mail and logins held, this node refusing it. */
export async function switchHold(context: FailoverContext, job: FailoverRecord): Promise<Done> {
  const spare = requireSpare(job);
  const entry = await context.directory.getLogicalStore(job.store);
  if (!entry) throw new FailoverStopped(`there is no logical store ${job.store}`);
  const switching = job.epoch + 1;
  const landed = entry.epoch === switching && entry.state === 'switching' && entry.servedBy === context.node;
  if (!landed) {
    if (entry.epoch !== job.epoch || entry.servedBy !== context.node)
      throw new FailoverStopped(
        `${job.store} changed meanwhile (served by ${entry.servedBy} at epoch ${entry.epoch}, not by ${context.node} at ${job.epoch}): another failover or an administrator wrote it`,
      );
    if (entry.replicaNode !== spare)
      throw new FailoverStopped(
        `the replica of ${job.store} is on ${entry.replicaNode ?? 'no node'} now, not on ${spare}`,
      );
    job.switchStartedAt = context.now();
    await context.save(job);
    await context.directory.changeStoreState(job.store, {
      fromEpoch: job.epoch,
      epoch: switching,
      state: 'switching',
    });
  }
  job.switchStartedAt ??= context.now();
  job.epoch = switching;
  await context.save(job);
  const { users, closed, directors } = await holdOnDirectors(context, job);
  // Deliveries straight to this node and logins that still come here are refused from now on.
  await context.fence(job.store, switching);
  return {
    next: 'switch-ship',
    text: `${job.store} is switching to ${spare} (epoch ${switching}): ${directors} director(s) hold its mail and the logins of ${users} user(s), ${closed} proxied session(s) closed; ${context.node} refuses it`,
  };
}

/** Step 2: the last changes on the spare, its copies checked and put in the store's place. */
export async function switchShip(context: FailoverContext, job: FailoverRecord): Promise<Done> {
  const spare = requireSpare(job);
  const replication = context.replication();
  if (!replication) throw new Error('the replication of this node is not running');
  const started = context.now();
  const deadline = started + shipWaitMs;
  for (;;) {
    const stream = replication.status().find((s) => s.store === job.store);
    // Every change journaled here is acknowledged (held durably by the spare); what its copies
    // still owe is the spare's to settle (`failover.takeOver`), not waited for here.
    if (stream?.replicaNode === spare && stream.state === 'protected' && stream.acked >= stream.head) break;
    if (context.now() > deadline)
      throw new FailoverStopped(
        `${spare} did not acknowledge the last changes of ${job.store} within ${shipWaitMs / 1000} s (${stream ? `${stream.state}, ${stream.head - stream.acked} change(s) not acknowledged` : 'no stream'})`,
      );
    await context.sleep(50);
  }
  const shippedAt = context.now();
  const local = await countMessages(context.mailRoot, await context.storeUsers(job.store));
  const taken = await context.callPeer(
    spare,
    'failover.takeOver',
    { store: job.store, job: job.job, phase: 'promote' },
    30_000,
  );
  // The check: every message this node holds of the store is on the spare (by count per store;
  // the sync engine checked each mailbox's UIDs, sizes and digests as it copied).
  if (taken.messages < local.messages)
    throw new FailoverStopped(
      `${spare} holds ${taken.messages} message(s) of ${job.store}, fewer than the ${local.messages} on ${context.node}`,
    );
  return {
    next: 'switch-repoint',
    text: `${spare} holds the last changes of ${job.store}: ${taken.users} mailbox(es), ${taken.messages} message(s) (${context.node} has ${local.messages}) in place there (shipped in ${shippedAt - started} ms, put in place in ${context.now() - shippedAt} ms)`,
  };
}

/** Step 3: served by the spare, its replica on this node. */
export async function switchRepoint(context: FailoverContext, job: FailoverRecord): Promise<Done> {
  const spare = requireSpare(job);
  const entry = await context.directory.getLogicalStore(job.store);
  if (!entry) throw new FailoverStopped(`there is no logical store ${job.store}`);
  const next = job.epoch + 1;
  const landed = entry.epoch === next && entry.servedBy === spare && entry.state === 'serving';
  if (!landed) {
    if (entry.epoch !== job.epoch || entry.state !== 'switching')
      throw new FailoverStopped(
        `${job.store} changed meanwhile (${entry.state} at epoch ${entry.epoch}, not switching at ${job.epoch}): another failover or an administrator wrote it`,
      );
    await context.directory.changeStoreState(job.store, {
      fromEpoch: job.epoch,
      epoch: next,
      state: 'serving',
      servedBy: spare,
      replicaNode: context.node,
    });
  }
  job.epoch = next;
  return {
    next: 'switch-release',
    text: `${job.store} is served by ${spare} from epoch ${next}; its replica is on ${context.node}`,
  };
}

/** Step 4: the spare serves, the directors re-route and release; this node's old copies aside. */
export async function switchRelease(context: FailoverContext, job: FailoverRecord): Promise<Done> {
  const spare = requireSpare(job);
  await context.callPeer(
    spare,
    'failover.takeOver',
    { store: job.store, job: job.job, phase: 'serve' },
    10_000,
  );
  const missed = await releaseOnDirectors(context, job);
  if (job.switchPauseMs === undefined && job.switchStartedAt !== undefined)
    job.switchPauseMs = context.now() - job.switchStartedAt;
  context.forgetStore(job.store);
  await context
    .replication()
    ?.refreshNow()
    .catch(() => undefined);
  const aside = await setOldCopiesAside(context, job);
  const pause =
    job.switchPauseMs === undefined
      ? ''
      : `; mail and logins held ${(job.switchPauseMs / 1000).toFixed(2)} s`;
  const missedText =
    missed.length === 0
      ? ''
      : `; ${missed.join(', ')} did not answer: it releases when its route cache expires or it restarts`;
  return {
    next: 'done',
    text: `${job.store} is served by ${spare}, its replica kept on ${context.node}: protected${pause}; ${aside} old mailbox copies of ${context.node} kept aside${missedText}`,
  };
}

/**
 * Undoes a switch-over that did not reach its repoint: the store served by this node again
 * (serving at a new epoch, above the one this node refused it at), the holds released. The spare
 * may have put copies in place: it never serves them (the directory does not name it), and its
 * replica is copied again from this node's stream. Returns what happened, in words; throws when
 * the directory cannot be written (the caller tries again).
 */
export async function rollBackSwitch(
  context: FailoverContext,
  job: FailoverRecord,
  why: string,
): Promise<string> {
  const spare = job.spare ?? 'the spare';
  const entry = await context.directory.getLogicalStore(job.store);
  if (!entry) throw new FailoverStopped(`there is no logical store ${job.store}`);
  if (entry.state === 'switching' && entry.servedBy === context.node) {
    await context.directory.changeStoreState(job.store, {
      fromEpoch: entry.epoch,
      epoch: entry.epoch + 1,
      state: 'serving',
    });
    job.epoch = entry.epoch + 1;
  }
  context.forgetStore(job.store);
  await releaseOnDirectors(context, job);
  delete job.switchStartedAt;
  job.switchRollbacks = (job.switchRollbacks ?? 0) + 1;
  return `the switch-over to ${spare} was rolled back (${why}): ${job.store} is served by ${context.node} again, nothing lost; held mail and logins released`;
}

function requireSpare(job: FailoverRecord): string {
  if (!job.spare) throw new FailoverStopped('the job names no spare to switch over to');
  return job.spare;
}

/** Every director of the fleet. */
async function directors(context: FailoverContext): Promise<string[]> {
  return (await context.directory.listServers()).filter((s) => s.role === 'director').map((s) => s.name);
}

/** Holds the store on every director; one that cannot hold it stops the step (rolled back). */
async function holdOnDirectors(
  context: FailoverContext,
  job: FailoverRecord,
): Promise<{ users: number; closed: number; directors: number }> {
  const names = await directors(context);
  const held = await Promise.allSettled(
    names.map((name) => context.callPeer(name, 'failover.hold', { store: job.store, job: job.job }, 5000)),
  );
  const failed = names.filter((_, i) => held[i]!.status === 'rejected');
  if (failed.length > 0) {
    const first = held.find((h) => h.status === 'rejected') as PromiseRejectedResult | undefined;
    throw new FailoverStopped(
      `director ${failed.join(', ')} could not hold the mail of ${job.store}: ${first?.reason instanceof Error ? first.reason.message : String(first?.reason)}`,
    );
  }
  let users = 0;
  let closed = 0;
  for (const outcome of held)
    if (outcome.status === 'fulfilled') {
      users = Math.max(users, outcome.value.users);
      closed += outcome.value.closed;
    }
  return { users, closed, directors: names.length };
}

/** Releases on every director (3 attempts each); returns the ones that did not answer. */
async function releaseOnDirectors(context: FailoverContext, job: FailoverRecord): Promise<string[]> {
  const missed: string[] = [];
  await Promise.all(
    (await directors(context)).map(async (name) => {
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          await context.callPeer(name, 'failover.release', { store: job.store, job: job.job }, 5000);
          return;
        } catch (error) {
          context.logger.warn('a director did not release a switch-over yet', {
            director: name,
            error: String(error),
          });
          await context.sleep(500 * (attempt + 1));
        }
      }
      missed.push(name);
    }),
  );
  return missed;
}

/**
 * This node's mailboxes of the store are moved aside (`.mailfleet-kept/<job>/`), never deleted:
 * the spare serves them now, and this node's replica side copies the store again in its own place.
 */
async function setOldCopiesAside(context: FailoverContext, job: FailoverRecord): Promise<number> {
  const users = await context.storeUsers(job.store);
  const storage = context.storage();
  let moved = 0;
  for (const user of users) {
    const live = maildirOfUser(context.mailRoot, user).maildir;
    if (!(await exists(live))) continue;
    if (storage && !(await storage.detach(user))) {
      context.logger.warn('a mailbox of a switched store is in use; left in place', {
        store: job.store,
        user,
      });
      continue;
    }
    const aside = maildirOfUser(promotionAsideRoot(context.mailRoot, job.job), user).maildir;
    await mkdir(dirname(aside), { recursive: true, mode: 0o700 });
    await rename(live, aside);
    storage?.mailboxReplaced(user);
    moved++;
  }
  return moved;
}

async function exists(path: string): Promise<boolean> {
  try {
    await readdir(path);
    return true;
  } catch {
    return false;
  }
}

/** Messages in `cur/` and `new/` of every folder of the users' mailboxes on this node. */
export async function countMessages(
  mailRoot: string,
  users: readonly string[],
): Promise<{ messages: number }> {
  let messages = 0;
  for (const user of users) {
    const maildir = maildirOfUser(mailRoot, user).maildir;
    messages += await countIn(maildir);
  }
  return { messages };
}

async function countIn(maildir: string): Promise<number> {
  let count = 0;
  const entries = await readdir(maildir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (entry.name === 'cur' || entry.name === 'new')
      count += (await readdir(join(maildir, entry.name)).catch(() => [] as string[])).length;
    else if (entry.isDirectory() && entry.name.startsWith('.') && !entry.name.startsWith('.mailfleet'))
      count += await countIn(join(maildir, entry.name));
  }
  return count;
}
