import { describe, expect, it } from 'vitest';
import {
  letterSetOf,
  lettersOfSet,
  type MessageRow,
  MessageTable,
} from '../../../../../agent/mail/store/maildir/message-table.js';

function row(uid: number, fileName: string, subdir: 'new' | 'cur' = 'cur'): MessageRow {
  return {
    uid,
    base: fileName.split(':')[0]!,
    subdir,
    fileName,
    size: 100 + uid,
    internalTime: 1_767_225_600_000 + uid * 1000,
    modseq: uid * 10,
    extensions: '',
    recent: subdir === 'new',
  };
}

describe('MessageTable', () => {
  it('keeps flag letters as a set and gives them back in Maildir order', () => {
    for (const letters of ['', 'S', 'FS', 'DFPRST', 'Sab', 'RSTaz']) {
      const set = letterSetOf(letters);
      expect(set).toBeGreaterThanOrEqual(0);
      expect(lettersOfSet(set)).toBe(letters);
    }
    // Not rebuildable from a set: out of order, repeated, or not a letter.
    for (const letters of ['SR', 'SS', 'S,a', 'S1']) expect(letterSetOf(letters)).toBe(-1);
  });

  it('rebuilds file names, and keeps the ones it cannot rebuild whole', () => {
    const table = new MessageTable();
    table.push(row(1, '1767225600.M1P2Q1.host,S=10,W=10', 'new'));
    table.push(row(2, '1767225601.M1P2Q2.host,S=10,W=10:2,FSa'));
    table.push(row(3, '1767225602.M1P2Q3.host,S=10,W=10:2,'));
    // Another program's names: unsorted letters, an experimental info part, a UTF-8 base.
    table.push(row(4, '1767225603.other:2,SR'));
    table.push(row(5, '1767225604.other:1,foo'));
    table.push(row(6, '1767225605.研究室:2,S'));
    expect(Array.from({ length: 6 }, (_, r) => table.fileName(r))).toEqual([
      '1767225600.M1P2Q1.host,S=10,W=10',
      '1767225601.M1P2Q2.host,S=10,W=10:2,FSa',
      '1767225602.M1P2Q3.host,S=10,W=10:2,',
      '1767225603.other:2,SR',
      '1767225604.other:1,foo',
      '1767225605.研究室:2,S',
    ]);
    expect(table.letters(3)).toBe('SR');
    expect(table.hasLetter(3, 'R')).toBe(true);
    expect(table.hasLetter(3, 'T')).toBe(false);
    expect(table.letters(4)).toBe('');
    expect(table.base(5)).toBe('1767225605.研究室');
    expect([table.subdir(0), table.subdir(1)]).toEqual(['new', 'cur']);
    expect(table.recentCount).toBe(1);
    // A rename to sorted letters makes the name regular again.
    table.setFile(3, 'cur', '1767225603.other:2,RST');
    expect(table.fileName(3)).toBe('1767225603.other:2,RST');
    expect(table.hasLetter(3, 'T')).toBe(true);
  });

  it('removes rows without changing the UID column a session still reads', () => {
    const table = new MessageTable();
    for (let uid = 1; uid <= 5000; uid++) table.push(row(uid, `base-${uid}.host,S=1:2,S`));
    const seen = table.uidArray;
    const removed = Array.from({ length: 2500 }, (_, k) => 2 * k); // every other row: UIDs 1, 3, 5 ...
    table.remove(removed);
    expect(table.length).toBe(2500);
    expect(Array.from(seen.subarray(0, 5))).toEqual([1, 2, 3, 4, 5]);
    expect(table.uidArray).not.toBe(seen);
    expect(table.rowOf(4)).toBe(1);
    expect(table.rowOf(3)).toBe(-1);
    // Names, sizes, dates and mod-sequences moved up with their rows (names were packed anew).
    for (const r of [0, 1, 1249, 2499]) {
      const uid = table.uid(r);
      expect(uid % 2).toBe(0);
      expect(table.fileName(r)).toBe(`base-${uid}.host,S=1:2,S`);
      expect([table.size(r), table.modseq(r)]).toEqual([100 + uid, uid * 10]);
      expect(table.internalTime(r)).toBe(1_767_225_600_000 + uid * 1000);
    }
    table.push(row(6000, 'late.host:2,T'));
    expect(table.fileName(table.rowOf(6000))).toBe('late.host:2,T');
  });
});
