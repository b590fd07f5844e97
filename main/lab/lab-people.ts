/**
 * The lab's made-up university: departments (mail domains) and people with Japanese names, so the
 * console shows what a real site shows. Addresses are unique; passwords are random per user.
 */
import { randomBytes } from 'node:crypto';

/** Departments; each is a mail domain `<id>.univ.example` (`.example` is reserved, RFC 2606). */
export const labDepartments = [
  ['eng', '工学部'],
  ['sci', '理学部'],
  ['med', '医学部'],
  ['law', '法学部'],
  ['econ', '経済学部'],
  ['lit', '文学部'],
  ['edu', '教育学部'],
  ['agr', '農学部'],
  ['pharm', '薬学部'],
  ['dent', '歯学部'],
  ['vet', '獣医学部'],
  ['info', '情報学部'],
  ['intl', '国際学部'],
  ['hum', '人間科学部'],
  ['arch', '建築学科'],
  ['nurs', '看護学科'],
  ['sport', 'スポーツ科学部'],
  ['art', '芸術学部'],
  ['lib', '附属図書館'],
  ['office', '事務局'],
] as const;

/** Family names: romaji (for addresses), kanji, and the reading in hiragana. */
const familyNames: [string, string, string][] = [
  ['sato', '佐藤', 'さとう'],
  ['suzuki', '鈴木', 'すずき'],
  ['takahashi', '高橋', 'たかはし'],
  ['tanaka', '田中', 'たなか'],
  ['watanabe', '渡辺', 'わたなべ'],
  ['ito', '伊藤', 'いとう'],
  ['yamamoto', '山本', 'やまもと'],
  ['nakamura', '中村', 'なかむら'],
  ['kobayashi', '小林', 'こばやし'],
  ['kato', '加藤', 'かとう'],
  ['yoshida', '吉田', 'よしだ'],
  ['yamada', '山田', 'やまだ'],
  ['sasaki', '佐々木', 'ささき'],
  ['yamaguchi', '山口', 'やまぐち'],
  ['matsumoto', '松本', 'まつもと'],
  ['inoue', '井上', 'いのうえ'],
  ['kimura', '木村', 'きむら'],
  ['hayashi', '林', 'はやし'],
  ['shimizu', '清水', 'しみず'],
  ['mori', '森', 'もり'],
];

/** Given names: romaji, kanji (or kana), and the reading in hiragana. */
const givenNames: [string, string, string][] = [
  ['hiroshi', '浩', 'ひろし'],
  ['taro', '太郎', 'たろう'],
  ['yuki', '由紀', 'ゆき'],
  ['akira', '明', 'あきら'],
  ['haruka', '遥', 'はるか'],
  ['kenji', '健二', 'けんじ'],
  ['yui', '結衣', 'ゆい'],
  ['daiki', '大輝', 'だいき'],
  ['sakura', 'さくら', 'さくら'],
  ['takumi', '拓海', 'たくみ'],
  ['aoi', '葵', 'あおい'],
  ['ren', '蓮', 'れん'],
  ['mio', '美桜', 'みお'],
  ['sota', '蒼太', 'そうた'],
  ['hina', '陽菜', 'ひな'],
  ['kaito', '海斗', 'かいと'],
  ['rin', '凛', 'りん'],
  ['yuto', '悠斗', 'ゆうと'],
  ['nanami', '七海', 'ななみ'],
  ['shota', '翔太', 'しょうた'],
];

/** One seeded mail user. */
export interface LabUser {
  address: string;
  displayName: string;
  /** The display name's reading in hiragana, family name first (`さとう ひろし`). */
  reading: string;
  password: string;
  /** Logical store name. */
  mailHost: string;
}

/** Domain names for `count` departments (20 at most). */
export function labDomains(count: number): string[] {
  if (count < 1 || count > labDepartments.length) {
    throw new Error(`the lab has between 1 and ${labDepartments.length} domains`);
  }
  return labDepartments.slice(0, count).map(([id]) => `${id}.univ.example`);
}

/** Japanese name of a lab domain, for its description. */
export function labDomainDescription(domain: string): string {
  const id = domain.split('.')[0];
  return labDepartments.find(([d]) => d === id)?.[1] ?? domain;
}

/**
 * `count` users spread round-robin over `domains` and `stores`. Local parts are `given.family`, with
 * a number when the name is taken, like a real university's.
 */
export function labUsers(count: number, domains: string[], stores: string[]): LabUser[] {
  const users: LabUser[] = [];
  const taken = new Set<string>();
  for (let i = 0; i < count; i++) {
    const [familyRoman, familyKanji, familyKana] = familyNames[i % familyNames.length]!;
    const [givenRoman, givenKanji, givenKana] =
      givenNames[Math.floor(i / familyNames.length) % givenNames.length]!;
    // Decoupled from the name indexes so every domain gets every name.
    const domain = domains[Math.floor(i / 3) % domains.length]!;
    const base = `${givenRoman}.${familyRoman}`;
    let local = base;
    for (let n = 2; taken.has(`${local}@${domain}`); n++) local = `${base}${n}`;
    const address = `${local}@${domain}`;
    taken.add(address);
    users.push({
      address,
      displayName: `${familyKanji} ${givenKanji}`,
      reading: `${familyKana} ${givenKana}`,
      password: randomBytes(9).toString('base64url'),
      mailHost: stores[i % stores.length]!,
    });
  }
  return users;
}

/** CSV text of the users (address,password,logical store), for lab-users.csv. */
export function labUsersCsv(users: LabUser[]): string {
  const lines = users.map((u) => `${u.address},${u.password},${u.mailHost}`);
  return `address,password,logical_store\n${lines.join('\n')}\n`;
}

/** One line of lab-users.csv read back. */
export interface LabUserLine {
  address: string;
  password: string;
  /** The user's logical store. */
  store: string;
}

/** Reads lab-users.csv (as {@link labUsersCsv} writes it): the lines after the header. */
export function parseLabUsers(csv: string): LabUserLine[] {
  return csv
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(','))
    .filter((fields) => fields.length >= 2 && fields[0]?.includes('@'))
    .map(([address = '', password = '', store = '']) => ({ address, password, store }));
}
