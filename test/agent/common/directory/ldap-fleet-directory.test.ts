/**
 * The directory client against both backends, the embedded directory and real OpenLDAP slapd,
 * seeded alike: reads, paged user searches, writes, passwords, filter injection, reconnects.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryError } from '../../../../agent/common/directory/directory-errors.js';
import { LdapFleetDirectory } from '../../../../agent/common/directory/ldap-fleet-directory.js';
import { directoryBackends } from '../../../support/directory-backends.js';
import {
  bulkUserAddress,
  seedEntries,
  seedNames,
  seedPasswords,
  testBaseDn,
} from '../../../support/directory-seed.js';
import type { TestDirectory } from '../../../support/test-directory.js';

const bulkUsers = 1_200;

describe.each(directoryBackends)('LdapFleetDirectory against $name', (backend) => {
  let server: TestDirectory;
  let directory: LdapFleetDirectory;

  beforeAll(async () => {
    server = await backend.start(testBaseDn, seedEntries(bulkUsers));
    directory = LdapFleetDirectory.withPassword({
      url: server.url,
      baseDn: testBaseDn,
      bindDn: `uid=${seedNames.admins.system},ou=admins,${testBaseDn}`,
      bindPassword: seedPasswords.system,
    });
  });

  afterAll(async () => {
    await directory?.close();
    await server?.stop();
  });

  it('lists the servers with role, state, address, control port, host keys and endpoints', async () => {
    const servers = await directory.listServers();
    expect(servers.map((s) => s.name)).toEqual([...seedNames.servers]);
    const store01 = servers.find((s) => s.name === 'store01');
    expect(store01).toMatchObject({
      role: 'store',
      state: 'active',
      address: '127.0.0.1',
      controlPort: 4100,
    });
    expect(store01?.hostKeys).toEqual(['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIstore01 store01']);
    expect(store01?.endpoints).toEqual({ metrics: '127.0.0.1:9100' });
    expect(servers.find((s) => s.name === 'spare01')).toMatchObject({ role: 'spare', state: 'spare' });
  });

  it('gets one server, and undefined for a name that is not there', async () => {
    expect((await directory.getServer('director01'))?.role).toBe('director');
    expect(await directory.getServer('store99')).toBeUndefined();
  });

  it('lists and gets logical stores', async () => {
    const stores = await directory.listLogicalStores();
    expect(stores.map((s) => [s.name, s.servedBy, s.replicaNode])).toEqual([
      ['store01', 'store01', 'spare01'],
      ['store02', 'store02', undefined],
    ]);
    expect(await directory.getLogicalStore('store02')).toMatchObject({ servedBy: 'store02' });
    expect(await directory.getLogicalStore('store77')).toBeUndefined();
  });

  it('lists admins with tier, delegated domains and keys', async () => {
    const admins = await directory.listAdmins();
    expect(admins.map((a) => [a.uid, a.tier])).toEqual([
      ['alpha-admin', 'domain'],
      ['helpdesk1', 'helpdesk'],
      ['sysadmin', 'system'],
      ['viewer1', 'user'],
    ]);
    const alphaAdmin = await directory.getAdmin('alpha-admin');
    expect(alphaAdmin?.domains).toEqual(['alpha.example']);
    expect(alphaAdmin?.sshPublicKeys).toHaveLength(1);
    expect(await directory.getAdmin('nobody')).toBeUndefined();
  });

  it('lists mail domains with their default quota', async () => {
    const domains = await directory.listDomains();
    expect(domains.map((d) => d.name)).toEqual(['alpha.example', 'beta.example']);
    expect(domains[0]?.defaultQuotaBytes).toBe(1_073_741_824);
    expect(domains[1]?.defaultQuotaBytes).toBeUndefined();
  });

  it('searches users of a domain across several pages', async () => {
    const users = await directory.searchUsers({ domain: 'alpha.example' });
    expect(users).toHaveLength(bulkUsers + 1);
    expect(new Set(users.map((u) => u.mail)).size).toBe(bulkUsers + 1);
    expect(users.map((u) => u.mail)).toContain(bulkUserAddress(bulkUsers - 1));
  });

  it('searches users by logical store, by text and with a limit', async () => {
    const onStore02 = await directory.searchUsers({ mailHost: 'store02' });
    expect(onStore02).toHaveLength(bulkUsers / 2 + 1);
    expect(onStore02.every((u) => u.mailHost === 'store02')).toBe(true);
    const byText = await directory.searchUsers({ text: 'user000' });
    expect(byText.map((u) => u.mail).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => bulkUserAddress(i)),
    );
    expect((await directory.searchUsers({ text: 'ALICE' })).map((u) => u.mail)).toEqual([seedNames.alice]);
    expect(await directory.searchUsers({ limit: 25 })).toHaveLength(25);
    expect(await directory.searchUsers({ domain: 'gamma.example' })).toEqual([]);
  });

  it('finds a user by primary address and by mailLocalAddress, ignoring case', async () => {
    const alice = await directory.findUserByAddress('Alice@Alpha.Example');
    expect(alice).toMatchObject({
      uid: 'alice',
      mail: seedNames.alice,
      displayName: 'Alice Smith',
      mailHost: 'store01',
      quotaBytes: 2_000_000,
      mailboxState: 'active',
    });
    expect((await directory.findUserByAddress(seedNames.aliceLocalAddress))?.mail).toBe(seedNames.alice);
    expect(await directory.findUserByAddress('nobody@alpha.example')).toBeUndefined();
  });

  it('treats filter syntax in search text as literal text', async () => {
    expect(await directory.searchUsers({ text: '*)(uid=*' })).toEqual([]);
    expect(await directory.searchUsers({ text: '*' })).toEqual([]);
    expect(await directory.searchUsers({ text: 'alice*)(|(uid=*' })).toEqual([]);
    expect(await directory.findUserByAddress('*)(uid=*')).toBeUndefined();
    expect(await directory.findUserByAddress('*')).toBeUndefined();
  });

  it('adds, modifies and deletes a user', async () => {
    const added = await directory.addUser({
      mail: 'carol+lists@beta.example',
      displayName: 'Carol King',
      mailHost: 'store02',
      mailLocalAddress: ['ck@beta.example'],
      quotaBytes: 5_000,
    });
    expect(added).toMatchObject({
      uid: 'carol+lists',
      mailHost: 'store02',
      quotaBytes: 5_000,
      mailboxState: 'active',
    });
    const changed = await directory.modifyUser('carol+lists@beta.example', {
      mailHost: 'store01',
      mailboxState: 'moving',
      quotaBytes: null,
      mailRoutingAddress: 'carol@elsewhere.example',
      displayName: 'Carol Queen',
    });
    expect(changed).toMatchObject({
      mailHost: 'store01',
      mailboxState: 'moving',
      mailRoutingAddress: 'carol@elsewhere.example',
      displayName: 'Carol Queen',
    });
    expect(changed.quotaBytes).toBeUndefined();
    expect((await directory.findUserByAddress('ck@beta.example'))?.mailHost).toBe('store01');
    await directory.deleteUser('carol+lists@beta.example');
    expect(await directory.findUserByAddress('carol+lists@beta.example')).toBeUndefined();
    await expect(directory.deleteUser('carol+lists@beta.example')).rejects.toThrow(
      'no such user carol+lists@beta.example',
    );
  });

  it('refuses to add a user to a domain that does not exist, or twice', async () => {
    await expect(
      directory.addUser({ mail: 'dan@gamma.example', displayName: 'Dan', mailHost: 'store01' }),
    ).rejects.toThrow(DirectoryError);
    await expect(
      directory.addUser({ mail: seedNames.bob, displayName: 'Bob again', mailHost: 'store01' }),
    ).rejects.toThrow(/already exists/);
  });

  it('sets a password with Password Modify and checks it with a bind', async () => {
    await directory.addUser(
      { mail: 'erin@beta.example', displayName: 'Erin', mailHost: 'store01' },
      'first-secret',
    );
    expect(await directory.verifyPassword('erin@beta.example', 'first-secret')).toBe(true);
    await directory.setPassword('erin@beta.example', 'second secret ü');
    expect(await directory.verifyPassword('erin@beta.example', 'second secret ü')).toBe(true);
    expect(await directory.verifyPassword('erin@beta.example', 'first-secret')).toBe(false);
    expect(await directory.verifyPassword('erin@beta.example', '')).toBe(false);
    expect(await directory.verifyPassword('nobody@beta.example', 'first-secret')).toBe(false);
    await expect(directory.setPassword('nobody@beta.example', 'x')).rejects.toThrow(
      'no such user nobody@beta.example',
    );
  });

  it('stores passwords hashed and never returns them', async () => {
    const root = new Client({ url: server.url });
    try {
      await root.bind(server.rootDn, server.rootPassword);
      const { searchEntries } = await root.search(`uid=erin,cn=beta.example,ou=domains,${testBaseDn}`, {
        scope: 'base',
        attributes: ['userPassword'],
      });
      const stored = searchEntries[0]?.userPassword;
      if (server.kind === 'slapd') expect(String(stored)).toMatch(/^\{SSHA512\}/);
      else expect(stored).toEqual([]);
    } finally {
      await root.unbind();
    }
    const admin = new Client({ url: server.url });
    try {
      await admin.bind(`uid=${seedNames.admins.system},ou=admins,${testBaseDn}`, seedPasswords.system);
      const { searchEntries } = await admin.search(`ou=domains,${testBaseDn}`, {
        filter: '(userPassword=*)',
        attributes: ['userPassword'],
      });
      expect(searchEntries).toEqual([]);
    } finally {
      await admin.unbind();
    }
  });

  it('lists aliases and groups of a domain', async () => {
    expect(await directory.listAliases('alpha.example')).toEqual([
      {
        dn: expect.stringContaining('postmaster@alpha.example'),
        mail: 'postmaster@alpha.example',
        forwardTo: [seedNames.alice],
      },
    ]);
    const groups = await directory.listGroups('alpha.example');
    expect(groups.map((g) => [g.name, g.mail])).toEqual([['staff', 'staff@alpha.example']]);
    expect(groups[0]?.memberDns).toHaveLength(1);
    expect(await directory.listAliases('beta.example')).toEqual([]);
  });

  it('binds with the password from a password file, and says why it cannot', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mailfleet-password-'));
    const connection = {
      url: server.url,
      baseDn: testBaseDn,
      bindDn: `uid=${seedNames.admins.viewer},ou=admins,${testBaseDn}`,
    };
    const fromFile = new LdapFleetDirectory({
      ...connection,
      bindPasswordFile: join(dir, 'viewer.password'),
    });
    const missingFile = new LdapFleetDirectory({
      ...connection,
      bindPasswordFile: join(dir, 'missing.password'),
    });
    const wrongPassword = LdapFleetDirectory.withPassword({
      ...connection,
      bindPassword: 'not the password',
    });
    try {
      await writeFile(join(dir, 'viewer.password'), `${seedPasswords.viewer}\n`, { mode: 0o600 });
      expect((await fromFile.listDomains()).map((d) => d.name)).toEqual(['alpha.example', 'beta.example']);
      await expect(missingFile.listDomains()).rejects.toThrow(
        /cannot read the directory password file .*missing\.password/,
      );
      await expect(wrongPassword.listDomains()).rejects.toThrow(/refused the credentials of uid=viewer1/);
    } finally {
      await Promise.all([fromFile.close(), missingFile.close(), wrongPassword.close()]);
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reconnects and binds again after the server restarts', async () => {
    expect(await directory.getServer('store01')).toBeDefined();
    await server.restart();
    expect((await directory.getServer('store01'))?.name).toBe('store01');
    await directory.updateServer('store02', { state: 'maintenance' });
    expect((await directory.getServer('store02'))?.state).toBe('maintenance');
  });
});
