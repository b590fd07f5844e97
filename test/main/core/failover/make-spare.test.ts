/** Whether a node can be made the spare (main/core/failover/make-spare.ts): refused in words while it serves or holds a replica. */
import { describe, expect, it } from 'vitest';
import { makeSpareRefusal } from '../../../../main/core/failover/make-spare.js';
import { failoverTestServers, logicalStoreOf } from '../../../support/failover-entries.js';

const store = logicalStoreOf;
const servers = failoverTestServers;

describe('makeSpareRefusal', () => {
  it('lets a store node that serves nothing and holds no replica be made the spare', () => {
    // store01 failed over: store02 serves it, spare01 holds its replica.
    const stores = [store('store01', 'store02', 'spare01'), store('store02', 'store02', 'store03')];
    expect(makeSpareRefusal(stores, servers, 'store01')).toBeUndefined();
  });

  it('refuses a node that still serves a store, in words', () => {
    const stores = [store('store01', 'store01', 'store02')];
    expect(makeSpareRefusal(stores, servers, 'store01')).toBe(
      'store01 still serves store01: switch it to a spare or fail it over first',
    );
  });

  it('refuses a node that holds a store’s replica, in words', () => {
    const stores = [store('store01', 'spare01', 'store01')];
    expect(makeSpareRefusal(stores, servers, 'store01')).toBe(
      'store01 holds the replica of store01, which keeps it protected: place it on another node first',
    );
  });

  it('refuses a node that is not a store node, or none', () => {
    expect(makeSpareRefusal([], servers, 'director01')).toBe(
      'director01 is a director: only a store node can be made the spare',
    );
    expect(makeSpareRefusal([], servers, 'store09')).toBe('there is no node store09');
  });
});
