/** The plan of a switch to spare (main/core/failover/switch-plan.ts): which node takes the healthy store over, and why not. */
import { describe, expect, it } from 'vitest';
import { planSwitchToSpare, switchPlanInWords } from '../../../../main/core/failover/switch-plan.js';
import { failoverTestServers, logicalStoreOf } from '../../../support/failover-entries.js';

const store = logicalStoreOf;
const servers = failoverTestServers;

describe('planSwitchToSpare', () => {
  it('takes the spare that holds the replica, else the first free spare, else the node named', () => {
    const onSpare = [store('store01', 'store01', 'spare02')];
    expect(planSwitchToSpare(onSpare, servers, 'store01')).toEqual({
      store: 'store01',
      servingNode: 'store01',
      spare: 'spare02',
      spareHoldsReplica: true,
    });
    // spare01 holds store02's replica: the first free spare is spare02, which gets a full copy.
    const onStore = [store('store01', 'store01', 'store02'), store('store02', 'store02', 'spare01')];
    const plan = planSwitchToSpare(onStore, servers, 'store01');
    expect(plan).toEqual({
      store: 'store01',
      servingNode: 'store01',
      spare: 'spare02',
      spareHoldsReplica: false,
    });
    expect(switchPlanInWords(plan as Exclude<typeof plan, { refusal: string }>)).toMatch(
      /its replica is built on spare02 first \(a full copy\)/,
    );
    expect(planSwitchToSpare(onStore, servers, 'store01', 'store03')).toMatchObject({ spare: 'store03' });
  });

  it('says in words why there is no plan', () => {
    const stores = [
      store('store01', 'store01', 'store02'),
      store('store02', 'store02', 'spare01'),
      store('store03', 'store03', 'spare02', 'failed'),
    ];
    expect(planSwitchToSpare(stores, servers, 'store09')).toEqual({
      refusal: 'there is no logical store store09',
    });
    expect(planSwitchToSpare(stores, servers, 'store03')).toEqual({
      refusal: 'store03 is failed: fail it over instead',
    });
    expect(planSwitchToSpare(stores, servers, 'store01')).toEqual({
      refusal: 'no spare is free: every node of role spare serves or holds a store',
    });
    expect(planSwitchToSpare(stores, servers, 'store01', 'director01')).toEqual({
      refusal: 'director01 is a director, not a store or spare node',
    });
    expect(planSwitchToSpare(stores, servers, 'store01', 'nowhere')).toEqual({
      refusal: 'there is no node nowhere',
    });
    expect(planSwitchToSpare(stores, servers, 'store01', 'store01')).toEqual({
      refusal: 'store01 serves store01 already',
    });
    const switching = [store('store01', 'store01', 'spare01', 'switching')];
    expect(planSwitchToSpare(switching, servers, 'store01')).toEqual({
      refusal: 'store01 is being switched over already',
    });
  });
});
