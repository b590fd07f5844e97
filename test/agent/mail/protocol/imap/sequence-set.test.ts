import { describe, expect, it } from 'vitest';
import {
  formatSequence,
  parseSequenceSet,
  resolveSequenceNumbers,
  resolveUids,
  SequenceSetError,
} from '../../../../../agent/mail/protocol/imap/sequence-set.js';

describe('sequence sets', () => {
  it('parses numbers, ranges, stars and lists', () => {
    expect(parseSequenceSet('1:4,7,9:*').ranges).toEqual([
      [1, 4],
      [7, 7],
      [9, '*'],
    ]);
    expect(parseSequenceSet('*:3').ranges).toEqual([['*', 3]]);
  });

  it('refuses malformed sets', () => {
    for (const text of ['', '0', '01', '1:', ':1', '1,,2', '1:2:3', 'a', '4294967296', '1 2', '-1', '1.5']) {
      expect(() => parseSequenceSet(text), text).toThrow(SequenceSetError);
    }
  });

  it('resolves sequence numbers, reversed ranges and duplicates', () => {
    expect(resolveSequenceNumbers(parseSequenceSet('3:1,2,5:*'), 6)).toEqual([1, 2, 3, 5, 6]);
    expect(resolveSequenceNumbers(parseSequenceSet('*'), 4)).toEqual([4]);
    expect(resolveSequenceNumbers(parseSequenceSet('1:*'), 0)).toEqual([]);
    expect(() => resolveSequenceNumbers(parseSequenceSet('5'), 4)).toThrow(/does not exist/);
    expect(() => resolveSequenceNumbers(parseSequenceSet('1'), 0)).toThrow(SequenceSetError);
  });

  it('resolves UID sets without expanding huge ranges', () => {
    const list = [3, 5, 9, 10, 200];
    const uids = { length: list.length, at: (i: number) => list[i]! };
    expect(resolveUids(parseSequenceSet('1:4294967295'), uids.length, uids.at)).toEqual([0, 1, 2, 3, 4]);
    expect(resolveUids(parseSequenceSet('4:9'), uids.length, uids.at)).toEqual([1, 2]);
    // 559:* always includes the highest UID, even above it.
    expect(resolveUids(parseSequenceSet('559:*'), uids.length, uids.at)).toEqual([4]);
    expect(resolveUids(parseSequenceSet('6,7,8'), uids.length, uids.at)).toEqual([]);
    expect(resolveUids(parseSequenceSet('*'), 0, () => 0)).toEqual([]);
  });

  it('formats compact sets in order', () => {
    expect(formatSequence([1, 2, 3, 7, 9, 10])).toBe('1:3,7,9:10');
    expect(formatSequence([5])).toBe('5');
    expect(formatSequence([])).toBe('');
  });
});
