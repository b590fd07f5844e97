/**
 * Access rules, the same on the embedded directory and on slapd: who may write what, and that
 * refusals are insufficientAccessRights (50) explained in words.
 */
import { Attribute, BerWriter, Change, Client, InsufficientAccessError } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryError } from '../../../agent/directory/directory-errors.js';
import { FleetTree } from '../../../agent/directory/fleet-entries.js';
import { LdapFleetDirectory } from '../../../agent/directory/ldap-fleet-directory.js';
import { passwordModifyOid } from '../../../agent/directory/ldap-session.js';
import { directoryBackends } from '../../support/directory-backends.js';
import { seedEntries, seedNames, seedPasswords, testBaseDn } from '../../support/directory-seed.js';
import type { TestDirectory } from '../../support/test-directory.js';

const tree = new FleetTree(testBaseDn);

/** Expects a DirectoryError with result code 50 whose message says what was refused. */
async function expectRefused(promise: Promise<unknown>, what: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DirectoryError);
  expect((error as DirectoryError).code).toBe(50);
  expect((error as DirectoryError).message).toMatch(what);
  expect((error as DirectoryError).message).toMatch(/insufficient access/);
}

describe.each(directoryBackends)('directory access rules on $name', (backend) => {
  let server: TestDirectory;
  const clients: LdapFleetDirectory[] = [];
  const as = (bindDn: string, bindPassword: string) => {
    const client = LdapFleetDirectory.withPassword({
      url: server.url,
      baseDn: testBaseDn,
      bindDn,
      bindPassword,
    });
    clients.push(client);
    return client;
  };
  const raw = async (bindDn?: string, password?: string) => {
    const client = new Client({ url: server.url });
    if (bindDn && password) await client.bind(bindDn, password);
    return client;
  };

  beforeAll(async () => {
    server = await backend.start(testBaseDn, seedEntries(0));
  });

  afterAll(async () => {
    for (const client of clients) await client.close();
    await server?.stop();
  });

  it('lets the helpdesk write users and passwords but not servers or admins', async () => {
    const helpdesk = as(tree.admin(seedNames.admins.helpdesk), seedPasswords.helpdesk);
    await expectRefused(helpdesk.updateServer('store01', { state: 'failed' }), /update of server store01/);
    const added = await helpdesk.addUser(
      { mail: 'hd-made@beta.example', displayName: 'Made By Helpdesk', mailHost: 'store01' },
      'pw-1',
    );
    expect(added.mail).toBe('hd-made@beta.example');
    await helpdesk.setPassword(seedNames.alice, 'reset-by-helpdesk');
    expect(await helpdesk.verifyPassword(seedNames.alice, 'reset-by-helpdesk')).toBe(true);
    const client = await raw(tree.admin(seedNames.admins.helpdesk), seedPasswords.helpdesk);
    try {
      const change = new Change({
        operation: 'replace',
        modification: new Attribute({ type: 'description', values: ['x'] }),
      });
      await expect(client.modify(tree.admin(seedNames.admins.viewer), change)).rejects.toBeInstanceOf(
        InsufficientAccessError,
      );
    } finally {
      await client.unbind();
    }
    expect((await helpdesk.getServer('store01'))?.state).toBe('active');
  });

  it('lets a domain admin write only below its own domains', async () => {
    const alphaAdmin = as(tree.admin(seedNames.admins.domainAdmin), seedPasswords.domainAdmin);
    const alice = await alphaAdmin.modifyUser(seedNames.alice, { mailboxState: 'disabled' });
    expect(alice.mailboxState).toBe('disabled');
    await alphaAdmin.addUser(
      { mail: 'new-alpha@alpha.example', displayName: 'New Alpha', mailHost: 'store02' },
      'pw-2',
    );
    await alphaAdmin.deleteUser('new-alpha@alpha.example');
    await expectRefused(
      alphaAdmin.modifyUser(seedNames.bob, { mailboxState: 'disabled' }),
      /bob@beta\.example/,
    );
    await expectRefused(
      alphaAdmin.addUser({ mail: 'intruder@beta.example', displayName: 'Intruder', mailHost: 'store01' }),
      /intruder@beta\.example/,
    );
    await expectRefused(alphaAdmin.setPassword(seedNames.bob, 'taken-over'), /password change/);
    await expectRefused(alphaAdmin.updateServer('store01', { state: 'down' }), /server store01/);
    expect((await alphaAdmin.findUserByAddress(seedNames.bob))?.mailboxState).toBe('active');
  });

  it('lets a server update its own entry and nothing else', async () => {
    const store01 = as(tree.server('store01'), seedPasswords.server('store01'));
    await store01.updateServer('store01', {
      state: 'active',
      endpoints: { imap: '127.0.0.1:1143', metrics: '127.0.0.1:9100' },
      hostKeys: ['ssh-ed25519 AAAAnewkey store01'],
      address: '127.0.0.2',
      controlPort: 4200,
    });
    expect(await store01.getServer('store01')).toMatchObject({
      endpoints: { imap: '127.0.0.1:1143', metrics: '127.0.0.1:9100' },
      hostKeys: ['ssh-ed25519 AAAAnewkey store01'],
      address: '127.0.0.2',
      controlPort: 4200,
    });
    await expectRefused(
      store01.updateServer('store02', { endpoints: { smtp: '127.0.0.1:25' } }),
      /server store02/,
    );
    await expectRefused(store01.modifyUser(seedNames.alice, { mailHost: 'store01' }), /alice@alpha\.example/);
    const client = await raw(tree.server('store01'), seedPasswords.server('store01'));
    try {
      const change = new Change({
        operation: 'replace',
        modification: new Attribute({ type: 'mailfleetRole', values: ['director'] }),
      });
      await expect(client.modify(tree.server('store01'), change)).rejects.toBeInstanceOf(
        InsufficientAccessError,
      );
    } finally {
      await client.unbind();
    }
    expect((await store01.getServer('store01'))?.role).toBe('store');
  });

  it('lets a user-tier admin read but not write', async () => {
    const viewer = as(tree.admin(seedNames.admins.viewer), seedPasswords.viewer);
    expect(await viewer.listServers()).toHaveLength(seedNames.servers.length);
    await expectRefused(viewer.modifyUser(seedNames.bob, { mailHost: 'store01' }), /bob@beta\.example/);
  });

  it('lets an entry change its own password, and nobody else read one', async () => {
    const client = await raw(tree.user(seedNames.bob), 'bob-secret');
    try {
      const value = new BerWriter();
      value.startSequence();
      value.writeString('bob-new-secret', 0x82);
      value.endSequence();
      await client.exop(passwordModifyOid, value.buffer);
    } finally {
      await client.unbind();
    }
    const checker = as(tree.admin(seedNames.admins.viewer), seedPasswords.viewer);
    expect(await checker.verifyPassword(seedNames.bob, 'bob-new-secret')).toBe(true);
    expect(await checker.verifyPassword(seedNames.bob, 'bob-secret')).toBe(false);
  });

  it('shows an anonymous connection nothing of the tree', async () => {
    const client = await raw();
    try {
      const found = await client.search(`ou=domains,${testBaseDn}`, { filter: '(objectClass=*)' }).then(
        (r) => r.searchEntries,
        () => [],
      );
      expect(found).toEqual([]);
    } finally {
      await client.unbind();
    }
  });
});
