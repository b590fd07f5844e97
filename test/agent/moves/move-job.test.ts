/**
 * Move jobs between real agents (two stores, a director with its queue and proxy, a gateway),
 * driven over SSH as an administrator would: a plan, a start, the job's phases to `done`, the
 * mailbox on the new store with the same UIDs and flags through the director's proxy, mail sent
 * afterwards delivered there, no hold left on the director, the old copy kept on the old store,
 * and a rollback that brings the user back with what arrived meanwhile. A batch runs in order
 * within its concurrency (seen on the `move.progress` stream); a cancelled move rolls back;
 * `move.purge` deletes an old copy. Bad input is refused in words and changes nothing, and the
 * bulk channel is refused to an administrator's key.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MoveJob } from '../../../agent/common/contract/move-contract.js';
import type { RpcConnection } from '../../../agent/common/rpc/connect-rpc.js';
import { RpcCallError } from '../../../agent/common/rpc/rpc-errors.js';
import { hostKeyPath, mailRootPath } from '../../../agent/daemon/agent-config.js';
import { stagingPathOf } from '../../../agent/moves/move-context.js';
import { PeerLinks } from '../../../agent/moves/peer-links.js';
import { storeUsers } from '../../support/store-seed.js';
import { type MailPathFleet, sendMail, startMailPathFleet, until } from '../daemon/mail-path-fleet.js';

const dave = storeUsers.dave; // beta.example, on store01
let fleet: MailPathFleet;

async function imap(user: { mail: string; password: string }) {
  const client = new ImapFlow({
    host: fleet.endpoints.imap.host,
    port: fleet.endpoints.imap.port,
    secure: false,
    auth: { user: user.mail, pass: user.password },
    logger: false,
  });
  await client.connect();
  return client;
}

/** UIDs and flags of a folder through the director's proxy (\Recent belongs to a session: left out). */
async function folderState(client: ImapFlow, folder: string) {
  const lock = await client.getMailboxLock(folder);
  try {
    const status = client.mailbox === false ? undefined : client.mailbox;
    const messages: Array<{ uid: number; flags: string[]; subject: string }> = [];
    for await (const message of client.fetch('1:*', { uid: true, flags: true, envelope: true }))
      messages.push({
        uid: message.uid,
        flags: [...(message.flags ?? [])].filter((f) => f !== '\\Recent').sort(),
        subject: message.envelope?.subject ?? '',
      });
    return { uidValidity: Number(status?.uidValidity), messages };
  } finally {
    lock.release();
  }
}

async function waitForJob(
  rpc: RpcConnection,
  job: string,
  until: (job: MoveJob) => boolean,
): Promise<MoveJob> {
  for (;;) {
    const { job: current } = await rpc.client.call('move.show', { job });
    if (until(current)) return current;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function refusal(promise: Promise<unknown>): Promise<RpcCallError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RpcCallError);
  return error as RpcCallError;
}

beforeAll(async () => {
  fleet = await startMailPathFleet();
}, 60_000);

afterAll(async () => {
  await fleet?.stop();
});

describe('a move job', () => {
  it('moves a mailbox with its UIDs and flags, delivers later mail to the new store, and rolls back', async () => {
    for (let i = 0; i < 12; i++) {
      const sent = await sendMail(
        fleet.endpoints.directorSmtp,
        '127.0.0.1',
        { from: 'a@example.org', to: [dave.mail] },
        `before ${i}`,
      );
      expect(sent.ok).toBe(true);
    }
    const client = await imap(dave);
    await until(async () => {
      const status = await client.status('INBOX', { messages: true });
      return status !== false && status.messages === 12;
    });
    await client.mailboxCreate('研究室');
    await client.mailboxOpen('INBOX');
    await client.messageFlagsAdd('1:3', ['\\Seen'], { uid: true });
    await client.messageFlagsAdd('4', ['$Label1', '\\Flagged'], { uid: true });
    await client.messageMove('5:6', '研究室', { uid: true });
    const before = { inbox: await folderState(client, 'INBOX'), lab: await folderState(client, '研究室') };
    await client.logout();

    // The domain admin of beta.example moves its own user, on the target's agent.
    const store02 = await fleet.rpc('store02', 'dom');
    const plan = await store02.client.call('move.plan', { users: [dave.mail], to: 'store02' });
    expect(plan).toMatchObject({ target: 'store02', mailboxes: 1, messages: 12, refusals: [] });
    expect(plan.bytes).toBeGreaterThan(0);
    expect(plan.targetDisk.usedAfterBytes).toBe(plan.targetDisk.usedBytes + plan.bytes);
    // The speed the estimate is for: the node's defaults, or the one asked (the console's fields).
    expect(plan.speed).toEqual({ concurrency: 2, bandwidthBytesPerSecond: 40 * 1024 * 1024 });
    const slow = await store02.client.call('move.plan', {
      users: [dave.mail],
      to: 'store02',
      concurrency: 1,
      bandwidthBytesPerSecond: 1000,
    });
    expect(slow.speed).toEqual({ concurrency: 1, bandwidthBytesPerSecond: 1000 });
    expect(slow.estimatedSeconds).toBeGreaterThanOrEqual(Math.floor(plan.bytes / 1000));
    expect(slow.estimatedSeconds).toBeGreaterThan(plan.estimatedSeconds);
    const started = await store02.client.call('move.start', { users: [dave.mail], to: 'store02' });
    expect(started.jobs).toHaveLength(1);
    const job = started.jobs[0]!.job;
    const done = await waitForJob(store02, job, (j) => ['done', 'failed', 'cancelled'].includes(j.phase));
    expect(done.error).toBeUndefined();
    expect(done).toMatchObject({ phase: 'done', source: 'store01', target: 'store02', user: dave.mail });
    expect(done.verified).toMatchObject({ messages: 12 });
    expect(done.cutoverPauseMs).toBeGreaterThan(0);
    expect(done.result).toMatch(/^moved 12 messages \(.+\) to store02 in .+; mail and logins held .+$/);
    const { events } = await store02.client.call('move.show', { job });
    expect(events.map((e) => e.phase)).toEqual(
      expect.arrayContaining(['copy', 'catch-up', 'cutover', 'finishing', 'done']),
    );

    const entry = await fleet.writer.findUserByAddress(dave.mail);
    expect(entry).toMatchObject({ mailHost: 'store02', mailboxState: 'active' });
    expect(entry?.moveState).toBeUndefined();
    const director = await fleet.rpc('director01');
    expect((await director.client.call('queue.summary', {})).holds).toEqual([]);

    const after = await imap(dave);
    expect({ inbox: await folderState(after, 'INBOX'), lab: await folderState(after, '研究室') }).toEqual(
      before,
    );
    await after.logout();

    // Mail sent now goes to store02; the old copy waits on store01.
    const late = await sendMail(
      fleet.endpoints.directorSmtp,
      '127.0.0.1',
      { from: 'a@example.org', to: [dave.mail] },
      'after the move',
    );
    expect(late.ok).toBe(true);
    const store02Stats = await fleet.rpc('store02');
    await until(async () =>
      (await store02Stats.client.call('mailbox.stats', { user: dave.mail })).folders.some(
        (f) => f.name === 'INBOX' && f.messages === 11,
      ),
    );
    const store01 = await fleet.rpc('store01');
    const kept = (await store01.client.call('move.list', {})).keptCopies;
    expect(kept).toEqual([
      expect.objectContaining({ user: dave.mail, job, movedTo: 'store02', messages: 12 }),
    ]);
    expect(kept[0]!.keepUntil).toBe(done.sourceCopyKeptUntil);

    // Cancelling a finished job is refused in words; a rollback moves dave back, with the new mail.
    const cancel = await refusal(store02.client.call('move.cancel', { job }));
    expect(cancel.codeName).toBe('refused');
    expect(cancel.message).toBe(
      `job ${job} is done: ${dave.mail} is on store02 (a rollback moves them back)`,
    );
    const { job: back } = await store02.client.call('move.rollback', { job });
    expect(back).toMatchObject({ source: 'store02', target: 'store01', rollbackOf: job, node: 'store01' });
    const returned = await waitForJob(store01, back.job, (j) =>
      ['done', 'failed', 'cancelled'].includes(j.phase),
    );
    expect(returned.error).toBeUndefined();
    expect(returned.phase).toBe('done');
    expect((await fleet.writer.findUserByAddress(dave.mail))?.mailHost).toBe('store01');
    const home = await imap(dave);
    const inbox = await folderState(home, 'INBOX');
    expect(inbox.messages.map((m) => m.subject)).toContain('after the move');
    expect(inbox.uidValidity).toBe(before.inbox.uidValidity);
    await home.logout();
    const again = await refusal(store02.client.call('move.rollback', { job }));
    expect(again.message).toBe(`job ${job} was rolled back already, by job ${back.job}`);
  }, 120_000);

  it('refuses bad moves in words and changes nothing', async () => {
    const hd = await fleet.rpc('store02', 'hd');
    const alice = storeUsers.alice.mail; // on store01
    const bob = storeUsers.bob.mail; // on store02
    const same = await refusal(hd.client.call('move.start', { users: [bob], to: 'store02' }));
    expect(same.codeName).toBe('refused');
    expect(same.message).toBe(`nothing was moved: ${bob} is already on store02`);
    const unknown = await refusal(
      hd.client.call('move.start', { users: [alice, 'nobody@alpha.example'], to: 'store02' }),
    );
    expect(unknown.message).toBe('nothing was moved: no user has the address nobody@alpha.example');
    const elsewhere = await refusal(hd.client.call('move.start', { users: [alice], to: 'store01' }));
    expect(elsewhere.message).toBe(
      `nothing was moved: store01 is served by node store01, not by store02: ask store01`,
    );
    const nowhere = await refusal(hd.client.call('move.start', { users: [alice], to: 'store09' }));
    expect(nowhere.message).toBe('nothing was moved: there is no store store09');
    const plan = await hd.client.call('move.plan', { users: [alice, bob, alice], to: 'store02' });
    expect(plan.refusals.map((r) => r.code)).toEqual(['same-store', 'duplicate']);
    expect(plan.mailboxes).toBe(1);
    // A user another job holds: the lock in the directory says whose.
    await fleet.writer.changeMoveState(alice, {
      from: undefined,
      to: { job: 'mv-store03-other', source: 'store01', target: 'store03', phase: 'copy' },
    });
    const busy = await refusal(hd.client.call('move.start', { users: [alice], to: 'store02' }));
    expect(busy.message).toBe(
      `nothing was moved: ${alice} is already being moved by job mv-store03-other (store01 to store03, copy)`,
    );
    await fleet.writer.changeMoveState(alice, {
      from: { job: 'mv-store03-other', source: 'store01', target: 'store03', phase: 'copy' },
      to: undefined,
    });
    // A domain admin moving another department's user is refused by the agent.
    const dom = await fleet.rpc('store02', 'dom');
    const foreign = await refusal(dom.client.call('move.start', { users: [alice], to: 'store02' }));
    expect(foreign.codeName).toBe('forbidden');
    expect(foreign.message).toBe(
      `domain admin dom may not act on ${alice}: alpha.example is not one of their domains`,
    );
    const list = await hd.client.call('move.list', {});
    expect(list.jobs.filter((j) => j.user === alice)).toEqual([]);
    expect((await fleet.writer.findUserByAddress(alice))?.mailHost).toBe('store01');
  }, 60_000);

  it('runs a batch in order within its concurrency, streams its progress, cancels, and purges old copies', async () => {
    const sys = await fleet.rpc('store02');
    const phases = new Map<string, string[]>();
    let mostAtOnce = 0;
    const running = new Set<string>();
    sys.client.onNotification('move.progress', ({ job }) => {
      phases.set(job.user, [...(phases.get(job.user) ?? []), job.phase]);
      if (!['waiting', 'done', 'failed', 'cancelled'].includes(job.phase)) running.add(job.job);
      else running.delete(job.job);
      mostAtOnce = Math.max(mostAtOnce, running.size);
    });
    await sys.client.call('move.subscribe', {});
    const users = [storeUsers.carol.mail, storeUsers.dave.mail, storeUsers.alice.mail]; // all on store01
    const { batch, jobs } = await sys.client.call('move.start', { users, to: 'store02', concurrency: 1 });
    expect(batch).toMatchObject({ concurrency: 1, jobs: 3 });
    for (const job of jobs) await waitForJob(sys, job.job, (j) => j.phase === 'done');
    expect(mostAtOnce).toBe(1);
    // In the order given: each started only once the one before it was done.
    const firstSeen = users.map((u) => jobs.find((j) => j.user === u)!.job);
    const { jobs: listed } = await sys.client.call('move.list', { state: 'finished' });
    const started = firstSeen.map((id) => listed.find((j) => j.job === id)!.startedAt ?? 0);
    const ended = firstSeen.map((id) => listed.find((j) => j.job === id)!.finishedAt ?? 0);
    expect(started[1]!).toBeGreaterThanOrEqual(ended[0]!);
    expect(started[2]!).toBeGreaterThanOrEqual(ended[1]!);
    // The stream's last notification may arrive just after move.show said done.
    await until(() => users.every((u) => phases.get(u)?.includes('done')));
    for (const user of users)
      expect(phases.get(user)).toEqual(expect.arrayContaining(['copy', 'cutover', 'done']));

    // A move cancelled while it copies rolls back: the user stays, no lock, no staging copy.
    // Carol needs a message for the copy to wait on: at 1 byte a second it takes minutes.
    const sent = await sendMail(
      fleet.endpoints.directorSmtp,
      '127.0.0.1',
      { from: 'a@example.org', to: [storeUsers.carol.mail] },
      'to be copied slowly',
    );
    expect(sent.ok).toBe(true);
    await until(async () =>
      (await sys.client.call('mailbox.stats', { user: storeUsers.carol.mail })).folders.some(
        (f) => f.name === 'INBOX' && f.messages === 1,
      ),
    );
    const slow = await sys.client
      .call('move.start', {
        users: [storeUsers.carol.mail],
        to: 'store01',
        bandwidthBytesPerSecond: 1,
      })
      .catch((e: unknown) => e);
    expect((slow as RpcCallError).message).toMatch(/served by node store01, not by store02/);
    const back = await fleet.rpc('store01');
    const { jobs: moving } = await back.client.call('move.start', {
      users: [storeUsers.carol.mail],
      to: 'store01',
      bandwidthBytesPerSecond: 1,
    });
    const copying = await waitForJob(back, moving[0]!.job, (j) => j.phase !== 'waiting');
    expect(copying.phase).toBe('copy');
    expect((await back.client.call('move.cancel', { job: moving[0]!.job })).cancelled).toEqual([
      moving[0]!.job,
    ]);
    const cancelled = await waitForJob(back, moving[0]!.job, (j) =>
      ['done', 'failed', 'cancelled'].includes(j.phase),
    );
    expect(cancelled).toMatchObject({
      phase: 'cancelled',
      result: `cancelled: ${storeUsers.carol.mail} stays on store02`,
    });
    // Once: a cancelled job does not roll back again and again.
    const { events: history } = await back.client.call('move.show', { job: moving[0]!.job });
    expect(history.map((e) => e.text).filter((t) => t.startsWith('cancelled'))).toEqual([
      'cancelled: rolling back',
      `cancelled: ${storeUsers.carol.mail} stays on store02`,
    ]);
    const carol = await fleet.writer.findUserByAddress(storeUsers.carol.mail);
    expect(carol).toMatchObject({ mailHost: 'store02', mailboxState: 'active' });
    expect(carol?.moveState).toBeUndefined();
    expect(
      existsSync(dirname(stagingPathOf(mailRootPath(fleet.agents.store01.config), moving[0]!.job))),
    ).toBe(false);

    // Old copies on store01: purged on request (staff), a user without one is not.
    const store01 = await fleet.rpc('store01');
    const kept = (await store01.client.call('move.list', {})).keptCopies.map((c) => c.user);
    expect(kept).toEqual(expect.arrayContaining(users));
    expect((await store01.client.call('move.purge', { user: storeUsers.alice.mail })).purged).toBe(true);
    expect((await store01.client.call('move.list', {})).keptCopies.map((c) => c.user)).not.toContain(
      storeUsers.alice.mail,
    );
    expect((await store01.client.call('move.purge', { user: storeUsers.alice.mail })).purged).toBe(false);
  }, 120_000);

  it('lets a peer open the bulk channels of a batch of moves at once on its one connection', async () => {
    // A batch of 16 moves from one source: 16 bulk channels beside the RPC channel (an admin has 8).
    const peer = new PeerLinks({
      node: 'store02',
      privateKey: () => readFileSync(hostKeyPath(fleet.agents.store02.config), 'utf8'),
      directory: fleet.writer,
    });
    try {
      await peer.call('store01', 'sync.figures', { user: storeUsers.bob.mail });
      const channels = await Promise.all(Array.from({ length: 16 }, () => peer.openSync('store01')));
      expect(channels).toHaveLength(16);
      for (const channel of channels) channel.destroy();
    } finally {
      peer.close();
    }
  }, 60_000);

  it('refuses a store whose node is in maintenance, and the bulk channel to an administrator', async () => {
    const hd = await fleet.rpc('store01', 'hd');
    await fleet.writer.updateServer('store01', { state: 'maintenance' });
    try {
      const refused = await refusal(
        hd.client.call('move.start', { users: [storeUsers.bob.mail], to: 'store01' }),
      );
      expect(refused.message).toBe('nothing was moved: the node of store01 (store01) is marked maintenance');
    } finally {
      await fleet.writer.updateServer('store01', { state: 'active' });
    }
    await expect(hd.openSubsystem('mailfleet-sync')).rejects.toThrow();
    // The connection still serves the administrator's calls.
    expect((await hd.client.call('move.list', {})).jobs).toBeDefined();
  }, 60_000);
});
