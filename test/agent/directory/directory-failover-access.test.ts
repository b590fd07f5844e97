/**
 * Access rules for a logical store's replica and failover state, the same on the embedded
 * directory and on slapd: only a system admin places a replica or names the failover node, only
 * that node (and a system admin) writes the failover state, never the fenced node, and the epoch
 * never goes back.
 */
import { describe, expect, it } from 'vitest';
import { StoreEpochConflict } from '../../../agent/common/directory/store-state.js';
import { directoryBackends } from '../../support/directory-backends.js';
import { seedNames, seedPasswords } from '../../support/directory-seed.js';
import { accessRulesDirectory, expectRefused, tree } from './directory-access-fixture.js';

describe.each(directoryBackends)('directory access rules for store failover on $name', (backend) => {
  const { as } = accessRulesDirectory(backend);

  it("lets only a system admin place a store's replica (not the helpdesk, a domain admin or a store node)", async () => {
    // A store node able to place replicas could place another store's replica on itself and
    // receive that store's mail (docs/replication.md).
    const store02 = as(tree.server('store02'), seedPasswords.server('store02'));
    await expectRefused(store02.setReplicaNode('store01', 'store02'), /replica of store01/);
    await expectRefused(store02.setReplicaNode('store02', 'store01'), /replica of store02/);
    const helpdesk = as(tree.admin(seedNames.admins.helpdesk), seedPasswords.helpdesk);
    await expectRefused(helpdesk.setReplicaNode('store01', 'store02'), /replica of store01/);
    const domainAdmin = as(tree.admin(seedNames.admins.domainAdmin), seedPasswords.domainAdmin);
    await expectRefused(domainAdmin.setReplicaNode('store01', 'store02'), /replica of store01/);
    expect((await store02.getLogicalStore('store01'))?.replicaNode).toBe('spare01');
    const system = as(tree.admin(seedNames.admins.system), seedPasswords.system);
    await system.setReplicaNode('store01', 'store02');
    expect((await store02.getLogicalStore('store01'))?.replicaNode).toBe('store02');
    await system.setReplicaNode('store01', undefined);
    expect((await store02.getLogicalStore('store01'))?.replicaNode).toBeUndefined();
    await system.setReplicaNode('store01', 'spare01');
  });

  it("lets only a system admin and the store's named failover node write its failover state (not the fenced node)", async () => {
    // store01 served store01 and was fenced; store02 holds the replica and runs the failover job.
    const system = as(tree.admin(seedNames.admins.system), seedPasswords.system);
    const store01 = as(tree.server('store01'), seedPasswords.server('store01'));
    const store02 = as(tree.server('store02'), seedPasswords.server('store02'));
    const helpdesk = as(tree.admin(seedNames.admins.helpdesk), seedPasswords.helpdesk);
    const domainAdmin = as(tree.admin(seedNames.admins.domainAdmin), seedPasswords.domainAdmin);
    const before = await system.getLogicalStore('store01');
    expect(before?.state).toBe('serving');
    const fence = {
      fromEpoch: before?.epoch ?? 0,
      epoch: (before?.epoch ?? 0) + 1,
      state: 'failed' as const,
    };
    // Nobody but a system admin may name the failover node: that is what gives a node the right.
    await expectRefused(store02.setFailoverNode('store01', 'store02'), /failover node of store01/);
    await expectRefused(helpdesk.setFailoverNode('store01', 'store02'), /failover node of store01/);
    await expectRefused(domainAdmin.setFailoverNode('store01', 'store02'), /failover node of store01/);
    // Without the name, no node writes the state, nor does the helpdesk or a domain admin.
    await expectRefused(store02.changeStoreState('store01', fence), /failover state of store01/);
    await expectRefused(helpdesk.changeStoreState('store01', fence), /failover state of store01/);
    await expectRefused(domainAdmin.changeStoreState('store01', fence), /failover state of store01/);
    await system.setFailoverNode('store01', 'store02');
    expect((await store01.getLogicalStore('store01'))?.failoverNode).toBe('store02');
    const fenced = await store02.changeStoreState('store01', fence);
    expect(fenced).toMatchObject({ state: 'failed', epoch: fence.epoch, servedBy: 'store01' });
    const repoint = {
      fromEpoch: fence.epoch,
      epoch: fence.epoch + 1,
      state: 'serving' as const,
      servedBy: 'store02',
    };
    // The fenced node cannot write the store back to itself, nor another store's failover node.
    await expectRefused(
      store01.changeStoreState('store01', { ...repoint, servedBy: 'store01' }),
      /failover state of store01/,
    );
    await expectRefused(
      store02.changeStoreState('store02', { fromEpoch: 0, epoch: 1, state: 'failed' }),
      /failover state of store02/,
    );
    // A write from a stale read (the epoch moved on) is refused: the epoch never goes back.
    await store02.changeStoreState('store01', repoint);
    const stale = await store02.changeStoreState('store01', repoint).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(stale).toBeInstanceOf(StoreEpochConflict);
    expect(await system.getLogicalStore('store01')).toMatchObject({
      servedBy: 'store02',
      state: 'serving',
      epoch: repoint.epoch,
    });
    // Back as the seed had it, with the epoch raised again (it never goes back).
    await system.changeStoreState('store01', {
      fromEpoch: repoint.epoch,
      epoch: repoint.epoch + 1,
      state: 'serving',
      servedBy: 'store01',
    });
    await system.setFailoverNode('store01', undefined);
    await expectRefused(
      store02.changeStoreState('store01', {
        fromEpoch: repoint.epoch + 1,
        epoch: repoint.epoch + 2,
        state: 'failed',
      }),
      /failover state of store01/,
    );
  });
});
