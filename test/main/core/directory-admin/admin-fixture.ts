/**
 * The set-up the DirectoryAdmin tests share: a directory of the given backend seeded with 20 users
 * a domain, and DirectoryAdmin services bound as its admins, closed after the suite.
 */
import { afterAll, beforeAll } from 'vitest';
import { FleetTree } from '../../../../agent/common/directory/fleet-entries.js';
import { LdapFleetDirectory } from '../../../../agent/common/directory/ldap-fleet-directory.js';
import {
  DirectoryAdmin,
  type DirectoryAdminChange,
} from '../../../../main/core/directory-admin/directory-admin.js';
import type { directoryBackends } from '../../../support/directory-backends.js';
import { seedEntries, seedNames, seedPasswords, testBaseDn } from '../../../support/directory-seed.js';
import type { TestDirectory } from '../../../support/test-directory.js';

/** The seeded tree's names. */
export const tree = new FleetTree(testBaseDn);

/** What a suite gets: filled in by its beforeAll. */
export interface AdminFixture {
  server: TestDirectory;
  /** Every change the services reported, in order. */
  changes: DirectoryAdminChange[];
  helpdesk: DirectoryAdmin;
  /** The `domain` admin of alpha.example. */
  alphaAdmin: DirectoryAdmin;
  /** A service bound as another admin (closed with the suite). */
  as(uid: string, password: string): DirectoryAdmin;
  /** Closes a service made elsewhere with the suite. */
  closeLater(admin: DirectoryAdmin): void;
}

/** Registers the suite's beforeAll / afterAll; call inside `describe`. */
export function useAdminFixture(backend: (typeof directoryBackends)[number]): AdminFixture {
  const admins: DirectoryAdmin[] = [];
  const fixture = {
    changes: [] as DirectoryAdminChange[],
    as(uid: string, password: string) {
      const directory = LdapFleetDirectory.withPassword({
        url: fixture.server.url,
        baseDn: testBaseDn,
        bindDn: tree.admin(uid),
        bindPassword: password,
      });
      const admin = new DirectoryAdmin({ directory, onChange: (change) => fixture.changes.push(change) });
      admins.push(admin);
      return admin;
    },
    closeLater(admin: DirectoryAdmin) {
      admins.push(admin);
    },
  } as AdminFixture;
  beforeAll(async () => {
    fixture.server = await backend.start(testBaseDn, seedEntries(20));
    fixture.helpdesk = fixture.as(seedNames.admins.helpdesk, seedPasswords.helpdesk);
    fixture.alphaAdmin = fixture.as(seedNames.admins.domainAdmin, seedPasswords.domainAdmin);
  });
  afterAll(async () => {
    for (const admin of admins) await admin.close();
    await fixture.server?.stop();
  });
  return fixture;
}

/** A directory client bound as a server's entry (`store01`, `director01`): how that node reads, for the tests to look through. */
export function asServer(server: TestDirectory, name: string): LdapFleetDirectory {
  return LdapFleetDirectory.withPassword({
    url: server.url,
    baseDn: testBaseDn,
    bindDn: tree.server(name),
    bindPassword: seedPasswords.server(name),
  });
}
