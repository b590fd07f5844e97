/**
 * The directory view's store and form text: search answers for an old question are dropped, rows
 * come in blocks for the virtualised list, a page answer for a user no longer open is dropped, and
 * what a clerk types (full-width digits, addresses on lines or after 、) is read as meant.
 */
import { describe, expect, it } from 'vitest';
import type { UserSummary } from '../../main/core/directory-admin/directory-admin-contract';
import { translator } from '../../renderer/src/i18n/translate';
import { createDirectoryStore } from '../../renderer/src/store/directory/directory-store';
import { rowAt, searchBlockSize } from '../../renderer/src/store/directory/search-slice';
import {
  addressLines,
  quotaField,
  quotaOfField,
  sizeText,
} from '../../renderer/src/views/directory/directory-format';

const user = (n: number): UserSummary => ({
  mail: `user${n}@example.ac.jp`,
  uid: `user${n}`,
  displayName: `利用者 ${n}`,
  domain: 'example.ac.jp',
  logicalStore: 'store01',
  aliases: [],
  forwardTo: null,
  state: 'active',
});

describe('directory store', () => {
  it('drops the answer to an older search and keeps blocks of the newest', () => {
    const store = createDirectoryStore();
    const first = store.getState().ask({ text: '佐' });
    const second = store.getState().ask({ text: '佐藤' });
    store.getState().receiveBlock(first, 0, 500, 40_000, [user(1)]);
    expect(store.getState().total).toBeUndefined();
    const block = Array.from({ length: searchBlockSize }, (_, i) => user(searchBlockSize + i));
    store.getState().receiveBlock(second, 1, 250, 40_000, block);
    expect(store.getState().total).toBe(250);
    expect(rowAt(store.getState().blocks, searchBlockSize + 3)?.mail).toBe(
      `user${searchBlockSize + 3}@example.ac.jp`,
    );
    expect(rowAt(store.getState().blocks, 3)).toBeUndefined();
    expect(store.getState().query.text).toBe('佐藤');
  });

  it('keeps the filters when only the text changes', () => {
    const store = createDirectoryStore();
    store.getState().ask({ domain: 'example.ac.jp', logicalStore: 'store02' });
    store.getState().ask({ text: 'tanaka' });
    expect(store.getState().query).toEqual({
      text: 'tanaka',
      domain: 'example.ac.jp',
      logicalStore: 'store02',
    });
  });

  it('drops a page answer for a user that is no longer open', () => {
    const store = createDirectoryStore();
    store.getState().openUser('a@example.ac.jp');
    store.getState().openUser('b@example.ac.jp');
    store.getState().receivePage({
      ...user(1),
      mail: 'a@example.ac.jp',
      dn: 'x',
      quotaBytes: null,
      domainDefaultQuotaBytes: null,
    });
    expect(store.getState().page).toBeUndefined();
  });
});

describe('directory form text', () => {
  it('reads a quota in MB, full-width digits included, empty as the domain default', () => {
    expect(quotaOfField('')).toBeNull();
    expect(quotaOfField('２０４８')).toBe(2048 * 1_048_576);
    expect(quotaOfField('1,024')).toBe(1024 * 1_048_576);
    expect(quotaOfField('2 GB')).toBeNaN();
    expect(quotaField(512 * 1_048_576)).toBe('512');
    expect(quotaField(null)).toBe('');
  });

  it('reads addresses one per line, or separated by commas, spaces or 、', () => {
    expect(addressLines('A@x.jp\n b@x.jp、c@x.jp, d@x.jp\n\n')).toEqual([
      'a@x.jp',
      'b@x.jp',
      'c@x.jp',
      'd@x.jp',
    ]);
  });

  it('writes sizes in MB or GB in the chosen language', () => {
    expect(sizeText(1_572_864, translator('en'))).toBe('1.5 MB');
    expect(sizeText(20 * 1024 * 1_048_576, translator('ja'))).toBe('20 GB');
  });
});
