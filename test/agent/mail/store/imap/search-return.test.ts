/** ESEARCH results (RFC 4731, RFC 5267, RFC 5182, RFC 7162 3.1.5) built from a search's result. */
import { describe, expect, it } from 'vitest';
import type { ImapToken } from '../../../../../agent/mail/protocol/imap/imap-parser.js';
import {
  esearchLine,
  parseSearchReturn,
  reportedResults,
  type SearchReturnOption,
} from '../../../../../agent/mail/store/imap/search-return.js';

const atoms = (...values: string[]): ImapToken[] => values.map((value) => ({ type: 'atom', value }));
const options = (...names: SearchReturnOption[]): Set<SearchReturnOption> => new Set(names);

describe('search RETURN options', () => {
  it('reads RETURN (...) and leaves the criteria', () => {
    const parsed = parseSearchReturn(
      [...atoms('RETURN'), { type: 'list', items: atoms('min', 'Count') }, ...atoms('ALL')],
      true,
    );
    expect(parsed).toEqual({ options: options('MIN', 'COUNT'), rest: atoms('ALL') });
    expect(
      parseSearchReturn([...atoms('RETURN'), { type: 'list', items: [] }, ...atoms('ALL')], true).options,
    ).toEqual(options('ALL'));
    expect(parseSearchReturn(atoms('UNSEEN'), true)).toEqual({ options: undefined, rest: atoms('UNSEEN') });
    expect(() => parseSearchReturn([...atoms('RETURN', 'ALL')], true)).toThrow(/parenthesised list/);
    expect(() =>
      parseSearchReturn([...atoms('RETURN'), { type: 'list', items: atoms('SAVE') }], false),
    ).toThrow(/Unknown RETURN option SAVE/);
  });

  it('writes MIN, MAX, ALL and COUNT, in sort order for SORT, and MODSEQ when given', () => {
    expect(esearchLine('a1', false, [2, 3, 4, 9], options('ALL', 'COUNT', 'MIN', 'MAX'))).toBe(
      '* ESEARCH (TAG "a1") MIN 2 MAX 9 ALL 2:4,9 COUNT 4',
    );
    expect(esearchLine('a2', true, [5, 3, 4, 1], options('MIN', 'MAX', 'ALL'))).toBe(
      '* ESEARCH (TAG "a2") UID MIN 5 MAX 1 ALL 5,3:4,1',
    );
    expect(esearchLine('a3', false, [], options('MIN', 'COUNT'), 17)).toBe('* ESEARCH (TAG "a3") COUNT 0');
    expect(esearchLine('a4', false, [1, 2], options('MIN'), 17)).toBe('* ESEARCH (TAG "a4") MIN 1 MODSEQ 17');
    expect(esearchLine('a5', false, [1, 2], options('SAVE'))).toBeUndefined();
    expect(esearchLine('a"6', false, [1], options('COUNT'))).toBe('* ESEARCH (TAG "a\\"6") COUNT 1');
  });

  it('reports (and saves) only MIN and MAX when they are asked without ALL or COUNT', () => {
    expect(reportedResults([3, 5, 8], options('SAVE', 'MIN'))).toEqual([3]);
    expect(reportedResults([3, 5, 8], options('MIN', 'MAX'))).toEqual([3, 8]);
    expect(reportedResults([3], options('MIN', 'MAX'))).toEqual([3]);
    expect(reportedResults([3, 5, 8], options('MIN', 'COUNT'))).toEqual([3, 5, 8]);
    expect(reportedResults([3, 5, 8], options('SAVE'))).toEqual([3, 5, 8]);
  });
});
