/** Offline import of a university-sized directory (40,000 users), then lookups through the client. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DirectoryEntry } from '../../../../agent/common/directory/directory-entry.js';
import { FleetTree } from '../../../../agent/common/directory/fleet-entries.js';
import { LdapFleetDirectory } from '../../../../agent/common/directory/ldap-fleet-directory.js';
import {
  adminEntry,
  directoryBaseEntries,
  logicalStoreEntry,
  mailDomainEntry,
  mailUserEntry,
} from '../../../../agent/common/directory/seed-entries.js';
import { EmbeddedDirectoryServer } from '../../../../agent/directory/embedded/embedded-directory-server.js';
import { importDirectoryEntries } from '../../../../agent/directory/embedded/import-entries.js';

const baseDn = 'dc=university,dc=test';
const tree = new FleetTree(baseDn);
const domains = ['physics.uni.example', 'chemistry.uni.example', 'library.uni.example', 'staff.uni.example'];
const userCount = 40_000;

function* universityEntries(): Generator<DirectoryEntry> {
  yield* directoryBaseEntries(tree);
  yield adminEntry(tree, { uid: 'ops', displayName: 'Operations', tier: 'system', password: 'ops-secret' });
  for (let s = 1; s <= 35; s++) {
    const name = `store${String(s).padStart(2, '0')}`;
    yield logicalStoreEntry(tree, { name, servedBy: name });
  }
  for (const name of domains) yield mailDomainEntry(tree, { name });
  for (let i = 0; i < userCount; i++) {
    yield mailUserEntry(tree, {
      mail: `person${i}@${domains[i % domains.length]}`,
      displayName: `Person ${i}`,
      mailHost: `store${String((i % 35) + 1).padStart(2, '0')}`,
      mailLocalAddress: [`p.${i}@${domains[i % domains.length]}`],
      password: `pw-${i}`,
    });
  }
}

describe('importDirectoryEntries', () => {
  let dataDir: string;
  let server: EmbeddedDirectoryServer;
  let directory: LdapFleetDirectory;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mailfleet-import-'));
  });

  afterAll(async () => {
    await directory?.close();
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('imports 40,000 users that the started server then finds by address', async () => {
    const { imported } = await importDirectoryEntries(dataDir, baseDn, universityEntries());
    expect(imported).toBe(5 + 1 + 35 + domains.length + userCount);
    server = new EmbeddedDirectoryServer({ dataDir, baseDn, port: 0 });
    await server.start();
    directory = LdapFleetDirectory.withPassword({
      url: server.url,
      baseDn,
      bindDn: tree.admin('ops'),
      bindPassword: 'ops-secret',
    });
    const person = await directory.findUserByAddress('person31337@chemistry.uni.example');
    expect(person).toMatchObject({ uid: 'person31337', mailHost: 'store13' });
    expect((await directory.findUserByAddress('p.39999@staff.uni.example'))?.mail).toBe(
      'person39999@staff.uni.example',
    );
    expect(await directory.verifyPassword('person123@staff.uni.example', 'pw-123')).toBe(true);
    const onStore07 = await directory.searchUsers({ mailHost: 'store07' });
    expect(onStore07).toHaveLength(Math.ceil((userCount - 6) / 35));
    expect(await directory.listLogicalStores()).toHaveLength(35);
  });

  it('refuses an entry whose parent is missing, naming it', async () => {
    const orphanDir = await mkdtemp(join(tmpdir(), 'mailfleet-import-orphan-'));
    try {
      const orphan = mailUserEntry(tree, {
        mail: 'x@nowhere.example',
        displayName: 'X',
        mailHost: 'store01',
      });
      await expect(
        importDirectoryEntries(orphanDir, baseDn, [...directoryBaseEntries(tree), orphan]),
      ).rejects.toThrow(/cannot import uid=x,cn=nowhere\.example.*parent/);
    } finally {
      await rm(orphanDir, { recursive: true, force: true });
    }
  });
});
