/**
 * Delegation through DirectoryAdmin, on the embedded directory and real slapd: the server decides.
 * For a `domain` admin another domain's users are not found and its writes there not allowed, where
 * the helpdesk succeeds; an address held by a user it cannot read is refused by the directory, in
 * words; a group's members from another department are kept when it replaces the members.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { LdapFleetDirectory } from '../../../../agent/common/directory/ldap-fleet-directory.js';
import { DirectoryAdmin } from '../../../../main/core/directory-admin/directory-admin.js';
import { directoryBackends } from '../../../support/directory-backends.js';
import { seedNames, seedPasswords, testBaseDn } from '../../../support/directory-seed.js';
import type { TestDirectory } from '../../../support/test-directory.js';
import { tree, useAdminFixture } from './admin-fixture.js';
import { refused, succeeded } from './admin-results.js';

const { alice, bob } = seedNames;

describe.each(directoryBackends)('DirectoryAdmin delegation on $name', (backend) => {
  const fixture = useAdminFixture(backend);
  const as = (uid: string, password: string) => fixture.as(uid, password);
  let server: TestDirectory;
  let helpdesk: DirectoryAdmin;
  let alphaAdmin: DirectoryAdmin;

  beforeAll(() => {
    ({ server, helpdesk, alphaAdmin } = fixture);
  });

  it('lets the server decide: another domain does not exist for a domain admin, the helpdesk writes it', async () => {
    expect(
      succeeded('updateUser', await alphaAdmin.updateUser({ address: alice, displayName: 'Alice A.' })),
    ).toMatchObject({ displayName: 'Alice A.' });
    // The directory hides another department's entries from a domain admin: they are not found.
    for (const result of [
      await alphaAdmin.updateUser({ address: bob, displayName: 'Taken Over' }),
      await alphaAdmin.resetPassword({ address: bob, newPassword: 'Taken-Over-1' }),
      await alphaAdmin.deleteUser({ address: bob, confirm: bob }),
    ]) {
      expect(refused('updateUser', result)).toMatchObject({
        code: 'not-found',
        detail: 'no such user bob@beta.example',
      });
    }
    const intruder = await alphaAdmin.addUser({
      address: 'intruder@beta.example',
      displayName: 'Intruder',
      logicalStore: 'store01',
      password: 'Intruder-Pw-1',
    });
    expect(refused('addUser', intruder)).toMatchObject({ code: 'not-found', field: 'address' });
    expect(refused('addUser', intruder).detail).toMatch(
      /no mail domain beta\.example that this login may read/,
    );
    const alias = refused(
      'addAlias',
      await alphaAdmin.addAlias({ address: 'sales@beta.example', forwardTo: [bob] }),
    );
    expect(alias.code).toBe('not-allowed');
    expect(alias.detail).toMatch(/insufficient access/);
    expect(
      succeeded('updateUser', await helpdesk.updateUser({ address: bob, displayName: 'Bob J.' })),
    ).toMatchObject({ displayName: 'Bob J.' });
    expect(succeeded('user', await helpdesk.user({ address: bob })).displayName).toBe('Bob J.');
    // What the index holds is what the server lets this identity read: a domain admin's own domain.
    expect(succeeded('search', await helpdesk.search({ domain: 'beta.example' })).total).toBe(1);
    expect(succeeded('search', await alphaAdmin.search({ domain: 'beta.example' })).total).toBe(0);
    const alphaIndex = succeeded('search', await alphaAdmin.search({}));
    expect(alphaIndex.total).toBe(
      succeeded('search', await helpdesk.search({ domain: 'alpha.example' })).total,
    );
    expect(alphaIndex.users.every((u) => u.domain === 'alpha.example')).toBe(true);
    // An identity the server lets read nothing gets an empty index or a refusal, never the users.
    const anonymous = new DirectoryAdmin({
      directory: LdapFleetDirectory.withPassword({
        url: server.url,
        baseDn: testBaseDn,
        bindDn: '',
        bindPassword: '',
      }),
    });
    fixture.closeLater(anonymous);
    const seen = await anonymous.search({});
    if (seen.ok) expect(seen.value.indexed).toBe(0);
    else expect(['not-allowed', 'not-found']).toContain(seen.error.code);
    const viewer = as(seedNames.admins.viewer, seedPasswords.viewer);
    expect(refused('updateUser', await viewer.updateUser({ address: bob, displayName: 'x' })).code).toBe(
      'not-allowed',
    );
  });

  it('refuses a domain admin an address held by a user of a domain it cannot read, in words', async () => {
    const held = 'bob.alpha@alpha.example';
    succeeded('updateUser', await helpdesk.updateUser({ address: bob, aliases: [held] }));
    const results = [
      await alphaAdmin.updateUser({ address: alice, aliases: [held] }),
      await alphaAdmin.addUser({
        address: 'newcomer@alpha.example',
        displayName: 'Newcomer',
        logicalStore: 'store01',
        password: 'Newcomer-Pw-1',
        aliases: [held],
      }),
    ];
    for (const result of results) {
      const error = refused('updateUser', result);
      expect(error.code).toBe('already-exists');
      expect(error.message.ja).toBe('このアドレスまたは名前は既に使われています。');
      // The embedded directory names the held address; slapd's overlay every address of the write.
      expect(error.detail).toMatch(
        /^(one of .*)?bob\.alpha@alpha\.example is already used by another user, alias or group \(perhaps in a domain this login cannot read\)$/,
      );
    }
    expect(refused('user', await alphaAdmin.user({ address: 'newcomer@alpha.example' })).code).toBe(
      'not-found',
    );
    succeeded('updateUser', await helpdesk.updateUser({ address: bob, aliases: [] }));
  });

  it("keeps a group's members from another department when a domain admin replaces the members", async () => {
    const group = { domain: 'alpha.example', name: 'liaison' };
    succeeded(
      'addGroup',
      await helpdesk.addGroup({ ...group, address: 'liaison@alpha.example', members: [alice, bob] }),
    );
    const seen = succeeded('groups', await alphaAdmin.groups({ domain: 'alpha.example' })).find(
      (g) => g.name === 'liaison',
    );
    // bob is of beta.example: this admin sees the member by DN only and cannot name it.
    expect(seen?.members).toEqual([
      { dn: tree.user(alice), address: alice },
      { dn: tree.user(bob), address: null },
    ]);
    const changed = succeeded(
      'setGroupMembers',
      await alphaAdmin.setGroupMembers({ ...group, members: ['user0004@alpha.example'] }),
    );
    expect(changed.members.map((m) => m.dn)).toEqual([tree.user('user0004@alpha.example'), tree.user(bob)]);
    const asHelpdesk = succeeded(
      'setGroupMembers',
      await helpdesk.setGroupMembers({ ...group, members: [alice] }),
    );
    expect(asHelpdesk.members.map((m) => m.address)).toEqual([alice]);
    succeeded('deleteGroup', await helpdesk.deleteGroup(group));
  });
});
