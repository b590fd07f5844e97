/**
 * Access rules for writes, the same on the embedded directory and on slapd: who may write what,
 * that refusals are insufficientAccessRights (50) explained in words, and that an address has one
 * holder. (Reads: directory-access-reads.test.ts; a store's replica and failover state:
 * directory-failover-access.test.ts.)
 */
import { Attribute, BerWriter, Change, ConstraintViolationError, InsufficientAccessError } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { passwordModifyOid } from '../../../agent/common/directory/ldap-session.js';
import { directoryBackends } from '../../support/directory-backends.js';
import { seedNames, seedPasswords } from '../../support/directory-seed.js';
import {
  accessRulesDirectory,
  carol,
  carolsAlphaAddress,
  expectRefused,
  expectSecondHolderRefused,
  tree,
} from './directory-access-fixture.js';

describe.each(directoryBackends)('directory access rules for writes on $name', (backend) => {
  const { as, raw } = accessRulesDirectory(backend);

  it('lets the helpdesk write users and passwords but not servers or admins', async () => {
    const helpdesk = as(tree.admin(seedNames.admins.helpdesk), seedPasswords.helpdesk);
    await expectRefused(helpdesk.updateServer('store01', { state: 'failed' }), /update of server store01/);
    const added = await helpdesk.addUser(
      { mail: 'hd-made@beta.example', displayName: 'Made By Helpdesk', mailHost: 'store01' },
      'Helpdesk-Made-1',
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
      'New-Alpha-Pw-2',
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
    const helpdesk = as(tree.admin(seedNames.admins.helpdesk), seedPasswords.helpdesk);
    expect((await helpdesk.findUserByAddress(seedNames.bob))?.mailboxState).toBe('active');
  });

  it('refuses a second holder of an address, even one the writer cannot read', async () => {
    const alphaAdmin = as(tree.admin(seedNames.admins.domainAdmin), seedPasswords.domainAdmin);
    // carol (beta.example, hidden from this admin) holds carol.alpha@alpha.example as a further address.
    await expectSecondHolderRefused(
      alphaAdmin.modifyUser(seedNames.alice, {
        mailLocalAddress: [seedNames.aliceLocalAddress, carolsAlphaAddress],
      }),
    );
    await expectSecondHolderRefused(
      alphaAdmin.addUser({
        mail: 'new-one@alpha.example',
        displayName: 'New One',
        mailHost: 'store01',
        mailLocalAddress: [carolsAlphaAddress],
      }),
    );
    // The group staff holds staff@alpha.example: a user of that address is a second holder.
    await expectSecondHolderRefused(
      alphaAdmin.addUser({ mail: 'staff@alpha.example', displayName: 'Staff', mailHost: 'store01' }),
    );
    const helpdesk = as(tree.admin(seedNames.admins.helpdesk), seedPasswords.helpdesk);
    await expectSecondHolderRefused(
      helpdesk.modifyUser(seedNames.bob, { mailLocalAddress: [seedNames.aliceLocalAddress] }),
    );
    const client = await raw(tree.admin(seedNames.admins.system), seedPasswords.system);
    try {
      const change = new Change({
        operation: 'add',
        modification: new Attribute({ type: 'mailLocalAddress', values: [carolsAlphaAddress] }),
      });
      await expect(client.modify(tree.user(seedNames.bob), change)).rejects.toBeInstanceOf(
        ConstraintViolationError,
      );
    } finally {
      await client.unbind();
    }
    // The entry's own addresses are not a second holder: alice keeps hers and adds a free one.
    const alice = await alphaAdmin.modifyUser(seedNames.alice, {
      mailLocalAddress: [seedNames.aliceLocalAddress, 'alice.s@alpha.example'],
    });
    expect(alice.mailLocalAddress).toEqual([seedNames.aliceLocalAddress, 'alice.s@alpha.example']);
    expect((await helpdesk.findUserByAddress(carolsAlphaAddress))?.mail).toBe(carol);
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
    // A store may flip a user's mailHost and move lock (a mailbox move: move-lock.test.ts), nothing else.
    await expectRefused(
      store01.modifyUser(seedNames.alice, { displayName: 'Not Alice' }),
      /alice@alpha\.example/,
    );
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
});
