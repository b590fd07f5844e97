/**
 * Failover of a logical store with real agent processes over SSH (docs/failover.md): store01
 * serves store01, store02 holds its replica, spare01 is the spare, director01 routes mail and
 * proxies IMAP. Mail goes in through the director all along; users read it through the director's
 * proxy with imapflow. No timing is asserted (the bench measures it): a state is waited for and
 * the suite's timeout bounds the wait; the login delay is printed.
 */
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FailoverJobView } from '../../../agent/common/contract/failover-contract.js';
import { sendTestMessage } from '../../support/agent-processes.js';
import { type CompiledAgent, compileAgent } from '../../support/compiled-agent.js';
import {
  eventually,
  type ReplicationFleet,
  type ReplicationNode,
  replPassword,
  replUser,
  startReplicationFleet,
} from '../replication/replication-fleet.js';

let compiled: CompiledAgent;
let fleet: ReplicationFleet;
const users = [1, 2, 3, 4].map(replUser);

beforeAll(async () => {
  compiled = await compileAgent();
  fleet = await startReplicationFleet(compiled, users.length, { spare: true });
}, 240_000);

afterAll(async () => {
  await fleet?.stop();
  await compiled?.remove();
}, 60_000);

/** An IMAP client of `user` on a port (the director's proxy unless told). */
async function imapLogin(user: string, port = fleet.ports.director01.imap!): Promise<ImapFlow> {
  const client = new ImapFlow({
    host: '127.0.0.1',
    port,
    secure: false,
    auth: { user, pass: replPassword },
    logger: false,
    // The failover closes proxied sessions: imapflow reports it as an error event.
    emitLogs: false,
  });
  client.on('error', () => {});
  await client.connect();
  return client;
}

/** Every Message-ID in the user's INBOX through the proxy, duplicates kept. */
async function inboxIds(user: string): Promise<string[]> {
  const client = await imapLogin(user);
  try {
    const ids: string[] = [];
    const lock = await client.getMailboxLock('INBOX');
    try {
      if ((client.mailbox && typeof client.mailbox === 'object' ? client.mailbox.exists : 0) === 0)
        return ids;
      for await (const message of client.fetch('1:*', { envelope: true })) {
        if (message.envelope?.messageId) ids.push(message.envelope.messageId.replace(/^<|>$/g, ''));
      }
    } finally {
      lock.release();
    }
    return ids;
  } finally {
    await client.logout().catch(() => client.close());
  }
}

/** The failover jobs of a node. */
async function jobsOn(node: ReplicationNode): Promise<FailoverJobView[]> {
  const rpc = await fleet.rpc(node);
  try {
    return (await rpc.client.call('failover.list', {})).jobs;
  } finally {
    rpc.close();
  }
}

/** Starts a failover as a system admin does: names the failover node, then asks it. */
async function failOver(
  store: string,
  to: ReplicationNode,
  spare?: ReplicationNode,
): Promise<FailoverJobView> {
  await fleet.writer.setFailoverNode(store, to);
  const rpc = await fleet.rpc(to);
  try {
    return (await rpc.client.call('failover.start', { store, ...(spare ? { spare } : {}) })).job;
  } finally {
    rpc.close();
  }
}

/** Waits for a job to end; it must end `done`. */
async function finished(node: ReplicationNode, job: string): Promise<FailoverJobView> {
  const ended = await eventually(async () => {
    const found = (await jobsOn(node)).find((j) => j.job === job);
    return found && (found.step === 'done' || found.step === 'failed') ? found : undefined;
  }, 500);
  expect(ended.error, ended.history.map((h) => h.text).join('\n')).toBeUndefined();
  expect(ended.step).toBe('done');
  return ended;
}

/** Mail to the users through the director every 100 ms until stopped; the ids it accepted (250). */
function traffic(prefix: string): { stop: () => Promise<string[]> } {
  const accepted: string[] = [];
  let running = true;
  const loop = (async () => {
    for (let n = 0; running; n++) {
      const id = `${prefix}-${n}@failover.test`;
      const sent = fleet.send(users[n % users.length]!, id).then((ok) => ok && accepted.push(id));
      await new Promise((resolve) => setTimeout(resolve, 100));
      void sent;
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      // Sends still in flight finish before the list is read.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      return [...accepted];
    },
  };
}

/** Waits until every accepted id is in its user's INBOX through the proxy; checks none is there twice. */
async function everyMessageOnce(accepted: string[]): Promise<void> {
  const byUser = new Map<string, string[]>();
  for (const id of accepted) {
    const n = Number(/-(\d+)@/.exec(id)?.[1]);
    const user = users[n % users.length]!;
    byUser.set(user, [...(byUser.get(user) ?? []), id]);
  }
  for (const [user, ids] of byUser) {
    const held = await eventually(async () => {
      const found = await inboxIds(user);
      return ids.every((id) => found.includes(id)) ? found : undefined;
    }, 1000);
    for (const id of ids)
      expect(
        held.filter((x) => x === id),
        `${id} in ${user}'s INBOX`,
      ).toHaveLength(1);
  }
}

describe('failover of store01', () => {
  it('fails a killed store over under traffic: every accepted message once through the proxy, and the store protected again by the spare', async () => {
    await eventually(async () => ((await fleet.stream()).state === 'protected' ? true : undefined));
    // Clients idling through the proxy, as mail clients do.
    const idlers = await Promise.all(users.map((user) => imapLogin(user)));
    for (const client of idlers) await client.mailboxOpen('INBOX');
    const load = traffic('kill');
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await fleet.kill('store01');
    const clickedAt = Date.now();
    const job = await failOver('store01', 'store02', 'spare01');
    expect(job).toMatchObject({
      store: 'store01',
      failedNode: 'store01',
      takenOverBy: 'store02',
      spare: 'spare01',
    });
    // The users log in again through the proxy, now to store02.
    const loggedIn = await eventually(async () => {
      const client = await imapLogin(users[0]!);
      await client.logout();
      return Date.now();
    }, 250);
    console.log(`failover: first IMAP login through the proxy ${loggedIn - clickedAt} ms after the click`);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const accepted = await load.stop();
    for (const client of idlers) client.close();
    expect(accepted.length).toBeGreaterThan(30);
    const ended = await finished('store02', job.job);
    expect(ended.history.map((h) => h.step)).toEqual([
      'fence',
      'stop-old',
      'promote',
      'repoint',
      'reroute',
      'rebuild',
      'done',
    ]);
    await everyMessageOnce(accepted);
    // One server in the directory; the epoch raised twice (fence, repoint).
    expect(await fleet.writer.getLogicalStore('store01')).toMatchObject({
      servedBy: 'store02',
      replicaNode: 'spare01',
      state: 'serving',
      epoch: 2,
    });
    const rpc = await fleet.rpc('store02');
    try {
      const { streams } = await rpc.client.call('replication.status', {});
      expect(streams.find((s) => s.store === 'store01')).toMatchObject({
        replicaNode: 'spare01',
        state: 'protected',
      });
    } finally {
      rpc.close();
    }
  }, 400_000);

  it('split brain: a stopped node failed over and continued serves nothing of the store', async () => {
    // store02 serves store01 now, spare01 holds its replica: stop store02, fail over to spare01.
    const before = traffic('split');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    fleet.signal('store02', 'SIGSTOP');
    let continued = false;
    try {
      const job = await failOver('store01', 'spare01');
      await finished('spare01', job.job);
      fleet.signal('store02', 'SIGCONT');
      continued = true;
      // Straight to store02's own LMTP and IMAP, as a director with an old route or a client
      // that knows its address would: no 250, no login.
      for (let i = 0; i < 3; i++)
        expect(
          await sendTestMessage({
            port: fleet.ports.store02.lmtp!,
            lmtp: true,
            to: users[0]!,
            messageId: `after-cont-${i}@failover.test`,
            body: 'to a fenced node',
          }),
        ).toBe(false);
      await expect(imapLogin(users[0]!, fleet.ports.store02.imap!)).rejects.toThrow();
      expect(await fleet.writer.getLogicalStore('store01')).toMatchObject({
        servedBy: 'spare01',
        state: 'serving',
      });
      // What the director accepted before, during and after is there once, served by spare01.
      const accepted = await before.stop();
      await everyMessageOnce(accepted);
      expect(await inboxIds(users[0]!)).not.toContain('after-cont-0@failover.test');
    } finally {
      if (!continued) fleet.signal('store02', 'SIGCONT');
    }
  }, 400_000);

  it('a fenced node back after its kill serves nothing of the store, and can neither write it back nor fence its new node', async () => {
    await fleet.start('store01');
    const entry = await fleet.writer.getLogicalStore('store01');
    expect(entry).toMatchObject({ servedBy: 'spare01', state: 'serving' });
    const epoch = entry?.epoch ?? 0;
    expect(
      await sendTestMessage({
        port: fleet.ports.store01.lmtp!,
        lmtp: true,
        to: users[1]!,
        messageId: 'to-fenced-store01@failover.test',
        body: 'to a fenced node',
      }),
    ).toBe(false);
    await expect(imapLogin(users[1]!, fleet.ports.store01.imap!)).rejects.toThrow();
    // Its own directory bind: the store's state is not its to write.
    const asStore01 = fleet.directory.reader('store01');
    try {
      await expect(
        asStore01.changeStoreState('store01', {
          fromEpoch: epoch,
          epoch: epoch + 1,
          state: 'serving',
          servedBy: 'store01',
        }),
      ).rejects.toThrow(/insufficient access/);
    } finally {
      await asStore01.close();
    }
    // As a peer: the store's new node takes no fence from it, and no director a re-route.
    const toSpare = await fleet.asPeer('store01', 'spare01');
    const toDirector = await fleet.asPeer('store01', 'director01');
    try {
      await expect(toSpare.client.call('failover.fence', { store: 'store01', epoch })).rejects.toThrow(
        /does not name store01 as the failover node of store01/,
      );
      await expect(
        toDirector.client.call('failover.reroute', { store: 'store01', from: 'spare01' }),
      ).rejects.toThrow(/does not name store01 as the failover node of store01/);
    } finally {
      toSpare.close();
      toDirector.close();
    }
    expect(await fleet.writer.getLogicalStore('store01')).toMatchObject({ servedBy: 'spare01', epoch });
    expect(await inboxIds(users[1]!)).not.toContain('to-fenced-store01@failover.test');
  }, 120_000);
});
