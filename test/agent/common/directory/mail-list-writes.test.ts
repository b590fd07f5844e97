/**
 * The directory client's alias and group writes (addAlias, setAliasTargets, deleteAlias, addGroup,
 * setGroupMembers, deleteGroup) on the embedded directory and on slapd: what is written reads back
 * as the director reads it, and refusals carry the LDAP result code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryError } from '../../../../agent/common/directory/directory-errors.js';
import { FleetTree } from '../../../../agent/common/directory/fleet-entries.js';
import { LdapFleetDirectory } from '../../../../agent/common/directory/ldap-fleet-directory.js';
import { directoryBackends } from '../../../support/directory-backends.js';
import { seedEntries, seedNames, seedPasswords, testBaseDn } from '../../../support/directory-seed.js';
import type { TestDirectory } from '../../../support/test-directory.js';

const tree = new FleetTree(testBaseDn);

async function codeOf(promise: Promise<unknown>): Promise<number | undefined> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DirectoryError);
  return (error as DirectoryError).code;
}

describe.each(directoryBackends)('alias and group writes on $name', (backend) => {
  let server: TestDirectory;
  let helpdesk: LdapFleetDirectory;
  let alphaAdmin: LdapFleetDirectory;

  beforeAll(async () => {
    server = await backend.start(testBaseDn, seedEntries(0));
    helpdesk = LdapFleetDirectory.withPassword({
      url: server.url,
      baseDn: testBaseDn,
      bindDn: tree.admin(seedNames.admins.helpdesk),
      bindPassword: seedPasswords.helpdesk,
    });
    alphaAdmin = LdapFleetDirectory.withPassword({
      url: server.url,
      baseDn: testBaseDn,
      bindDn: tree.admin(seedNames.admins.domainAdmin),
      bindPassword: seedPasswords.domainAdmin,
    });
  });

  afterAll(async () => {
    await helpdesk?.close();
    await alphaAdmin?.close();
    await server?.stop();
  });

  it('adds an alias, changes its targets and deletes it', async () => {
    const added = await helpdesk.addAlias({ mail: 'info@beta.example', forwardTo: [seedNames.bob] });
    expect(added).toMatchObject({ mail: 'info@beta.example', forwardTo: [seedNames.bob] });
    const changed = await helpdesk.setAliasTargets('info@beta.example', [
      seedNames.bob,
      'x@elsewhere.example',
    ]);
    expect(changed.forwardTo).toEqual([seedNames.bob, 'x@elsewhere.example']);
    expect((await helpdesk.listAliases('beta.example')).map((a) => a.mail)).toEqual(['info@beta.example']);
    expect(await codeOf(helpdesk.addAlias({ mail: 'info@beta.example', forwardTo: [seedNames.bob] }))).toBe(
      68,
    );
    await helpdesk.deleteAlias('info@beta.example');
    expect(await helpdesk.listAliases('beta.example')).toEqual([]);
    expect(await codeOf(helpdesk.deleteAlias('info@beta.example'))).toBe(32);
    expect(await codeOf(helpdesk.addAlias({ mail: 'x@nowhere.example', forwardTo: [seedNames.bob] }))).toBe(
      32,
    );
    // mailfleetForwardTo is a MUST of mailfleetMailAlias: an alias cannot lose every target.
    expect(await codeOf(helpdesk.setAliasTargets('postmaster@alpha.example', []))).toBeGreaterThan(0);
  });

  it('adds a group, replaces its members (also with none) and deletes it', async () => {
    const alice = tree.user(seedNames.alice);
    const added = await helpdesk.addGroup({
      name: 'lab',
      domain: 'alpha.example',
      mail: 'lab@alpha.example',
      memberDns: [alice],
    });
    expect(added).toMatchObject({ name: 'lab', mail: 'lab@alpha.example' });
    expect(added.memberDns.map((dn) => dn.toLowerCase())).toEqual([alice.toLowerCase()]);
    const emptied = await helpdesk.setGroupMembers('alpha.example', 'lab', []);
    expect(emptied.memberDns).toEqual([]);
    const refilled = await helpdesk.setGroupMembers('alpha.example', 'lab', [
      alice,
      tree.user(seedNames.bob),
    ]);
    expect(refilled.memberDns).toHaveLength(2);
    expect((await helpdesk.listGroups('alpha.example')).map((g) => g.name)).toEqual(['lab', 'staff']);
    await helpdesk.deleteGroup('alpha.example', 'lab');
    expect((await helpdesk.listGroups('alpha.example')).map((g) => g.name)).toEqual(['staff']);
    expect(await codeOf(helpdesk.setGroupMembers('alpha.example', 'lab', []))).toBe(32);
  });

  it('lets a domain admin write the lists of its own domain only', async () => {
    await alphaAdmin.addAlias({ mail: 'office@alpha.example', forwardTo: [seedNames.alice] });
    await alphaAdmin.deleteAlias('office@alpha.example');
    expect(
      await codeOf(alphaAdmin.addAlias({ mail: 'office@beta.example', forwardTo: [seedNames.bob] })),
    ).toBe(50);
    expect(
      await codeOf(
        alphaAdmin.addGroup({
          name: 'crew',
          domain: 'beta.example',
          mail: 'crew@beta.example',
          memberDns: [],
        }),
      ),
    ).toBe(50);
    expect(await helpdesk.listGroups('beta.example')).toEqual([]);
  });
});
