/**
 * DirectoryAdmin against the embedded directory and real slapd: the user page, edit, password
 * reset, add and delete, aliases and groups, each result checked against the contract schema, and
 * every refusal in words. Delegation (what a `domain` admin may read and write) is in
 * directory-admin-delegation.test.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { LdapFleetDirectory } from '../../../../agent/common/directory/ldap-fleet-directory.js';
import { DirectoryAdmin } from '../../../../main/core/directory-admin/directory-admin.js';
import { directoryBackends } from '../../../support/directory-backends.js';
import { seedNames, seedPasswords, testBaseDn } from '../../../support/directory-seed.js';
import { probeFreePort } from '../../../support/free-port.js';
import type { TestDirectory } from '../../../support/test-directory.js';
import { tree, useAdminFixture } from './admin-fixture.js';
import { refused, succeeded } from './admin-results.js';

const { alice, bob } = seedNames;

describe.each(directoryBackends)('DirectoryAdmin on $name', (backend) => {
  const fixture = useAdminFixture(backend);
  const { changes } = fixture;
  const as = (uid: string, password: string) => fixture.as(uid, password);
  let server: TestDirectory;
  let helpdesk: DirectoryAdmin;

  beforeAll(() => {
    ({ server, helpdesk } = fixture);
  });

  it('searches the index by address, further address, name, domain and store', async () => {
    const all = succeeded('search', await helpdesk.search({}));
    expect(all.total).toBe(22);
    expect(succeeded('search', await helpdesk.search({ text: 'A.SMITH' })).users.map((u) => u.mail)).toEqual([
      alice,
    ]);
    expect(succeeded('search', await helpdesk.search({ text: 'jones' })).users.map((u) => u.mail)).toEqual([
      bob,
    ]);
    const beta = succeeded('search', await helpdesk.search({ domain: 'beta.example' }));
    expect(beta.users.map((u) => u.mail)).toEqual([bob]);
    const store02 = succeeded('search', await helpdesk.search({ text: 'bulk', logicalStore: 'store02' }));
    expect(store02.total).toBe(10);
    const overview = succeeded('overview', await helpdesk.overview());
    expect(overview.domains).toEqual([
      {
        name: 'alpha.example',
        description: 'Alpha department',
        defaultQuotaBytes: 1_073_741_824,
        quotaBudgetBytes: null,
        // alice's own 2,000,000 bytes, and the domain's 1 GiB for each of the 20 bulk users.
        quotaGivenBytes: 2_000_000 + 20 * 1_073_741_824,
        users: 21,
      },
      {
        name: 'beta.example',
        description: null,
        defaultQuotaBytes: null,
        quotaBudgetBytes: null,
        quotaGivenBytes: 0,
        users: 1,
      },
    ]);
    expect(overview.logicalStores).toEqual(['store01', 'store02']);
  });

  it('shows the user page and edits name, quota, further addresses and forwarding', async () => {
    const page = succeeded('user', await helpdesk.user({ address: seedNames.aliceLocalAddress }));
    expect(page).toMatchObject({
      mail: alice,
      displayName: 'Alice Smith',
      logicalStore: 'store01',
      aliases: [seedNames.aliceLocalAddress],
      forwardTo: null,
      quotaBytes: 2_000_000,
      domainDefaultQuotaBytes: 1_073_741_824,
      state: 'active',
    });
    const edited = succeeded(
      'updateUser',
      await helpdesk.updateUser({
        address: alice,
        displayName: '佐藤 アリス',
        quotaBytes: 5 * 1_048_576,
        aliases: [seedNames.aliceLocalAddress, 'alice.sato@alpha.example'],
        forwardTo: 'alice@home.example',
      }),
    );
    expect(edited).toMatchObject({
      displayName: '佐藤 アリス',
      quotaBytes: 5_242_880,
      aliases: [seedNames.aliceLocalAddress, 'alice.sato@alpha.example'],
      forwardTo: 'alice@home.example',
    });
    // The index follows writes made through it.
    expect(
      succeeded('search', await helpdesk.search({ text: '佐藤アリス' })).users.map((u) => u.mail),
    ).toEqual([alice]);
    expect(succeeded('search', await helpdesk.search({ text: 'alice.sato@' })).total).toBe(1);
    const reverted = succeeded(
      'updateUser',
      await helpdesk.updateUser({ address: alice, quotaBytes: null, forwardTo: null }),
    );
    expect(reverted).toMatchObject({ quotaBytes: null, forwardTo: null });
  });

  it('refuses bad input in words before asking the directory', async () => {
    const moved = refused(
      'updateUser',
      await helpdesk.updateUser({ address: alice, logicalStore: 'store02' }),
    );
    expect(moved).toMatchObject({ code: 'invalid-input', field: 'logicalStore' });
    expect(moved.detail).toMatch(/mailbox move/);
    expect(
      refused('updateUser', await helpdesk.updateUser({ address: alice, quotaBytes: 10 })),
    ).toMatchObject({
      code: 'invalid-input',
      field: 'quotaBytes',
    });
    expect(
      refused('updateUser', await helpdesk.updateUser({ address: alice, aliases: ['not an address'] })),
    ).toMatchObject({ code: 'invalid-input', field: 'aliases.0' });
    expect(
      refused('updateUser', await helpdesk.updateUser({ address: alice, displayName: 'x'.repeat(129) })),
    ).toMatchObject({ code: 'invalid-input', field: 'displayName' });
    expect(refused('user', await helpdesk.user({ address: 'a@b' }))).toMatchObject({ field: 'address' });
    expect(refused('user', await helpdesk.user('alice'))).toMatchObject({ code: 'invalid-input' });
    expect(
      refused(
        'updateUser',
        await helpdesk.updateUser({ address: alice, aliases: [`${'bob'}@beta.example`] }),
      ),
    ).toMatchObject({ code: 'already-exists', field: 'aliases.0' });
    expect(
      refused('updateUser', await helpdesk.updateUser({ address: alice, aliases: ['x@nowhere.example'] })),
    ).toMatchObject({ code: 'not-found', field: 'aliases.0' });
    expect(refused('user', await helpdesk.user({ address: 'nobody@alpha.example' }))).toMatchObject({
      code: 'not-found',
    });
  });

  it('resets a password without returning or reporting it', async () => {
    const secret = 'Fresh-Password-42';
    const result = await helpdesk.resetPassword({ address: bob, newPassword: secret });
    expect(succeeded('resetPassword', result)).toEqual({ address: bob, changed: true });
    expect(JSON.stringify(result)).not.toContain(secret);
    const checker = LdapFleetDirectory.withPassword({
      url: server.url,
      baseDn: testBaseDn,
      bindDn: tree.admin(seedNames.admins.viewer),
      bindPassword: seedPasswords.viewer,
    });
    try {
      expect(await checker.verifyPassword(bob, secret)).toBe(true);
      expect(await checker.verifyPassword(bob, 'bob-secret')).toBe(false);
    } finally {
      await checker.close();
    }
    const short = await helpdesk.resetPassword({ address: bob, newPassword: 'tiny' });
    expect(refused('resetPassword', short)).toMatchObject({
      code: 'password-policy',
      field: 'newPassword',
      message: { en: expect.stringContaining('at least 8 characters') },
    });
    expect(JSON.stringify(short)).not.toContain('tiny');
    expect(JSON.stringify(changes)).not.toContain(secret);
  });

  it('adds a user in an existing domain on an existing store, and deletes it when confirmed', async () => {
    const address = 'new.person@beta.example';
    const added = succeeded(
      'addUser',
      await helpdesk.addUser({
        address,
        displayName: '新人 太郎',
        logicalStore: 'store02',
        password: 'First-Password-1',
      }),
    );
    expect(added).toMatchObject({
      mail: address,
      logicalStore: 'store02',
      state: 'active',
      quotaBytes: null,
    });
    expect(succeeded('search', await helpdesk.search({ text: '新人' })).total).toBe(1);
    const again = { address, displayName: 'Twice', logicalStore: 'store02', password: 'First-Password-1' };
    expect(refused('addUser', await helpdesk.addUser(again))).toMatchObject({ code: 'already-exists' });
    expect(
      refused('addUser', await helpdesk.addUser({ ...again, address: 'x@nowhere.example' })),
    ).toMatchObject({ code: 'not-found', field: 'address' });
    expect(
      refused(
        'addUser',
        await helpdesk.addUser({ ...again, address: 'y@beta.example', logicalStore: 'store99' }),
      ),
    ).toMatchObject({ code: 'not-found', field: 'logicalStore' });
    expect(
      refused('deleteUser', await helpdesk.deleteUser({ address, confirm: 'new.persn@beta.example' })),
    ).toMatchObject({ code: 'not-confirmed', field: 'confirm' });
    expect(
      succeeded('deleteUser', await helpdesk.deleteUser({ address, confirm: ` ${address.toUpperCase()}` })),
    ).toEqual({ address, deleted: true });
    expect(refused('user', await helpdesk.user({ address }))).toMatchObject({ code: 'not-found' });
    expect(succeeded('search', await helpdesk.search({ text: '新人' })).total).toBe(0);
    expect(changes).toEqual(
      expect.arrayContaining([
        { call: 'addUser', target: address, ok: true },
        { call: 'addUser', target: address, ok: false, code: 'already-exists' },
        { call: 'deleteUser', target: address, ok: true },
      ]),
    );
  });

  it('refuses an address already used by a user, an alias or a group', async () => {
    const taken = [
      await helpdesk.addUser({
        address: 'postmaster@alpha.example',
        displayName: 'Post Master',
        logicalStore: 'store01',
        password: 'Post-Master-1',
      }),
      await helpdesk.updateUser({ address: bob, aliases: ['staff@alpha.example'] }),
      await helpdesk.addAlias({ address: 'staff@alpha.example', forwardTo: [bob] }),
      await helpdesk.addGroup({
        domain: 'alpha.example',
        name: 'pm',
        address: 'postmaster@alpha.example',
        members: [],
      }),
    ];
    expect(taken.map((result) => refused('addUser', result).code)).toEqual([
      'already-exists',
      'already-exists',
      'already-exists',
      'already-exists',
    ]);
    expect(refused('addUser', taken[0]!).detail).toMatch(/the alias postmaster@alpha\.example/);
    expect(refused('addUser', taken[2]!).detail).toMatch(/the group staff of alpha\.example/);
  });

  it('manages aliases and groups with members by address', async () => {
    expect(succeeded('aliases', await helpdesk.aliases({ domain: 'alpha.example' }))).toEqual([
      { address: 'postmaster@alpha.example', forwardTo: [alice] },
    ]);
    const alias = { address: 'help@alpha.example', forwardTo: [alice, 'desk@outside.example'] };
    expect(succeeded('addAlias', await helpdesk.addAlias(alias))).toEqual(alias);
    expect(refused('addAlias', await helpdesk.addAlias(alias)).code).toBe('already-exists');
    expect(refused('addAlias', await helpdesk.addAlias({ address: alice, forwardTo: [bob] })).code).toBe(
      'already-exists',
    );
    expect(
      refused('setAliasTargets', await helpdesk.setAliasTargets({ ...alias, forwardTo: [] })).field,
    ).toBe('forwardTo');
    expect(
      succeeded('setAliasTargets', await helpdesk.setAliasTargets({ ...alias, forwardTo: [bob] })).forwardTo,
    ).toEqual([bob]);
    expect(succeeded('deleteAlias', await helpdesk.deleteAlias({ address: alias.address }))).toEqual({
      deleted: true,
    });
    expect(refused('deleteAlias', await helpdesk.deleteAlias({ address: alias.address })).code).toBe(
      'not-found',
    );

    const group = { domain: 'alpha.example', name: 'seminar' };
    const added = succeeded(
      'addGroup',
      await helpdesk.addGroup({
        ...group,
        address: 'seminar@alpha.example',
        members: [seedNames.aliceLocalAddress],
      }),
    );
    expect(added.members).toEqual([{ dn: expect.any(String), address: alice }]);
    const changed = succeeded(
      'setGroupMembers',
      await helpdesk.setGroupMembers({ ...group, members: [alice, 'user0003@alpha.example'] }),
    );
    expect(changed.members.map((m) => m.address)).toEqual([alice, 'user0003@alpha.example']);
    expect(
      refused(
        'setGroupMembers',
        await helpdesk.setGroupMembers({ ...group, members: ['ghost@alpha.example'] }),
      ),
    ).toMatchObject({ code: 'not-found', field: 'members.0' });
    expect(
      refused(
        'addGroup',
        await helpdesk.addGroup({ ...group, name: 'g2', address: 'g2@beta.example', members: [] }),
      ),
    ).toMatchObject({ code: 'invalid-input', field: 'address' });
    const groups = succeeded('groups', await helpdesk.groups({ domain: 'alpha.example' }));
    expect(groups.map((g) => g.name)).toEqual(['seminar', 'staff']);
    expect(succeeded('deleteGroup', await helpdesk.deleteGroup(group))).toEqual({ deleted: true });
    expect(refused('deleteGroup', await helpdesk.deleteGroup(group)).code).toBe('not-found');
  });

  it('says the directory is down when it cannot be reached, goes on after a restart, and words bad credentials', async () => {
    const port = await probeFreePort();
    const down = new DirectoryAdmin({
      directory: LdapFleetDirectory.withPassword(
        { url: `ldap://127.0.0.1:${port}`, baseDn: testBaseDn, bindDn: tree.admin('x'), bindPassword: 'x' },
        { timeoutMs: 2000 },
      ),
    });
    fixture.closeLater(down);
    expect(refused('search', await down.search({})).code).toBe('directory-down');
    // After the directory restarts the same service goes on (the client reconnects and binds again).
    await server.restart();
    expect(succeeded('user', await helpdesk.user({ address: alice })).mail).toBe(alice);
    const wrong = as(seedNames.admins.helpdesk, 'not-the-password');
    expect(refused('user', await wrong.user({ address: alice })).code).toBe('bad-credentials');
  });
});
