/**
 * Kana search in the user index (issue 17, item 3): the reading (msDS-PhoneticDisplayName) finds a
 * user by hiragana and katakana alike, and by romaji in either name order; the list sorts by it.
 */
import { describe, expect, it } from 'vitest';
import type { MailUserEntry } from '../../../../agent/common/directory/fleet-entries.js';
import { romajiOf, shortVowels } from '../../../../main/core/directory-admin/kana-romaji.js';
import { UserIndex } from '../../../../main/core/directory-admin/user-index.js';

function user(local: string, displayName: string, reading?: string): MailUserEntry {
  return {
    dn: `uid=${local},cn=eng.example,ou=domains,dc=test`,
    uid: local,
    mail: `${local}@eng.example`,
    displayName,
    ...(reading ? { reading } : {}),
    mailHost: 'store01',
    mailLocalAddress: [],
    mailboxState: 'active',
  };
}

const people = [
  user('hiroshi.sato', '佐藤 浩', 'さとう ひろし'),
  user('taro.suzuki', '鈴木 太郎', 'スズキ タロウ'),
  user('shota.ito', '伊藤 翔太', 'いとう しょうた'),
  user('kenji.kato', '加藤 健二'),
];

async function index(): Promise<UserIndex> {
  const built = new UserIndex({ searchUsers: async () => people });
  await built.load();
  return built;
}

const found = (result: { users: Array<{ mail: string }> }) => result.users.map((u) => u.mail);
const query = (text: string, sort: 'mail' | 'reading' = 'mail') => ({
  text,
  sort,
  descending: false,
  offset: 0,
  limit: 100,
});

describe('kana search', () => {
  it('reads kana as Hepburn romaji', () => {
    expect(romajiOf('さとう ひろし')).toBe('satou hiroshi');
    expect(romajiOf('しょうた')).toBe('shouta');
    expect(romajiOf('ハットリ')).toBe('hattori');
    expect(romajiOf('まっちゃ')).toBe('matcha');
    expect(shortVowels('yuuto satou')).toBe('yuto sato');
  });

  it('finds 佐藤 浩 by さとう, サトウ, half-width ｻﾄｳ, "Hiroshi Sato" and "sato"', async () => {
    const users = await index();
    for (const text of ['さとう', 'サトウ', 'ｻﾄｳ', 'Hiroshi Sato', 'sato hiroshi', 'satou', 'ひろし'])
      expect(found(users.search(query(text))), text).toEqual(['hiroshi.sato@eng.example']);
    // A katakana reading is found by hiragana too.
    expect(found(users.search(query('すずき')))).toEqual(['taro.suzuki@eng.example']);
    expect(found(users.search(query('Shota Ito')))).toEqual(['shota.ito@eng.example']);
  });

  it('sorts by reading, users without one last', async () => {
    const users = await index();
    expect(found(users.search(query('', 'reading')))).toEqual([
      'shota.ito@eng.example',
      'hiroshi.sato@eng.example',
      'taro.suzuki@eng.example',
      'kenji.kato@eng.example',
    ]);
  });
});
