/**
 * The balance suggestion, on fleets small enough to check by hand: the fullest node's largest
 * mailboxes go to the emptiest until the gap is within the tolerance; a bigger disk takes more;
 * nothing is suggested for a balanced fleet, for one node, or when every mailbox would overshoot;
 * the move limit holds; each target's moves make one batch with their sums.
 */
import { describe, expect, it } from 'vitest';
import { type StoreNodeLoad, suggestBalance } from '../../../../main/core/moves/balance-suggestion.js';

const MB = 1_000_000;
const GB = 1000 * MB;

/** `count` mailboxes of `size` bytes named `prefix1@u.example`... */
function mailboxes(prefix: string, count: number, size: number, messages = 10) {
  return Array.from({ length: count }, (_, i) => ({
    user: `${prefix}${i + 1}@u.example`,
    bytes: size,
    messages,
  }));
}

function load(node: string, diskBytes: number, boxes: StoreNodeLoad['mailboxes']): StoreNodeLoad {
  return { node, store: node, diskBytes, mailboxes: boxes };
}

describe('suggestBalance', () => {
  it('moves half of a full store to an empty one of the same size, largest mailboxes first', () => {
    const suggestion = suggestBalance([
      load('store01', 10 * GB, [...mailboxes('big', 2, 300 * MB), ...mailboxes('small', 4, 100 * MB)]),
      load('store02', 10 * GB, []),
    ]);
    // 1,000 MB in all: 500 MB each is even. The two 300 MB mailboxes would overshoot; one of them
    // and two of 100 MB bring store02 to exactly 500 MB.
    expect(suggestion.moves.map((m) => m.user)).toEqual([
      'big1@u.example',
      'small1@u.example',
      'small2@u.example',
    ]);
    expect(suggestion.moves.every((m) => m.from === 'store01' && m.to === 'store02')).toBe(true);
    expect(suggestion.before.spread).toBeCloseTo(0.1, 6);
    expect(suggestion.after.spread).toBeCloseTo(0, 6);
    expect(suggestion.after.stores.map((s) => s.mailBytes)).toEqual([500 * MB, 500 * MB]);
    expect(suggestion.stoppedBecause).toBe('balanced');
    expect(suggestion.batches).toEqual([
      {
        to: 'store02',
        node: 'store02',
        users: ['big1@u.example', 'small1@u.example', 'small2@u.example'],
        from: ['store01'],
        bytes: 500 * MB,
        messages: 30,
      },
    ]);
  });

  it('gives a node with twice the disk twice the mail', () => {
    const suggestion = suggestBalance([
      load('store01', 10 * GB, mailboxes('a', 30, 100 * MB)),
      load('store02', 20 * GB, []),
    ]);
    // 3,000 MB over 30 GB: 10 % each, so 1,000 MB stays and 2,000 MB goes.
    expect(suggestion.moves).toHaveLength(20);
    expect(suggestion.after.stores.map((s) => s.share)).toEqual([0.1, 0.1]);
    expect(suggestion.after.mean).toBeCloseTo(0.1, 9);
  });

  it('spreads the fullest store over two emptier ones', () => {
    const suggestion = suggestBalance([
      load('store01', 10 * GB, mailboxes('a', 9, 100 * MB)),
      load('store02', 10 * GB, []),
      load('store03', 10 * GB, []),
    ]);
    expect(suggestion.after.stores.map((s) => s.mailBytes)).toEqual([300 * MB, 300 * MB, 300 * MB]);
    expect(suggestion.batches.map((b) => [b.to, b.users.length])).toEqual([
      ['store02', 3],
      ['store03', 3],
    ]);
  });

  it('suggests nothing for a fleet already within the tolerance of its mean', () => {
    const suggestion = suggestBalance([
      load('store01', 10 * GB, mailboxes('a', 51, 10 * MB)),
      load('store02', 10 * GB, mailboxes('b', 49, 10 * MB)),
    ]);
    // 510 and 490 MB: a gap of 20 MB against a mean of 500 MB is 4 %, under the 5 % tolerance.
    expect(suggestion.moves).toEqual([]);
    expect(suggestion.batches).toEqual([]);
    expect(suggestion.stoppedBecause).toBe('balanced');
    // With a tighter tolerance the one move that evens them is suggested.
    const tight = suggestBalance(
      [
        load('store01', 10 * GB, mailboxes('a', 51, 10 * MB)),
        load('store02', 10 * GB, mailboxes('b', 49, 10 * MB)),
      ],
      { tolerance: 0.01 },
    );
    expect(tight.moves.map((m) => m.user)).toEqual(['a1@u.example']);
  });

  it('stops when every mailbox left would make the gap wider, and says so', () => {
    const suggestion = suggestBalance([
      load('store01', 10 * GB, mailboxes('huge', 1, 800 * MB)),
      load('store02', 10 * GB, mailboxes('b', 1, 100 * MB)),
    ]);
    // Moving the 800 MB mailbox would leave store02 fuller than store01 was: no suggestion.
    expect(suggestion.moves).toEqual([]);
    expect(suggestion.stoppedBecause).toBe('no-mailbox-fits');
    expect(suggestion.after.spread).toBe(suggestion.before.spread);
  });

  it('takes a mailbox bigger than the gap to the mean when it still narrows the spread', () => {
    const suggestion = suggestBalance([
      load('store01', 10 * GB, mailboxes('a', 1, 600 * MB)),
      load('store02', 10 * GB, []),
    ]);
    // 600 MB against a mean of 300 MB: moving it swaps the stores, a gap as wide as before, so no.
    expect(suggestion.moves).toEqual([]);
    const three = suggestBalance([
      load('store01', 10 * GB, mailboxes('a', 2, 400 * MB)),
      load('store02', 10 * GB, mailboxes('b', 1, 300 * MB)),
    ]);
    // 800 and 300 MB, mean 550: a 400 MB mailbox overshoots by 150 MB, but 400 / 700 is a
    // narrower gap than 800 / 300.
    expect(three.moves.map((m) => m.user)).toEqual(['a1@u.example']);
    expect(three.after.stores.map((s) => s.mailBytes)).toEqual([400 * MB, 700 * MB]);
  });

  it('keeps to the move limit', () => {
    const suggestion = suggestBalance(
      [load('store01', 10 * GB, mailboxes('a', 100, 10 * MB)), load('store02', 10 * GB, [])],
      { maxMoves: 7 },
    );
    expect(suggestion.moves).toHaveLength(7);
    expect(suggestion.stoppedBecause).toBe('move-limit');
    expect(suggestion.after.stores.map((s) => s.mailBytes)).toEqual([930 * MB, 70 * MB]);
  });

  it('needs two nodes with a disk figure; a node without one is left out', () => {
    const alone = suggestBalance([
      load('store01', 10 * GB, mailboxes('a', 5, 100 * MB)),
      load('store02', 0, []),
    ]);
    expect(alone.moves).toEqual([]);
    expect(alone.stoppedBecause).toBe('too-few-stores');
    expect(alone.before.stores.map((s) => s.node)).toEqual(['store01']);
  });

  it('names the logical store a mailbox is on and the one a node takes mail into', () => {
    const suggestion = suggestBalance([
      {
        node: 'spare01',
        store: 'store05',
        diskBytes: 10 * GB,
        mailboxes: [
          { user: 'x@u.example', bytes: 200 * MB, messages: 3, store: 'store05' },
          { user: 'y@u.example', bytes: 200 * MB, messages: 4, store: 'store06' },
        ],
      },
      { node: 'store07', store: 'store07', diskBytes: 10 * GB, mailboxes: [] },
    ]);
    expect(suggestion.moves).toEqual([
      { user: 'x@u.example', from: 'store05', to: 'store07', bytes: 200 * MB, messages: 3 },
    ]);
    expect(suggestion.batches[0]).toMatchObject({ to: 'store07', node: 'store07', from: ['store05'] });
  });
});
