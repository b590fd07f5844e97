/**
 * Directory entries for store tests: two logical stores (store01 on node store01, store02 on
 * store02), a spare, two mail domains (alpha.example with a default quota, beta.example without),
 * and users in each case the mail services care about (own quota, domain default, other store,
 * disabled, an extra address).
 */
import type { DirectoryEntry } from '../../agent/common/directory/directory-entry.js';
import type { FleetTree } from '../../agent/common/directory/fleet-entries.js';
import {
  logicalStoreEntry,
  mailDomainEntry,
  mailUserEntry,
} from '../../agent/common/directory/seed-entries.js';

/** The seeded mail users and their passwords. */
export const storeUsers = {
  alice: {
    mail: 'alice@alpha.example',
    password: 'alice-pw',
    quotaBytes: 5_000_000,
    extra: 'a.smith@alpha.example',
  },
  carol: { mail: 'carol@alpha.example', password: 'carol-password' },
  dave: { mail: 'dave@beta.example', password: 'dave-password' },
  bob: { mail: 'bob@beta.example', password: 'bob-pw' },
  eve: { mail: 'eve@alpha.example', password: 'eve-pw' },
} as const;

/** Default quota of alpha.example. */
export const alphaDefaultQuota = 1_000_000;

/**
 * Mail domains, logical stores and users: alice (store01, own quota, extra address), carol (store01,
 * alpha default quota), dave (store01, beta: no quota), bob (store02), eve (store01, disabled).
 */
export function storeSeedEntries(tree: FleetTree): DirectoryEntry[] {
  const { alice, carol, dave, bob, eve } = storeUsers;
  return [
    logicalStoreEntry(tree, { name: 'store01', servedBy: 'store01', replicaNode: 'spare01' }),
    logicalStoreEntry(tree, { name: 'store02', servedBy: 'store02' }),
    mailDomainEntry(tree, { name: 'alpha.example', defaultQuotaBytes: alphaDefaultQuota }),
    mailDomainEntry(tree, { name: 'beta.example' }),
    mailUserEntry(tree, {
      mail: alice.mail,
      displayName: 'Alice Smith',
      mailHost: 'store01',
      mailLocalAddress: [alice.extra],
      quotaBytes: alice.quotaBytes,
      password: alice.password,
    }),
    mailUserEntry(tree, {
      mail: carol.mail,
      displayName: 'Carol Ito',
      mailHost: 'store01',
      password: carol.password,
    }),
    mailUserEntry(tree, {
      mail: dave.mail,
      displayName: 'Dave Sato',
      mailHost: 'store01',
      password: dave.password,
    }),
    mailUserEntry(tree, {
      mail: bob.mail,
      displayName: 'Bob Jones',
      mailHost: 'store02',
      password: bob.password,
    }),
    mailUserEntry(tree, {
      mail: eve.mail,
      displayName: 'Eve Disabled',
      mailHost: 'store01',
      mailboxState: 'disabled',
      password: eve.password,
    }),
  ];
}
