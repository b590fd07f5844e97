/**
 * Failover of a logical store with real agent processes over SSH (docs/failover.md): store01
 * serves store01, store02 holds its replica, spare01 is the spare, director01 routes mail and
 * proxies IMAP. Mail goes in through the director all along; users read it through the director's
 * proxy with imapflow. No timing is asserted (the bench measures it): a state is waited for and
 * the suite's timeout bounds the wait; the login delay is printed.
 */
import { describe, expect, it } from 'vitest';
import { failoverSteps } from '../../../agent/common/contract/failover-contract.js';
import { sendTestMessage } from '../../support/agent-processes.js';
import { eventually } from '../replication/replication-fleet.js';
import {
  everyMessageOnce,
  expectSwitchedToSpare01,
  failOver,
  failoverFleet,
  finished,
  imapLogin,
  inboxIds,
  store01Protected,
  traffic,
  users,
} from './failover-helpers.js';

const fleet = failoverFleet();

describe('failover of store01', () => {
  it('fails a killed store over under traffic and switches it over to the spare: every accepted message once through the proxy, the spare serving and the store protected', async () => {
    await store01Protected();
    // Clients idling through the proxy, as mail clients do.
    const idlers = await Promise.all(users.map((user) => imapLogin(user)));
    for (const client of idlers) await client.mailboxOpen('INBOX');
    const load = traffic('kill');
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await fleet().kill('store01');
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
    // The traffic runs on through the rebuild and the switch-over to the spare.
    const ended = await finished('store02', job.job);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const accepted = await load.stop();
    for (const client of idlers) client.close();
    expect(accepted.length).toBeGreaterThan(30);
    // Every step once, in order, none failed and none rolled back.
    expect(ended.history.map((h) => h.step)).toEqual(failoverSteps.filter((step) => step !== 'failed'));
    expect(ended.switchPauseMs).toBeGreaterThan(0);
    console.log(`failover: the switch-over to spare01 held mail and logins ${ended.switchPauseMs} ms`);
    console.log(
      ended.history
        .map((h, i) => `${h.at - (ended.history[i - 1]?.at ?? h.at)} ms  ${h.step}: ${h.text}`)
        .join('\n'),
    );
    await everyMessageOnce(accepted);
    // One server in the directory (the spare), the replica kept on store02, protected.
    await expectSwitchedToSpare01();
    // store02 serves nothing of store01 any more.
    expect(
      await sendTestMessage({
        port: fleet().ports.store02.lmtp!,
        lmtp: true,
        to: users[0]!,
        messageId: 'to-switched-store02@failover.test',
        body: 'to the node the store was switched away from',
      }),
    ).toBe(false);
  }, 500_000);

  it('split brain: a stopped node failed over and continued serves nothing of the store', async () => {
    // spare01 serves store01 now, store02 holds its replica: stop spare01, fail over to store02.
    const before = traffic('split');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    fleet().signal('spare01', 'SIGSTOP');
    let continued = false;
    try {
      const job = await failOver('store01', 'store02');
      await finished('store02', job.job);
      fleet().signal('spare01', 'SIGCONT');
      continued = true;
      // Straight to spare01's own LMTP and IMAP, as a director with an old route or a client
      // that knows its address would: no 250, no login.
      for (let i = 0; i < 3; i++)
        expect(
          await sendTestMessage({
            port: fleet().ports.spare01.lmtp!,
            lmtp: true,
            to: users[0]!,
            messageId: `after-cont-${i}@failover.test`,
            body: 'to a fenced node',
          }),
        ).toBe(false);
      await expect(imapLogin(users[0]!, fleet().ports.spare01.imap!)).rejects.toThrow();
      expect(await fleet().writer.getLogicalStore('store01')).toMatchObject({
        servedBy: 'store02',
        state: 'serving',
      });
      // What the director accepted before, during and after is there once, served by store02.
      const accepted = await before.stop();
      await everyMessageOnce(accepted);
      expect(await inboxIds(users[0]!)).not.toContain('after-cont-0@failover.test');
    } finally {
      if (!continued) fleet().signal('spare01', 'SIGCONT');
    }
  }, 400_000);

  it('a fenced node back after its kill serves nothing of the store, and can neither write it back nor fence its new node', async () => {
    await fleet().start('store01');
    const entry = await fleet().writer.getLogicalStore('store01');
    expect(entry).toMatchObject({ servedBy: 'store02', state: 'serving' });
    const epoch = entry?.epoch ?? 0;
    expect(
      await sendTestMessage({
        port: fleet().ports.store01.lmtp!,
        lmtp: true,
        to: users[1]!,
        messageId: 'to-fenced-store01@failover.test',
        body: 'to a fenced node',
      }),
    ).toBe(false);
    await expect(imapLogin(users[1]!, fleet().ports.store01.imap!)).rejects.toThrow();
    // Its own directory bind: the store's state is not its to write.
    const asStore01 = fleet().directory.reader('store01');
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
    const toSpare = await fleet().asPeer('store01', 'store02');
    const toDirector = await fleet().asPeer('store01', 'director01');
    try {
      await expect(toSpare.client.call('failover.fence', { store: 'store01', epoch })).rejects.toThrow(
        /does not name store01 as the failover node of store01/,
      );
      await expect(
        toDirector.client.call('failover.reroute', { store: 'store01', from: 'store02' }),
      ).rejects.toThrow(/does not name store01 as the failover node of store01/);
      // Nor a hold of its mail, nor a take-over by the spare.
      await expect(
        toDirector.client.call('failover.hold', { store: 'store01', job: 'fo-store01-x' }),
      ).rejects.toThrow(/does not name store01 as the failover node of store01/);
    } finally {
      toSpare.close();
      toDirector.close();
    }
    expect(await fleet().writer.getLogicalStore('store01')).toMatchObject({ servedBy: 'store02', epoch });
    expect(await inboxIds(users[1]!)).not.toContain('to-fenced-store01@failover.test');
  }, 120_000);

  it('fails over a store whose node still runs: it stops at once and the replica copies what it still owed', async () => {
    // store02 serves store01 now (the split brain test); its replica goes on spare01 again.
    await fleet().writer.setReplicaNode('store01', 'spare01');
    const protectedOnSpare01 = async () => {
      const rpc = await fleet().rpc('store02');
      try {
        const { streams } = await rpc.client.call('replication.status', {});
        const stream = streams.find((s) => s.store === 'store01');
        return stream?.replicaNode === 'spare01' && stream.state === 'protected' && stream.lagChanges === 0
          ? true
          : undefined;
      } finally {
        rpc.close();
      }
    };
    await eventually(protectedOnSpare01, 500);
    const load = traffic('live');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const job = await failOver('store01', 'spare01');
    const ended = await finished('spare01', job.job);
    expect(ended.history.find((h) => h.step === 'promote')?.text).toMatch(
      /^store02 answered: it stopped serving store01/,
    );
    const accepted = await load.stop();
    await everyMessageOnce(accepted);
    expect(await fleet().writer.getLogicalStore('store01')).toMatchObject({
      servedBy: 'spare01',
      state: 'serving',
    });
    // store02 runs on and serves nothing of store01.
    expect(
      await sendTestMessage({
        port: fleet().ports.store02.lmtp!,
        lmtp: true,
        to: users[2]!,
        messageId: 'to-stopped-store02@failover.test',
        body: 'to a node told to stop',
      }),
    ).toBe(false);
    await expect(imapLogin(users[2]!, fleet().ports.store02.imap!)).rejects.toThrow();
  }, 400_000);
});
