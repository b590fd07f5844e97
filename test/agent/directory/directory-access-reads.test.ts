/**
 * Access rules for reads, the same on the embedded directory and on slapd: what each identity
 * reads (a domain admin and a mail user their own department, the helpdesk, servers and user-tier
 * admins every domain, an anonymous connection nothing), and that a domain admin's hidden entries
 * answer noSuchObject (32) as missing ones do. (Writes: directory-access-writes.test.ts.)
 */
import { NoSuchObjectError } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { directoryBackends } from '../../support/directory-backends.js';
import { seedNames, seedPasswords, testBaseDn } from '../../support/directory-seed.js';
import {
  accessRulesDirectory,
  betaUserCount,
  bulkAlphaUsers,
  carol,
  carolsAlphaAddress,
  carolsPassword,
  tree,
} from './directory-access-fixture.js';

describe.each(directoryBackends)('directory access rules for reads on $name', (backend) => {
  const { as, raw } = accessRulesDirectory(backend);

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
