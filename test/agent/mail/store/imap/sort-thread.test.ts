/**
 * SORT and THREAD building blocks on their own: the base subject of RFC 5256 2.1, sent dates,
 * sort keys from real header shapes, the sort order's tie-breaks, and the REFERENCES and
 * ORDEREDSUBJECT algorithms (including the cases Dovecot's imaptest checks and deep chains).
 */
import { describe, expect, it } from 'vitest';
import { baseSubject, casemapKey } from '../../../../../agent/mail/store/imap/base-subject.js';
import { parseMessageDate } from '../../../../../agent/mail/store/imap/message-date.js';
import { messageSortKeys } from '../../../../../agent/mail/store/imap/sort-keys.js';
import {
  parseSortCriteria,
  type SortRow,
  sortRows,
} from '../../../../../agent/mail/store/imap/sort-order.js';
import { referencesThreads } from '../../../../../agent/mail/store/imap/thread-references.js';
import { formatThreads, orderedSubjectThreads } from '../../../../../agent/mail/store/imap/thread-tree.js';

/** Rows for messages given as header blocks (CRLF added), in mailbox order, all arrived at `arrived`. */
function rows(headers: readonly string[], arrived = Date.UTC(2026, 0, 1)): SortRow[] {
  return headers.map((header, position) => {
    const raw = Buffer.from(`${header.replace(/\n/g, '\r\n')}\r\n\r\nbody\r\n`, 'latin1');
    return {
      position,
      summary: {
        uid: 100 + position,
        flags: [],
        internalDate: new Date(arrived + position),
        size: raw.length,
        modseq: 1,
      },
      keys: messageSortKeys(raw),
    };
  });
}

const threadsOf = (headers: readonly string[]): string =>
  formatThreads(referencesThreads(rows(headers)), (row) => row.position + 1);

describe('base subject (RFC 5256 2.1)', () => {
  it.each([
    ['Re: hello', 'hello', true],
    ['[foo] Fwd: [bar] Re: fw: b (fWd)  (fwd)', 'b', true],
    ['Re: [FWD: c]', 'c', true],
    ['[xyz]', '[xyz]', false],
    ['re: [fwd: [fwd: re: [fwd: babylon]]]', 'babylon', true],
    ['Ad: Re: Ad: x', 'Ad: Re: Ad: x', false],
    ['  spaced \t  out  ', 'spaced out', false],
    ['RE : [list] spam', 'spam', true],
    ['Re[2]: numbered', 'numbered', true],
    ['Fwd:', '', true],
    ['[研究室] Re: 会議の件', '会議の件', true],
    ['(fwd)', '', true],
  ])('%j -> %j', (subject, base, reply) => {
    expect(baseSubject(subject)).toEqual({ subject: base, replyOrForward: reply });
  });

  it('decodes encoded-words before extracting (sort keys)', () => {
    const [one, two] = rows(['Subject: =?iso-8859-1?q?RE:_C?=', 'Subject: =?UTF-8?B?UmU6IOS8muitsA==?=']);
    expect(one!.keys).toMatchObject({ subject: 'C', replyOrForward: true });
    expect(two!.keys!.subject).toBe(casemapKey('会議'));
  });

  it('casemaps ASCII letters only and compares UTF-8 octets', () => {
    expect(casemapKey('abc ÄÖ')).toBe(Buffer.from('ABC ÄÖ', 'utf8').toString('latin1'));
    expect(casemapKey('z') < casemapKey('あ')).toBe(true);
  });

  it('bounds the work on a hostile subject: 4,096 characters read, 256 pieces taken off', () => {
    const leaders = baseSubject(`${'Re: '.repeat(50_000)}x`);
    expect(leaders.replyOrForward).toBe(true);
    // About 128 leaders (and the spaces after them) are taken off the first 4,096 characters.
    expect(leaders.subject).toMatch(/^(Re: )+Re:$/);
    expect(leaders.subject.length).toBeGreaterThan(4096 - 4 * 130);
    const tags = baseSubject(`${'[x]'.repeat(2000)}y`);
    expect(tags.subject.startsWith('[x][x]')).toBe(true);
    expect(tags.subject.length).toBeGreaterThan(4096 - 3 * 257);
  });
});

describe('sent date', () => {
  it.each([
    ['Fri, 22 Feb 2008 00:00:00 +0200', Date.UTC(2008, 1, 21, 22)],
    ['22 Feb 2008 00:00:00 -0130', Date.UTC(2008, 1, 22, 1, 30)],
    ['Mon, 1 Jun 2026 09:15 +0900 (JST)', Date.UTC(2026, 5, 1, 0, 15)],
    ['Mon, 1 Jun 26 09:15:00 JST', Date.UTC(2026, 5, 1, 0, 15)],
    ['Tue, 2 Jun 1998 10:00:00 EST', Date.UTC(1998, 5, 2, 15)],
    ['1 Jun 2026 09:15:00', Date.UTC(2026, 5, 1, 9, 15)],
  ])('%j', (text, expected) => {
    expect(parseMessageDate(text)).toBe(expected);
  });

  it.each(['', 'yesterday', '31 Feb 2026 10:00:00 +0000', '1 Foo 2026 10:00:00', '1 Jun 2026 25:00:00'])(
    '%j is not a date',
    (text) => {
      expect(parseMessageDate(text)).toBeUndefined();
    },
  );
});

describe('sort keys and order', () => {
  it('reads the first address of From, To and Cc (a group by its name) and display names', () => {
    const [keys] = rows([
      'From: =?iso-8859-1?q?foo_aar?= <e@f.g>\nTo: a: xx@xx.org, yy@yy.org;\nCc: User2@Domain1.org (foo bar)',
    ]);
    expect(keys!.keys).toMatchObject({
      from: 'E',
      to: 'A',
      cc: 'USER2',
      displayFrom: 'FOO AAR',
      displayTo: 'A',
    });
    const [bare] = rows(['From: d']);
    expect(bare!.keys).toMatchObject({ from: 'D', displayFrom: 'D' });
  });

  it('keeps mailbox order for ties, also under REVERSE', () => {
    const list = rows(['From: b@x', 'From: a@x', 'From: b@y', 'From: a@y']);
    const order = (criteria: string[]): number[] =>
      sortRows(
        [...list],
        parseSortCriteria({ type: 'list', items: criteria.map((value) => ({ type: 'atom', value })) }),
      ).map((row) => row.position + 1);
    expect(order(['FROM'])).toEqual([2, 4, 1, 3]);
    expect(order(['REVERSE', 'FROM'])).toEqual([1, 3, 2, 4]);
    expect(order(['REVERSE', 'ARRIVAL'])).toEqual([4, 3, 2, 1]);
  });

  it('refuses malformed criteria in words', () => {
    const parse = (items: string[]) =>
      parseSortCriteria({ type: 'list', items: items.map((value) => ({ type: 'atom', value })) });
    expect(() => parse([])).toThrow(/parenthesised list/);
    expect(() => parse(['REVERSE'])).toThrow(/REVERSE must be followed/);
    expect(() => parse(['REVERSE', 'REVERSE', 'DATE'])).toThrow(/Unknown sort criterion REVERSE/);
    expect(() => parse(['MODSEQ'])).toThrow(/Unknown sort criterion MODSEQ/);
  });
});

describe('THREAD=REFERENCES', () => {
  it('links by References and breaks loops (imaptest thread)', () => {
    const headers = [
      'Message-ID: <a@b>\nDate: Fri, 22 Feb 2008 17:06:23 +0000',
      'Message-Id: <b@b>\nReferences: <a@b> <c@b>\nDate: Fri, 22 Feb 2008 15:06:23 +0000',
      'Message-Id: <c@b>\nReferences: <b@b>\nDate: Fri, 22 Feb 2008 16:06:25 +0000',
    ];
    expect(threadsOf(headers)).toBe('(3 2)(1)');
    expect(threadsOf(headers.slice(1))).toBe('(2 1)');
  });

  it('gives duplicates of a Message-ID their own container (imaptest thread2, thread7)', () => {
    expect(threadsOf(['Message-Id: <a@b>', 'Message-Id: <a@b>'])).toBe('(1)(2)');
    expect(
      threadsOf([
        'Message-Id: <a@b>',
        'Message-Id: <b@b>\nReferences: <a@b>',
        'Message-Id: <c@b>\nReferences: <b@b>',
        'Message-Id: <b@b>\nReferences: <a@b>',
      ]),
    ).toBe('(1 (2 3)(4))');
  });

  it('promotes the only child of a dummy root and keeps a dummy with several (thread4, thread6)', () => {
    expect(threadsOf(['References: <a@b>', 'References: <a@b>'])).toBe('((1)(2))');
    expect(
      threadsOf([
        'Message-Id: <a@b>\nSubject: foo',
        'Message-Id: <b@b>\nReferences: <c@b>\nSubject: Re: foo',
      ]),
    ).toBe('(1 2)');
  });

  it('uses In-Reply-To when there are no References, and gathers threads by base subject', () => {
    expect(
      threadsOf([
        'Message-Id: <1@b>\nSubject: plan',
        'Message-Id: <2@b>\nIn-Reply-To: <1@b>',
        'Message-Id: <3@b>\nIn-Reply-To: <1@b>',
        'Message-Id: <4@b>\nIn-Reply-To: <2@b> <3@b>',
        'Message-Id: <5@b>\nSubject: Re: plan',
        'Message-Id: <6@b>\nSubject: other',
        'Message-Id: <7@b>\nSubject: other',
      ]),
    ).toBe('(1 (2 4)(3)(5))((6)(7))');
  });

  it('orders siblings and threads by sent date, INTERNALDATE when there is no Date', () => {
    expect(
      threadsOf([
        'Message-Id: <r@b>\nDate: Mon, 1 Jun 2026 10:00:00 +0000',
        'Message-Id: <x@b>\nReferences: <r@b>\nDate: Mon, 1 Jun 2026 12:00:00 +0000',
        'Message-Id: <y@b>\nReferences: <r@b>\nDate: Mon, 1 Jun 2026 11:00:00 +0000',
        'Message-Id: <z@b>\nDate: Sun, 31 May 2026 10:00:00 +0000',
      ]),
    ).toBe('(4)(1 (3)(2))');
  });

  it('threads a reply chain 100,000 deep without overflowing the stack', () => {
    const count = 100_000;
    const chain = Array.from({ length: count }, (_, i) =>
      i === 0 ? 'Message-Id: <m0@x>' : `Message-Id: <m${i}@x>\nIn-Reply-To: <m${i - 1}@x>`,
    );
    const text = threadsOf(chain);
    expect(text.startsWith('(1 2 3 ')).toBe(true);
    expect(text.endsWith(` ${count})`)).toBe(true);
  });
});

describe('THREAD=ORDEREDSUBJECT', () => {
  it('groups by base subject, the earliest sent first (imaptest thread-orderedsubject2)', () => {
    const list = rows([
      'Subject: a\nDate: Fri, 22 Feb 2008 22:00:10 +0200',
      'Date: Fri, 22 Feb 2008 22:00:09 +0200\nSubject: b',
      'Date: Fri, 22 Feb 2008 22:00:08 +0200\nSubject: a',
      'Date: Fri, 22 Feb 2008 22:00:07 +0200\nSubject: b',
      'Subject: Re: a\nDate: Fri, 22 Feb 2008 22:00:30 +0200',
      'Subject: no date at all',
    ]);
    expect(formatThreads(orderedSubjectThreads(list), (row) => row.position + 1)).toBe('(4 2)(3 (1)(5))(6)');
  });
});
