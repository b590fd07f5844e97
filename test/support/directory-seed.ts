/**
 * The small directory both test backends (embedded and slapd) are seeded with: a few servers,
 * two logical stores, an admin of each tier, two mail domains, users, an alias and a group.
 */
import type { DirectoryEntry } from '../../agent/common/directory/directory-entry.js';
import { FleetTree } from '../../agent/common/directory/fleet-entries.js';
import {
  adminEntry,
  directoryBaseEntries,
  logicalStoreEntry,
  mailAliasEntry,
  mailDomainEntry,
  mailGroupEntry,
  mailUserEntry,
  serverEntry,
} from '../../agent/common/directory/seed-entries.js';

/** Base DN of the test directories. */
export const testBaseDn = 'dc=mailfleet,dc=test';

/** Passwords of the seeded identities. */
export const seedPasswords = {
  system: 'system-secret',
  helpdesk: 'helpdesk-secret',
  domainAdmin: 'domain-secret',
  viewer: 'viewer-secret',
  alice: 'alice-secret',
  server: (name: string) => `${name}-secret`,
} as const;

/** Names used by the tests. */
export const seedNames = {
  domains: ['alpha.example', 'beta.example'],
  servers: ['director01', 'gateway01', 'spare01', 'store01', 'store02'],
  stores: ['store01', 'store02'],
  admins: { system: 'sysadmin', helpdesk: 'helpdesk1', domainAdmin: 'alpha-admin', viewer: 'viewer1' },
  alice: 'alice@alpha.example',
  aliceLocalAddress: 'a.smith@alpha.example',
  bob: 'bob@beta.example',
} as const;

/** `user0000@alpha.example` ... : the bulk users, on store01 and store02 alternately. */
export function bulkUserAddress(i: number): string {
  return `user${String(i).padStart(4, '0')}@alpha.example`;
}

/** The seed entries, parents first. `bulkUsers` adds that many users to alpha.example. */
export function seedEntries(bulkUsers: number, tree = new FleetTree(testBaseDn)): DirectoryEntry[] {
  const { admins } = seedNames;
  const servers = [
    { name: 'store01', role: 'store' as const },
    { name: 'store02', role: 'store' as const },
    { name: 'spare01', role: 'spare' as const, state: 'spare' as const },
    { name: 'director01', role: 'director' as const },
    { name: 'gateway01', role: 'gateway' as const },
  ];
  const entries: DirectoryEntry[] = [
    ...directoryBaseEntries(tree),
    ...servers.map((s, i) =>
      serverEntry(tree, {
        ...s,
        address: '127.0.0.1',
        controlPort: 4100 + i,
        endpoints: { metrics: `127.0.0.1:${9100 + i}` },
        hostKeys: [`ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${s.name} ${s.name}`],
        password: seedPasswords.server(s.name),
      }),
    ),
    logicalStoreEntry(tree, { name: 'store01', servedBy: 'store01', replicaNode: 'spare01' }),
    logicalStoreEntry(tree, { name: 'store02', servedBy: 'store02' }),
    adminEntry(tree, {
      uid: admins.system,
      displayName: 'System Admin',
      tier: 'system',
      password: seedPasswords.system,
    }),
    adminEntry(tree, {
      uid: admins.helpdesk,
      displayName: 'Help Desk',
      tier: 'helpdesk',
      password: seedPasswords.helpdesk,
    }),
    adminEntry(tree, {
      uid: admins.domainAdmin,
      displayName: 'Alpha Admin',
      tier: 'domain',
      domains: ['alpha.example'],
      sshPublicKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIalpha alpha-admin'],
      password: seedPasswords.domainAdmin,
    }),
    adminEntry(tree, {
      uid: admins.viewer,
      displayName: 'Just Looking',
      tier: 'user',
      password: seedPasswords.viewer,
    }),
    mailDomainEntry(tree, {
      name: 'alpha.example',
      description: 'Alpha department',
      defaultQuotaBytes: 1_073_741_824,
    }),
    mailDomainEntry(tree, { name: 'beta.example' }),
    mailUserEntry(tree, {
      mail: seedNames.alice,
      displayName: 'Alice Smith',
      mailHost: 'store01',
      mailLocalAddress: [seedNames.aliceLocalAddress],
      quotaBytes: 2_000_000,
      password: seedPasswords.alice,
    }),
    mailUserEntry(tree, {
      mail: seedNames.bob,
      displayName: 'Bob Jones',
      mailHost: 'store02',
      password: 'bob-secret',
    }),
    mailAliasEntry(tree, { mail: 'postmaster@alpha.example', forwardTo: [seedNames.alice] }),
    mailGroupEntry(tree, {
      name: 'staff',
      domain: 'alpha.example',
      mail: 'staff@alpha.example',
      memberDns: [tree.user(seedNames.alice)],
    }),
  ];
  for (let i = 0; i < bulkUsers; i++) {
    entries.push(
      mailUserEntry(tree, {
        mail: bulkUserAddress(i),
        displayName: `Bulk User ${i}`,
        mailHost: i % 2 === 0 ? 'store01' : 'store02',
      }),
    );
  }
  return entries;
}
