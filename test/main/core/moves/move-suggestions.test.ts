/**
 * The suggestions of the Stores list and the spread of a drain (main/core/moves/move-suggestions.ts):
 * they even out the mail the stores hold, say the spread before and after, move nothing when the
 * stores are even, and refuse a drain to a store that does not exist or to itself.
 */
import { describe, expect, it } from 'vitest';
import { planDrain, type StoreLoad, suggestRebalance } from '../../../../main/core/moves/move-suggestions.js';

const mb = 1_000_000;
const mailboxes = (prefix: string, sizes: number[]) =>
  sizes.map((bytes, i) => ({ user: `${prefix}${i}@u.example`, bytes }));

describe('move suggestions', () => {
  it('move mailboxes from the fullest store to the emptiest until they are about even', () => {
    const stores: StoreLoad[] = [
      { store: 'store01', mailboxes: mailboxes('a', [400 * mb, 300 * mb, 200 * mb, 100 * mb, 50 * mb]) },
      { store: 'store02', mailboxes: mailboxes('b', [100 * mb]) },
      { store: 'store03', mailboxes: mailboxes('c', [150 * mb, 50 * mb]) },
    ];
    const suggestion = suggestRebalance(stores);
    expect(suggestion.spreadBefore).toBe(950 * mb);
    expect(suggestion.spreadAfter).toBeLessThan(200 * mb);
    expect(suggestion.moves.every((m) => m.from === 'store01')).toBe(true);
    expect(suggestion.bytes).toBe(suggestion.moves.reduce((sum, m) => sum + m.bytes, 0));
    const after = Object.values(suggestion.after);
    expect(after.reduce((a, b) => a + b, 0)).toBe(1350 * mb);
  });

  it('suggest nothing for even stores, and never an empty mailbox', () => {
    const even = suggestRebalance([
      { store: 'store01', mailboxes: mailboxes('a', [10 * mb, 0, 0]) },
      { store: 'store02', mailboxes: mailboxes('b', [10 * mb]) },
    ]);
    expect(even.moves).toEqual([]);
    expect(even.spreadAfter).toBe(even.spreadBefore);
  });
});

describe('a drain', () => {
  const stores: StoreLoad[] = [
    { store: 'store01', mailboxes: mailboxes('a', [90 * mb, 60 * mb, 30 * mb, 0, 0, 0, 0]) },
    { store: 'store02', mailboxes: mailboxes('b', [50 * mb]) },
    { store: 'store03', mailboxes: mailboxes('c', [100 * mb]) },
    { store: 'store04', mailboxes: [] },
  ];

  it('moves every user of the store, largest first to the emptiest target, empty mailboxes by count', () => {
    const plan = planDrain(stores, 'store01', ['store02', 'store03']);
    expect(plan.moves).toHaveLength(7);
    expect(plan.moves.slice(0, 3).map((m) => [m.bytes / mb, m.to])).toEqual([
      [90, 'store02'],
      [60, 'store03'],
      [30, 'store02'],
    ]);
    // The four empty mailboxes even out the number of mailboxes: store02 ends with 4, store03 with 5.
    const mailboxesOf = (store: string) =>
      (stores.find((s) => s.store === store)?.mailboxes.length ?? 0) +
      plan.moves.filter((m) => m.to === store).length;
    expect([mailboxesOf('store02'), mailboxesOf('store03')]).toEqual([4, 5]);
    expect(plan.after).toMatchObject({ store01: 0, store02: 170 * mb, store03: 160 * mb });
    expect([plan.spreadBefore, plan.spreadAfter]).toEqual([50 * mb, 10 * mb]);
  });

  it('uses every other store without --to, and refuses a target that is not a store or is the store itself', () => {
    expect(new Set(planDrain(stores, 'store01').moves.map((m) => m.to))).toEqual(
      new Set(['store02', 'store03', 'store04']),
    );
    expect(() => planDrain(stores, 'store01', ['store09'])).toThrow('there is no store store09');
    expect(() => planDrain(stores, 'store01', ['store01'])).toThrow(
      'store01 cannot take its own users while it is drained',
    );
    expect(() => planDrain(stores, 'store07')).toThrow('there is no store store07');
  });
});
