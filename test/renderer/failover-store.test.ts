/**
 * What a store's tile offers and shows from `failover.overview`: the newest job of each store that
 * failed away from the node; a button per store with a replica, none while a job for it runs; the
 * tier carried for the page to choose the button or the line saying who can.
 */
import { describe, expect, it } from 'vitest';
import type { FailoverJobView, FailoverOverview } from '../../main/console/console-contract.js';
import {
  jobsFromNode,
  storesToFailOver,
  storesToSwitch,
} from '../../renderer/src/store/failover/failover-store.js';

function job(id: string, store: string, step: FailoverJobView['step'], startedAt: number): FailoverJobView {
  return {
    job: id,
    store,
    failedNode: 'store01',
    takenOverBy: 'store02',
    spare: 'spare01',
    step,
    epoch: 3,
    startedAt,
    updatedAt: startedAt,
    history: [],
  };
}

const stores: FailoverOverview['stores'] = [
  { store: 'store01', node: 'store01', replicaNode: 'store02' },
  { store: 'store04', node: 'store01', replicaNode: 'store03' },
  { store: 'store05', node: 'store01' },
  { store: 'store02', node: 'store02', replicaNode: 'store03' },
];

describe('the failover store', () => {
  it('offers each store the node serves that has a replica, and none while its job runs', () => {
    const overview: FailoverOverview = { mayFailOver: true, stores, jobs: [], failures: [] };
    expect(storesToFailOver(overview, 'store01')).toEqual({
      may: true,
      stores: [
        { store: 'store01', replicaNode: 'store02' },
        { store: 'store04', replicaNode: 'store03' },
      ],
    });
    const running = { ...overview, jobs: [job('fo-store01-1', 'store01', 'promote', 1)] };
    expect(storesToFailOver(running, 'store01').stores.map((s) => s.store)).toEqual(['store04']);
    // A job that stopped leaves the store to be failed over again.
    const stopped = { ...overview, jobs: [job('fo-store01-1', 'store01', 'failed', 1)] };
    expect(storesToFailOver(stopped, 'store01').stores.map((s) => s.store)).toEqual(['store01', 'store04']);
    expect(storesToFailOver({ ...overview, mayFailOver: false }, 'store01').may).toBe(false);
    expect(storesToFailOver(undefined, 'store01')).toEqual({ may: false, stores: [] });
  });

  it('shows the newest job of each store that failed away from the node', () => {
    const overview: FailoverOverview = {
      mayFailOver: true,
      stores,
      jobs: [
        job('fo-store01-1', 'store01', 'failed', 1),
        job('fo-store01-2', 'store01', 'rebuild', 2),
        job('fo-store04-1', 'store04', 'done', 1),
        { ...job('fo-store02-1', 'store02', 'done', 5), failedNode: 'store02' },
      ],
      failures: [],
    };
    expect(jobsFromNode(overview, 'store01').map((j) => j.job)).toEqual(['fo-store01-2', 'fo-store04-1']);
    expect(jobsFromNode(overview, 'store03')).toEqual([]);
  });

  it('offers Switch to spare for every store the node serves with no job under way, to a system admin only', () => {
    const overview: FailoverOverview = {
      mayFailOver: true,
      stores,
      jobs: [{ ...job('fo-store04-1', 'store04', 'rebuild', 1), planned: true }],
      failures: [],
    };
    expect(storesToSwitch(overview, 'store01')).toEqual(['store01', 'store05']);
    expect(storesToSwitch(overview, 'store03')).toEqual([]);
    expect(storesToSwitch({ ...overview, mayFailOver: false }, 'store01')).toEqual([]);
    expect(storesToSwitch(undefined, 'store01')).toEqual([]);
  });
});
