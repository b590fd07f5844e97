/** The plan of a failover (main/core/failover/failover-plan.ts): who is fenced, who serves, where the new replica goes. */
import { describe, expect, it } from 'vitest';
import { planFailover } from '../../../../main/core/failover/failover-plan.js';
import { failoverTestServers, logicalStoreOf } from '../../../support/failover-entries.js';

const store = logicalStoreOf;
const servers = failoverTestServers;

describe('planFailover', () => {
  it('fails a store over to its replica and puts the new replica on a free spare', () => {
    const stores = [store('store01', 'store01', 'store02'), store('store02', 'store02', 'spare01')];
    // spare01 holds store02's replica: the first free spare is spare02.
    expect(planFailover(stores, servers, 'store01')).toEqual({
      store: 'store01',
      failedNode: 'store01',
      takeOverNode: 'store02',
      spare: 'spare02',
    });
    expect(planFailover(stores, servers, 'store01', 'store03')).toMatchObject({ spare: 'store03' });
  });

  it('says in words why there is no plan', () => {
    const stores = [store('store01', 'store01'), store('store02', 'store02', 'store03', 'switching')];
    expect(planFailover(stores, servers, 'store09')).toEqual({
      refusal: 'there is no logical store store09',
    });
    expect(planFailover(stores, servers, 'store01')).toEqual({
      refusal: 'store01 has no replica: there is nothing to fail over to',
    });
    expect(planFailover(stores, servers, 'store02')).toEqual({
      refusal:
        'store02 is being switched over by store02: it finishes or rolls back on its own; if store02 never comes back, run: mailfleet failover store02 --abandon-switch-over',
    });
    const replicated = [store('store01', 'store01', 'store02')];
    expect(planFailover(replicated, servers, 'store01', 'director01')).toEqual({
      refusal: 'director01 is a director, not a store or spare node',
    });
    expect(planFailover(replicated, servers, 'store01', 'store02')).toEqual({
      refusal: 'store02 cannot hold the new replica of store01',
    });
    expect(planFailover(replicated, servers, 'store01', 'nowhere')).toEqual({
      refusal: 'there is no node nowhere',
    });
  });

  it('fails over again a store a stopped job left failed', () => {
    expect(
      planFailover([store('store01', 'store01', 'store02', 'failed')], servers, 'store01'),
    ).toMatchObject({
      takeOverNode: 'store02',
    });
  });
});
