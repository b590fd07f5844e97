import { describe, expect, it } from 'vitest';
import type { LogicalStoreEntry, ServerEntry } from '../../../../agent/common/directory/fleet-entries.js';
import {
  placementRefusal,
  ringPlacement,
  storesReplicatedOn,
} from '../../../../agent/common/directory/replica-placement.js';

const servers: Pick<ServerEntry, 'name' | 'role'>[] = [
  { name: 'store03', role: 'store' },
  { name: 'store01', role: 'store' },
  { name: 'spare01', role: 'spare' },
  { name: 'store02', role: 'store' },
  { name: 'director01', role: 'director' },
];
const store = (name: string, servedBy = name, replicaNode?: string): LogicalStoreEntry => ({
  dn: `cn=${name},ou=stores,dc=test`,
  name,
  servedBy,
  state: 'serving',
  epoch: 0,
  ...(replicaNode ? { replicaNode } : {}),
});

describe('replica placement', () => {
  it('places each store on the next store node, the last on the first, never on the spare', () => {
    const stores = [store('store02'), store('store01'), store('store03')];
    const ring = ringPlacement(stores, servers);
    expect(ring).toEqual([
      { store: 'store01', replicaNode: 'store02' },
      { store: 'store02', replicaNode: 'store03' },
      { store: 'store03', replicaNode: 'store01' },
    ]);
    // Every store node holds exactly one other store's replica; the spare holds none.
    const placed = stores.map((s) => ({
      ...s,
      replicaNode: ring.find((p) => p.store === s.name)!.replicaNode,
    }));
    for (const node of ['store01', 'store02', 'store03'])
      expect(storesReplicatedOn(placed, node)).toHaveLength(1);
    expect(storesReplicatedOn(placed, 'spare01')).toEqual([]);
  });

  it('leaves out a store served by the spare (after a failover) and fleets of one store node', () => {
    expect(ringPlacement([store('store01', 'spare01')], servers)).toEqual([]);
    expect(ringPlacement([store('store01')], [{ name: 'store01', role: 'store' }])).toEqual([]);
  });

  it('refuses in words a replica on the serving node, the spare, another role or no node', () => {
    const s = store('store01');
    expect(placementRefusal(s, 'store02', servers)).toBeUndefined();
    expect(placementRefusal(s, 'store01', servers)).toMatch(
      /serves store01: its replica must be on another node/,
    );
    expect(placementRefusal(s, 'spare01', servers)).toMatch(/spare node.*stays free/);
    expect(placementRefusal(s, 'director01', servers)).toMatch(/director node/);
    expect(placementRefusal(s, 'store99', servers)).toMatch(/no node store99/);
  });
});
