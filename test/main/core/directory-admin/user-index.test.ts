/**
 * The user index loaded from a real embedded directory seeded with the lab's Japanese-named users:
 * substring search over every field, folding of full-width and spaced input, filters, sort orders,
 * windows and totals, staying true after writes through it, and a refresh seeing others' writes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetTree } from '../../../../agent/common/directory/fleet-entries.js';
import { LdapFleetDirectory } from '../../../../agent/common/directory/ldap-fleet-directory.js';
import {
  adminEntry,
  directoryBaseEntries,
  logicalStoreEntry,
  mailDomainEntry,
  mailUserEntry,
} from '../../../../agent/common/directory/seed-entries.js';
import {
  type UserSearchInput,
  userSearchSchema,
} from '../../../../main/core/directory-admin/directory-admin-contract.js';
import { UserIndex } from '../../../../main/core/directory-admin/user-index.js';
import { type LabUser, labDomains, labUsers } from '../../../../main/lab/lab-people.js';
import { startEmbeddedDirectory } from '../../../support/embedded-directory.js';
import type { TestDirectory } from '../../../support/test-directory.js';

const baseDn = 'dc=mailfleet,dc=test';
const tree = new FleetTree(baseDn);
const domains = labDomains(4);
const stores = ['store01', 'store02', 'store03'];
const people: LabUser[] = labUsers(1200, domains, stores);

let server: TestDirectory;
let directory: LdapFleetDirectory;
let index: UserIndex;

const search = (query: UserSearchInput) => index.search(userSearchSchema.parse(query));
/** What a plain filter over the seeded people says should match (the index must agree). */
const expected = (keep: (user: LabUser) => boolean) =>
  people
    .filter(keep)
    .map((u) => u.address)
    .sort();

beforeAll(async () => {
  server = await startEmbeddedDirectory(baseDn, [
    ...directoryBaseEntries(tree),
    adminEntry(tree, { uid: 'hd', displayName: 'Help Desk', tier: 'helpdesk', password: 'hd-secret' }),
    ...stores.map((name) => logicalStoreEntry(tree, { name, servedBy: name })),
    ...domains.map((name) => mailDomainEntry(tree, { name })),
    ...people.map((u) =>
      mailUserEntry(tree, {
        mail: u.address,
        displayName: u.displayName,
        mailHost: u.mailHost,
        ...(u.address.startsWith('taro.sato@')
          ? { mailLocalAddress: [`t.sato@${u.address.split('@')[1]}`] }
          : {}),
      }),
    ),
  ]);
  // A small page size makes the load take many pages, as 40,000 users do.
  directory = LdapFleetDirectory.withPassword(
    { url: server.url, baseDn, bindDn: tree.admin('hd'), bindPassword: 'hd-secret' },
    { pageSize: 100 },
  );
  index = new UserIndex(directory);
  const [first, second] = await Promise.all([index.load(), index.load()]);
  expect([first, second]).toEqual([1200, 1200]);
});

afterAll(async () => {
  await directory?.close();
  await server?.stop();
});

describe('user index', () => {
  it('finds substrings of the address, a further address, the display name and the uid', () => {
    const sato = search({ text: 'sato', limit: 1000 });
    expect(sato.users.map((u) => u.mail)).toEqual(expected((u) => u.address.includes('sato')));
    expect(sato.total).toBe(sato.users.length);
    const satoKanji = search({ text: '佐藤', limit: 1000 });
    expect(satoKanji.users.map((u) => u.mail)).toEqual(expected((u) => u.displayName.includes('佐藤')));
    // Typed without the space, with a full-width space, or in full-width Latin: the same people.
    expect(search({ text: '佐藤太郎', limit: 1000 }).users).toEqual(
      search({ text: '佐藤　太郎', limit: 1000 }).users,
    );
    expect(search({ text: '佐藤太郎' }).total).toBe(
      people.filter((u) => u.displayName === '佐藤 太郎').length,
    );
    expect(search({ text: 'ＳＡＴＯ', limit: 1000 }).users).toEqual(sato.users);
    const further = search({ text: 't.sato@' });
    expect(further.total).toBe(people.filter((u) => u.address.startsWith('taro.sato@')).length);
    expect(further.total).toBeGreaterThan(0);
    expect(further.users.every((u) => u.mail.startsWith('taro.sato@'))).toBe(true);
    expect(search({ text: 'no-such-person' }).total).toBe(0);
  });

  it('filters by domain and logical store and counts the matches', () => {
    const [domain] = domains as [string];
    const result = search({ domain, logicalStore: 'store02', limit: 1000 });
    expect(result.users.map((u) => u.mail)).toEqual(
      expected((u) => u.address.endsWith(`@${domain}`) && u.mailHost === 'store02'),
    );
    expect(search({ domain: 'unknown.example' }).total).toBe(0);
    expect(search({ logicalStore: 'store99' }).total).toBe(0);
    expect(search({}).indexed).toBe(1200);
    expect(index.countByDomain().get(domain)).toBe(
      people.filter((u) => u.address.endsWith(`@${domain}`)).length,
    );
  });

  it('sorts by address, display name or store, either way, and cuts windows', () => {
    const all = search({ limit: 1000 });
    expect(all.total).toBe(1200);
    const byName = search({ sort: 'displayName', limit: 1000, offset: 200 }).users;
    const names = byName.map((u) => u.displayName);
    expect(names).toEqual([...names].sort());
    const down = search({ sort: 'logicalStore', descending: true, limit: 1000 }).users;
    expect(down[0]?.logicalStore).toBe('store03');
    expect(down.at(-1)?.logicalStore).toBe('store01');
    const page = search({ text: 'a', offset: 50, limit: 25 });
    const whole = search({ text: 'a', limit: 1000 });
    expect(page.users).toEqual(whole.users.slice(50, 75));
    expect(page.total).toBe(whole.total);
    expect(search({ offset: 5000 }).users).toEqual([]);
  });

  it('stays true after writes through it, and a refresh sees writes made elsewhere', async () => {
    const someone = people[7]!;
    const changed = await directory.modifyUser(someone.address, { displayName: '改名 花子' });
    expect(search({ text: '改名' }).total).toBe(0);
    index.upsert(changed);
    expect(search({ text: '改名' }).users.map((u) => u.mail)).toEqual([someone.address]);
    const sorted = search({ sort: 'displayName', limit: 1000 }).users.map((u) => u.displayName);
    expect(sorted).toEqual([...sorted].sort());
    expect(index.get(someone.address)?.displayName).toBe('改名 花子');
    index.remove(someone.address);
    expect(search({ text: '改名' }).total).toBe(0);
    expect(search({}).total).toBe(1199);
    // Another console changes the directory: only a refresh shows it.
    const other = people[8]!;
    await directory.modifyUser(other.address, { mailHost: 'store03' });
    expect(await index.load()).toBe(1200);
    expect(search({ text: '改名' }).total).toBe(1);
    expect(search({ text: other.address })?.users[0]?.logicalStore).toBe('store03');
  });

  it('keeps a write made through it while a load is reading the directory', async () => {
    const someone = people[11]!;
    const entry = index.get(someone.address)!;
    const loading = index.load();
    // The load is still reading pages: this write lands in the middle of it.
    index.upsert({ ...entry, displayName: '途中 書込' });
    await loading;
    expect(search({ text: '途中書込' }).users.map((u) => u.mail)).toEqual([someone.address]);
    expect(search({}).total).toBe(1200);
  });

  it('maps group member DNs back to addresses', () => {
    const someone = people[3]!;
    expect(index.addressOfDn(tree.user(someone.address).toUpperCase())).toBe(someone.address);
    expect(index.addressOfDn('uid=ghost,cn=x.example,ou=domains,dc=mailfleet,dc=test')).toBeUndefined();
  });
});
