/**
 * Access rules, the same on the embedded directory and on slapd: who may read and write what,
 * that refusals are insufficientAccessRights (50) explained in words, that a domain admin's
 * hidden entries answer noSuchObject (32) as missing ones do, and that an address has one holder.
 */
import {
  Attribute,
  BerWriter,
  Change,
  Client,
  ConstraintViolationError,
  InsufficientAccessError,
  NoSuchObjectError,
} from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryError } from '../../../agent/common/directory/directory-errors.js';
import { FleetTree } from '../../../agent/common/directory/fleet-entries.js';
import { LdapFleetDirectory } from '../../../agent/common/directory/ldap-fleet-directory.js';
import { passwordModifyOid } from '../../../agent/common/directory/ldap-session.js';
import {
  mailAliasEntry,
  mailGroupEntry,
  mailUserEntry,
} from '../../../agent/common/directory/seed-entries.js';
import { StoreEpochConflict } from '../../../agent/common/directory/store-state.js';
import { directoryBackends } from '../../support/directory-backends.js';
import { seedEntries, seedNames, seedPasswords, testBaseDn } from '../../support/directory-seed.js';
import type { TestDirectory } from '../../support/test-directory.js';

const tree = new FleetTree(testBaseDn);

/** beta.example's own users (enough for several pages), an alias and a group, beside the seed. */
const betaUserCount = 12;
const carol = 'carol@beta.example';
/** A further address in alpha.example held by carol, a user of beta.example. */
const carolsAlphaAddress = 'carol.alpha@alpha.example';
const carolsPassword = 'carol-secret';
const bulkAlphaUsers = 15;

function betaEntries() {
  const users = Array.from({ length: betaUserCount }, (_, i) =>
    mailUserEntry(tree, { mail: `beta${i}@beta.example`, displayName: `Beta ${i}`, mailHost: 'store02' }),
  );
  return [
    mailUserEntry(tree, {
      mail: carol,
      displayName: 'Carol Beta',
      mailHost: 'store02',
      mailLocalAddress: [carolsAlphaAddress],
      password: carolsPassword,
    }),
    ...users,
    mailAliasEntry(tree, { mail: 'postmaster@beta.example', forwardTo: [seedNames.bob] }),
    mailGroupEntry(tree, { name: 'team', domain: 'beta.example', mail: 'team@beta.example', memberDns: [] }),
  ];
}

/** Expects a DirectoryError with result code 19 (slapd's unique overlay, and the embedded rule). */
async function expectSecondHolderRefused(promise: Promise<unknown>): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DirectoryError);
  expect((error as DirectoryError).code).toBe(19);
  expect((error as DirectoryError).message).toMatch(/non-unique/);
}

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
  // A small page size, so every listing below runs as a paged search of several pages.
  const as = (bindDn: string, bindPassword: string) => {
    const client = LdapFleetDirectory.withPassword(
      { url: server.url, baseDn: testBaseDn, bindDn, bindPassword },
      { pageSize: 5 },
    );
    clients.push(client);
    return client;
  };
  const raw = async (bindDn?: string, password?: string) => {
    const client = new Client({ url: server.url });
    if (bindDn && password) await client.bind(bindDn, password);
    return client;
  };

  beforeAll(async () => {
    server = await backend.start(testBaseDn, [...seedEntries(bulkAlphaUsers), ...betaEntries()]);
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

  it("shows a domain admin its own domains and what it needs outside them, not another department's", async () => {
    const alphaAdmin = as(tree.admin(seedNames.admins.domainAdmin), seedPasswords.domainAdmin);
    const users = await alphaAdmin.searchUsers({});
    expect(users.length).toBe(1 + bulkAlphaUsers);
    expect(new Set(users.map((u) => u.mail.split('@')[1]))).toEqual(new Set(['alpha.example']));
    expect(await alphaAdmin.searchUsers({ domain: 'beta.example' })).toEqual([]);
    expect(await alphaAdmin.findUserByAddress(seedNames.bob)).toBeUndefined();
    // carol lives in beta.example: her further address in alpha.example does not make her readable.
    expect(await alphaAdmin.findUserByAddress(carolsAlphaAddress)).toBeUndefined();
    expect((await alphaAdmin.listDomains()).map((d) => d.name)).toEqual(['alpha.example']);
    expect((await alphaAdmin.listAliases('alpha.example')).map((a) => a.mail)).toEqual([
      'postmaster@alpha.example',
    ]);
    expect((await alphaAdmin.listGroups('alpha.example')).map((g) => g.name)).toEqual(['staff']);
    for (const hidden of [alphaAdmin.listAliases('beta.example'), alphaAdmin.listGroups('beta.example')]) {
      await expect(hidden).rejects.toMatchObject({ code: 32 });
    }
    // What the console needs outside the domains: nodes and their host keys, stores, its own entry.
    expect((await alphaAdmin.listServers()).map((s) => s.name)).toEqual([...seedNames.servers]);
    expect((await alphaAdmin.getServer('store01'))?.hostKeys).toHaveLength(1);
    expect(await alphaAdmin.listLogicalStores()).toHaveLength(seedNames.stores.length);
    expect((await alphaAdmin.listAdmins()).map((a) => a.uid)).toEqual([seedNames.admins.domainAdmin]);
    expect((await alphaAdmin.getAdmin(seedNames.admins.domainAdmin))?.domains).toEqual(['alpha.example']);
    expect(await alphaAdmin.getAdmin(seedNames.admins.helpdesk)).toBeUndefined();
  });

  it('answers a domain admin about a hidden entry as about a missing one (noSuchObject, 32)', async () => {
    const client = await raw(tree.admin(seedNames.admins.domainAdmin), seedPasswords.domainAdmin);
    try {
      for (const dn of [tree.user(seedNames.bob), tree.domain('beta.example'), tree.admin('helpdesk1')]) {
        await expect(client.search(dn, { scope: 'base' })).rejects.toBeInstanceOf(NoSuchObjectError);
        await expect(client.compare(dn, 'objectClass', 'top')).rejects.toBeInstanceOf(NoSuchObjectError);
      }
      await expect(client.search(tree.user('nobody@beta.example'), { scope: 'base' })).rejects.toBeInstanceOf(
        NoSuchObjectError,
      );
      // A subtree search over all domains leaves the other department out without an error.
      const { searchEntries } = await client.search(tree.domains, {
        filter: '(mail=*)',
        attributes: ['mail'],
        paged: { pageSize: 4 },
      });
      const domains = new Set(searchEntries.map((e) => String(e.mail).split('@')[1]));
      expect(domains).toEqual(new Set(['alpha.example']));
      expect(searchEntries.length).toBe(1 + bulkAlphaUsers + 2);
      expect(await client.compare(tree.user(seedNames.alice), 'mail', seedNames.alice)).toBe(true);
    } finally {
      await client.unbind();
    }
  });

  it('sends the rest of a paged search after a rebind only as the new identity may read', async () => {
    const client = await raw(tree.admin(seedNames.admins.helpdesk), seedPasswords.helpdesk);
    try {
      const pages = client.searchPaginated(tree.domains, {
        filter: '(objectClass=inetOrgPerson)',
        attributes: ['mail'],
        paged: { pageSize: 4 },
      });
      const first = await pages.next();
      expect(first.done).toBe(false);
      await client.bind(tree.admin(seedNames.admins.domainAdmin), seedPasswords.domainAdmin);
      const later: string[] = [];
      try {
        for await (const page of pages) later.push(...page.searchEntries.map((e) => String(e.mail)));
      } catch {
        // A server may also end the paged search at the rebind; then nothing more is sent at all.
      }
      expect(later.filter((mail) => !mail.endsWith('@alpha.example'))).toEqual([]);
    } finally {
      await client.unbind();
    }
  });

  it('lets the helpdesk, servers and user-tier admins read every domain', async () => {
    const system = as(tree.admin(seedNames.admins.system), seedPasswords.system);
    const everyUser = (await system.searchUsers({})).length;
    // The seed's users of both domains, and any an earlier test added.
    expect(everyUser).toBeGreaterThanOrEqual(2 + bulkAlphaUsers + 1 + betaUserCount);
    const readers = [
      as(tree.admin(seedNames.admins.helpdesk), seedPasswords.helpdesk),
      as(tree.admin(seedNames.admins.viewer), seedPasswords.viewer),
      as(tree.server('director01'), seedPasswords.server('director01')),
    ];
    for (const reader of readers) {
      expect(await reader.searchUsers({})).toHaveLength(everyUser);
      expect((await reader.findUserByAddress(carolsAlphaAddress))?.mail).toBe(carol);
      expect((await reader.listDomains()).map((d) => d.name)).toEqual([...seedNames.domains]);
      expect(await reader.listGroups('beta.example')).toHaveLength(1);
    }
    expect(await readers[0]?.listAdmins()).toHaveLength(Object.keys(seedNames.admins).length);
  });

  it('lets a mail user read its own domain only, as a domain admin of it reads', async () => {
    // A domain admin can make any entry below its domain and bind as it: that entry must not read
    // more than the admin (issue 10). So a mail user reads its own department, not the others.
    const carolBound = as(tree.user(carol), carolsPassword);
    const users = await carolBound.searchUsers({});
    expect(new Set(users.map((u) => u.mail.split('@')[1]))).toEqual(new Set(['beta.example']));
    expect(users.length).toBeGreaterThanOrEqual(1 + betaUserCount);
    expect(await carolBound.findUserByAddress(seedNames.alice)).toBeUndefined();
    expect((await carolBound.findUserByAddress(carolsAlphaAddress))?.mail).toBe(carol);
    expect((await carolBound.listDomains()).map((d) => d.name)).toEqual(['beta.example']);
    expect(await carolBound.listGroups('beta.example')).toHaveLength(1);
    await expect(carolBound.listGroups('alpha.example')).rejects.toMatchObject({ code: 32 });
    expect(await carolBound.listAdmins()).toEqual([]);
    expect((await carolBound.listServers()).map((s) => s.name)).toEqual([...seedNames.servers]);
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

  it("lets only a system admin place a store's replica (not the helpdesk, a domain admin or a store node)", async () => {
    // A store node able to place replicas could place another store's replica on itself and
    // receive that store's mail (docs/replication.md).
    const store02 = as(tree.server('store02'), seedPasswords.server('store02'));
    await expectRefused(store02.setReplicaNode('store01', 'store02'), /replica of store01/);
    await expectRefused(store02.setReplicaNode('store02', 'store01'), /replica of store02/);
    const helpdesk = as(tree.admin(seedNames.admins.helpdesk), seedPasswords.helpdesk);
    await expectRefused(helpdesk.setReplicaNode('store01', 'store02'), /replica of store01/);
    const domainAdmin = as(tree.admin(seedNames.admins.domainAdmin), seedPasswords.domainAdmin);
    await expectRefused(domainAdmin.setReplicaNode('store01', 'store02'), /replica of store01/);
    expect((await store02.getLogicalStore('store01'))?.replicaNode).toBe('spare01');
    const system = as(tree.admin(seedNames.admins.system), seedPasswords.system);
    await system.setReplicaNode('store01', 'store02');
    expect((await store02.getLogicalStore('store01'))?.replicaNode).toBe('store02');
    await system.setReplicaNode('store01', undefined);
    expect((await store02.getLogicalStore('store01'))?.replicaNode).toBeUndefined();
    await system.setReplicaNode('store01', 'spare01');
  });

  it("lets only a system admin and the store's named failover node write its failover state (not the fenced node)", async () => {
    // store01 served store01 and was fenced; store02 holds the replica and runs the failover job.
    const system = as(tree.admin(seedNames.admins.system), seedPasswords.system);
    const store01 = as(tree.server('store01'), seedPasswords.server('store01'));
    const store02 = as(tree.server('store02'), seedPasswords.server('store02'));
    const helpdesk = as(tree.admin(seedNames.admins.helpdesk), seedPasswords.helpdesk);
    const domainAdmin = as(tree.admin(seedNames.admins.domainAdmin), seedPasswords.domainAdmin);
    const before = await system.getLogicalStore('store01');
    expect(before?.state).toBe('serving');
    const fence = {
      fromEpoch: before?.epoch ?? 0,
      epoch: (before?.epoch ?? 0) + 1,
      state: 'failed' as const,
    };
    // Nobody but a system admin may name the failover node: that is what gives a node the right.
    await expectRefused(store02.setFailoverNode('store01', 'store02'), /failover node of store01/);
    await expectRefused(helpdesk.setFailoverNode('store01', 'store02'), /failover node of store01/);
    await expectRefused(domainAdmin.setFailoverNode('store01', 'store02'), /failover node of store01/);
    // Without the name, no node writes the state, nor does the helpdesk or a domain admin.
    await expectRefused(store02.changeStoreState('store01', fence), /failover state of store01/);
    await expectRefused(helpdesk.changeStoreState('store01', fence), /failover state of store01/);
    await expectRefused(domainAdmin.changeStoreState('store01', fence), /failover state of store01/);
    await system.setFailoverNode('store01', 'store02');
    expect((await store01.getLogicalStore('store01'))?.failoverNode).toBe('store02');
    const fenced = await store02.changeStoreState('store01', fence);
    expect(fenced).toMatchObject({ state: 'failed', epoch: fence.epoch, servedBy: 'store01' });
    const repoint = {
      fromEpoch: fence.epoch,
      epoch: fence.epoch + 1,
      state: 'serving' as const,
      servedBy: 'store02',
    };
    // The fenced node cannot write the store back to itself, nor another store's failover node.
    await expectRefused(
      store01.changeStoreState('store01', { ...repoint, servedBy: 'store01' }),
      /failover state of store01/,
    );
    await expectRefused(
      store02.changeStoreState('store02', { fromEpoch: 0, epoch: 1, state: 'failed' }),
      /failover state of store02/,
    );
    // A write from a stale read (the epoch moved on) is refused: the epoch never goes back.
    await store02.changeStoreState('store01', repoint);
    const stale = await store02.changeStoreState('store01', repoint).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(stale).toBeInstanceOf(StoreEpochConflict);
    expect(await system.getLogicalStore('store01')).toMatchObject({
      servedBy: 'store02',
      state: 'serving',
      epoch: repoint.epoch,
    });
    // Back as the seed had it, with the epoch raised again (it never goes back).
    await system.changeStoreState('store01', {
      fromEpoch: repoint.epoch,
      epoch: repoint.epoch + 1,
      state: 'serving',
      servedBy: 'store01',
    });
    await system.setFailoverNode('store01', undefined);
    await expectRefused(
      store02.changeStoreState('store01', {
        fromEpoch: repoint.epoch + 1,
        epoch: repoint.epoch + 2,
        state: 'failed',
      }),
      /failover state of store01/,
    );
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
