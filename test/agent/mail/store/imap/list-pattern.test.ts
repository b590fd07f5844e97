import { describe, expect, it } from 'vitest';
import { ListPattern } from '../../../../../agent/mail/store/imap/list-pattern.js';
import { parseSearchQuery, SearchQueryError } from '../../../../../agent/mail/store/imap/search-query.js';

describe('LIST patterns', () => {
  it('matches * across levels and % within one level', () => {
    const cases: Array<[string, string, boolean]> = [
      ['*', 'INBOX', true],
      ['*', 'Archive.2026.Q1', true],
      ['%', 'Archive', true],
      ['%', 'Archive.2026', false],
      ['Archive.%', 'Archive.2026', true],
      ['Archive.%', 'Archive.2026.Q1', false],
      ['Archive.*', 'Archive.2026.Q1', true],
      ['A%e', 'Archive', true],
      ['A%e', 'Arch.ive', false],
      ['inbox', 'INBOX', true],
      ['Inbox.%', 'INBOX.Sub', true],
      ['&eBR6dluk-.*', '&eBR6dluk-.2026', true],
      ['', '', true],
      ['x', '', false],
      ['**%%', 'a.b', true],
    ];
    for (const [pattern, name, expected] of cases)
      expect(new ListPattern(pattern).matches(name), `${pattern} ~ ${name}`).toBe(expected);
  });

  it('answers hostile patterns without backtracking', () => {
    const pattern = `${'*a'.repeat(400)}b`;
    const name = 'a'.repeat(1000);
    expect(new ListPattern(pattern).matches(name)).toBe(false);
    expect(new ListPattern(`${'%a'.repeat(400)}%`).matches(name)).toBe(true);
  });
});

describe('SEARCH key bound', () => {
  it('refuses more than 1000 keys', () => {
    const many = Array.from({ length: 1001 }, () => ({ type: 'atom' as const, value: 'SEEN' }));
    expect(() => parseSearchQuery(many)).toThrow(SearchQueryError);
    expect(() => parseSearchQuery(many.slice(0, 1000))).not.toThrow();
  });
});
