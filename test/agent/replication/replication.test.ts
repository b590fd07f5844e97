/**
 * Replication of a logical store with real agent processes over SSH (docs/replication.md):
 * store01 serves store01, store02 holds its replica (the directory's placement), store03 holds
 * none, director01 routes mail. Mail goes in through the director (LMTP to store01); the replica is
 * read from store02's disk. No timing is asserted: a state is waited for, and the suite's timeout
 * bounds the wait.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFrames, writeFrame } from '../../../agent/moves/sync/sync-frames.js';
import { type CompiledAgent, compileAgent } from '../../support/compiled-agent.js';
import {
  eventually,
  maildirMessageIds,
  type ReplicationFleet,
  replicaFolder,
  replPassword,
  replUser,
  startReplicationFleet,
} from './replication-fleet.js';

let compiled: CompiledAgent;
let fleet: ReplicationFleet;

beforeAll(async () => {
  compiled = await compileAgent();
  fleet = await startReplicationFleet(compiled, 6);
}, 240_000);

afterAll(async () => {
  await fleet?.stop();
  await compiled?.remove();
}, 60_000);

/** store01's full resyncs of a replica that held something (not the first connection's). */
function fullResyncs(): Array<Record<string, unknown>> {
  return fleet
    .replicationLog('store01')
    .filter(
      (line) =>
        line.msg === 'replica needs a full resync' && Number((line.fields as { held: number }).held) > 0,
    );
}

/** Waits until store01 says its store is protected by store02. */
async function protectedAgain(): Promise<void> {
  await eventually(async () => ((await fleet.stream()).state === 'protected' ? true : undefined));
}

/** Waits until the stream has nothing left to copy. */
async function settled(): Promise<void> {
  await eventually(async () => {
    const stream = await fleet.stream();
    return stream.state === 'protected' && stream.lagChanges === 0 ? true : undefined;
  });
}

async function imapAs(user: string): Promise<ImapFlow> {
  const client = new ImapFlow({
    host: '127.0.0.1',
    port: fleet.ports.store01.imap!,
    secure: false,
    auth: { user, pass: replPassword },
    logger: false,
  });
  await client.connect();
  return client;
}

describe('replication of store01 on store02', () => {
  it('holds every delivered message on the replica before the 250', async () => {
    await protectedAgain();
    const user = replUser(1);
    for (let i = 1; i <= 5; i++) {
      const id = `before-250-${i}@test`;
      // The store's LMTP 250, as the director gets it.
      expect(await fleet.deliver(user, id)).toBe(true);
      // Read at once after the 250: the replica acknowledged it only after its fsync (its
      // spool, or already its copy of the Maildir).
      expect(await fleet.replicaHolds(user)).toContain(id);
    }
    // Then written into the replica's Maildir.
    await eventually(async () =>
      (await maildirMessageIds(fleet.replicaMaildir(user))).includes('before-250-5@test') ? true : undefined,
    );
    expect((await maildirMessageIds(fleet.replicaMaildir(user))).sort()).toEqual(
      [1, 2, 3, 4, 5].map((i) => `before-250-${i}@test`),
    );
    // And through the director: once its queue delivered (a 250 from store01), the replica has it.
    expect(await fleet.send(user, 'via-director@test')).toBe(true);
    await eventually(async () =>
      (await maildirMessageIds(fleet.primaryMaildir(user))).includes('via-director@test') ? true : undefined,
    );
    expect(await fleet.replicaHolds(user)).toContain('via-director@test');
    expect((await fleet.stream()).state).toBe('protected');
  }, 120_000);

  it('copies flags, keywords, expunges, folders and subscriptions with the same UIDs', async () => {
    await protectedAgain();
    const user = replUser(2);
    for (let i = 1; i <= 4; i++) expect(await fleet.deliver(user, `changes-${i}@test`)).toBe(true);
    const client = await imapAs(user);
    try {
      await client.mailboxOpen('INBOX');
      const uids = (await client.search({ all: true }, { uid: true })) || [];
      expect(uids.length).toBe(4);
      await client.messageFlagsAdd(String(uids[0]), ['\\Flagged', '$Project'], { uid: true });
      await client.messageFlagsAdd(String(uids[1]), ['\\Seen'], { uid: true });
      await client.messageDelete(String(uids[2]), { uid: true });
      await client.mailboxCreate('Projects');
      await client.mailboxSubscribe('Projects');
      await client.messageMove(String(uids[3]), 'Projects', { uid: true });
      await client.mailboxRename('Projects', 'Archive2026');
      await client.mailboxSubscribe('Archive2026');
      await client.mailboxCreate('Old');
      await client.mailboxDelete('Old');
    } finally {
      await client.logout();
    }
    // Another program's delivery into the primary's Maildir, found by the next SELECT's scan.
    await writeFile(
      `${fleet.primaryMaildir(user)}/new/1765000000.M1P1Q1.external`,
      'From: other@example.org\r\nMessage-ID: <external-1@test>\r\nSubject: dropped in\r\n\r\nby another program\r\n',
    );
    const rescan = await imapAs(user);
    await rescan.mailboxOpen('INBOX');
    await rescan.logout();
    await settled();

    // The primary as IMAP shows it, folder by folder.
    const check = await imapAs(user);
    const primary = new Map<
      string,
      { uidValidity: number; messages: Map<number, { messageId: string; flags: string[] }> }
    >();
    try {
      for (const folder of ['INBOX', 'Archive2026']) {
        const box = await check.mailboxOpen(folder);
        const messages = new Map<number, { messageId: string; flags: string[] }>();
        if (box.exists > 0)
          for await (const m of check.fetch('1:*', { uid: true, flags: true, envelope: true }))
            messages.set(m.uid, {
              messageId: m.envelope?.messageId?.replace(/^<|>$/g, '') ?? '',
              flags: [...(m.flags ?? [])].filter((f) => f !== '\\Recent').sort(),
            });
        primary.set(folder, { uidValidity: Number(box.uidValidity), messages });
      }
    } finally {
      await check.logout();
    }
    expect(primary.get('INBOX')!.messages.size).toBe(3);
    expect(primary.get('Archive2026')!.messages.size).toBe(1);

    const replica = fleet.replicaMaildir(user);
    await eventually(async () => {
      const inbox = await replicaFolder(replica);
      const archive = await replicaFolder(`${replica}/.Archive2026`);
      const same = (a: typeof inbox, b: typeof inbox) =>
        a.uidValidity === b.uidValidity &&
        JSON.stringify([...a.messages].sort()) === JSON.stringify([...b.messages].sort());
      return same(inbox, primary.get('INBOX')!) && same(archive, primary.get('Archive2026')!)
        ? true
        : undefined;
    });
    const inbox = await replicaFolder(replica);
    expect([...inbox.messages.values()].find((m) => m.messageId === 'changes-1@test')?.flags).toEqual([
      '$Project',
      '\\Flagged',
    ]);
    expect(await maildirMessageIds(replica)).not.toContain('changes-3@test');
    expect(await maildirMessageIds(replica)).toContain('external-1@test');
    const folders = (await readdir(replica)).filter((name) => name.startsWith('.'));
    expect(folders).toContain('.Archive2026');
    expect(folders).not.toContain('.Projects');
    expect(folders).not.toContain('.Old');
    expect((await readFile(`${replica}/subscriptions`, 'utf8')).split('\n')).toContain('Archive2026');
  }, 120_000);

  it('refuses the stream and the pulls to a node the directory does not place the replica on', async () => {
    // store03 offers store02 a stream for store01, as if it served it.
    const toReplica = await fleet.asPeer('store03', 'store02');
    try {
      const channel = await toReplica.openSubsystem('mailfleet-replica');
      await writeFrame(channel, { kind: 'hello', store: 'store01', journal: '0'.repeat(32), head: 0 });
      const answer = await readFrames(channel).next();
      expect(answer.done).toBe(false);
      expect(answer.value?.header).toMatchObject({
        kind: 'error',
        message: expect.stringMatching(/store03 does not serve store01/),
      });
    } finally {
      toReplica.close();
    }
    // store03 asks store01 for a user's mailbox as if it held store01's replica.
    const toPrimary = await fleet.asPeer('store03', 'store01');
    try {
      const channel = await toPrimary.openSubsystem('mailfleet-sync');
      await writeFrame(channel, { op: 'manifest', job: 'rp-store01', user: replUser(1) });
      const answer = await readFrames(channel).next();
      expect(answer.value?.header).toMatchObject({
        kind: 'error',
        message: expect.stringMatching(/does not place the replica of store01 on store03/),
      });
    } finally {
      toPrimary.close();
    }
    // The holder itself may pull (the same request from store02 is answered).
    const holder = await fleet.asPeer('store02', 'store01');
    try {
      const channel = await holder.openSubsystem('mailfleet-sync');
      await writeFrame(channel, { op: 'manifest', job: 'rp-store01', user: replUser(1) });
      const answer = await readFrames(channel).next();
      expect(answer.value?.header).toMatchObject({ kind: 'mailbox', exists: true });
    } finally {
      holder.close();
    }
  }, 60_000);

  it('goes on without a killed replica holder, unprotected, and catches up after its restart', async () => {
    await protectedAgain();
    const user = replUser(3);
    const accepted: string[] = [];
    let sending = true;
    let n = 0;
    const traffic = (async () => {
      while (sending) {
        const id = `traffic-${++n}@test`;
        if (await fleet.send(user, id)) accepted.push(id);
      }
    })();
    await eventually(async () => (accepted.length >= 5 ? true : undefined));
    await fleet.kill('store02');
    const beforeKill = accepted.length;
    // The primary goes on: more mail is accepted while the replica is down, and the store says so.
    await eventually(async () => ((await fleet.stream()).state === 'unprotected' ? true : undefined));
    await eventually(async () => (accepted.length >= beforeKill + 10 ? true : undefined));
    const whileDown = accepted.length - beforeKill;
    expect(whileDown).toBeGreaterThanOrEqual(10);
    await fleet.start('store02');
    await protectedAgain();
    await eventually(async () => (accepted.length >= beforeKill + whileDown + 5 ? true : undefined));
    sending = false;
    await traffic;
    await settled();
    const onReplica = await eventually(async () => {
      const ids = await maildirMessageIds(fleet.replicaMaildir(user));
      return ids.length >= accepted.length ? ids : undefined;
    });
    // Nothing missing, nothing twice.
    expect([...onReplica].sort()).toEqual([...accepted].sort());
    expect(new Set(onReplica).size).toBe(onReplica.length);
    expect((await maildirMessageIds(fleet.primaryMaildir(user))).sort()).toEqual([...accepted].sort());
    // Caught up from the journal's sequence: no full resync after the first connection.
    expect(fullResyncs()).toEqual([]);
  }, 240_000);

  it('copies the whole store again when the journal lost what a returning replica needs', async () => {
    await protectedAgain();
    const user = replUser(5);
    await fleet.kill('store02');
    // More changes than the journal keeps (200): the oldest are dropped.
    const ids = Array.from({ length: 240 }, (_, i) => `while-away-${i}@test`);
    for (const id of ids) expect(await fleet.deliver(user, id)).toBe(true);
    expect((await fleet.stream()).state).toBe('unprotected');
    await fleet.start('store02');
    await settled();
    expect(fullResyncs().length).toBe(1);
    const onReplica = await eventually(async () => {
      const found = await maildirMessageIds(fleet.replicaMaildir(user));
      return found.length >= ids.length ? found : undefined;
    });
    expect(onReplica.sort()).toEqual([...ids].sort());
  }, 240_000);

  it("drops a user's copy from the replica when the mailbox moves to another store", async () => {
    await protectedAgain();
    const user = replUser(6);
    for (let i = 1; i <= 3; i++) expect(await fleet.deliver(user, `moving-${i}@test`)).toBe(true);
    await eventually(async () =>
      (await maildirMessageIds(fleet.replicaMaildir(user))).length === 3 ? true : undefined,
    );
    // A mailbox move to store03 (which serves a store with no replica), run by store03's agent.
    const target = await fleet.rpc('store03');
    try {
      const { jobs } = await target.client.call('move.start', { users: [user], to: 'store03' });
      const job = jobs[0]!.job;
      const done = await eventually(async () => {
        const { job: state } = await target.client.call('move.show', { job });
        return ['done', 'failed', 'cancelled'].includes(state.phase) ? state.phase : undefined;
      });
      expect(done).toBe('done');
    } finally {
      target.close();
    }
    // The old copy was moved aside on store01: its replica hears of it and drops the user's copy.
    await eventually(async () =>
      (await readdir(fleet.replicaMaildir(user)).catch(() => undefined)) === undefined ? true : undefined,
    );
    expect(await maildirMessageIds(fleet.replicaMaildir(user))).toEqual([]);
  }, 120_000);

  it('has on the replica a message whose primary was killed right after its 250', async () => {
    await protectedAgain();
    const user = replUser(4);
    const id = 'last-before-crash@test';
    expect(await fleet.deliver(user, id)).toBe(true);
    await fleet.kill('store01');
    expect(await fleet.replicaHolds(user)).toContain(id);
    // Written into the replica's Maildir without the primary.
    await eventually(async () =>
      (await maildirMessageIds(fleet.replicaMaildir(user))).includes(id) ? true : undefined,
    );
    await fleet.start('store01');
    await protectedAgain();
  }, 120_000);
});
