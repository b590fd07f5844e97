/**
 * What the directory access rule tests share (directory-access-reads, -writes and
 * directory-failover-access .test.ts): the seed with beta.example's own users, an alias and a
 * group beside it, the directory started on a backend for one file's tests, clients bound as
 * anyone, and the expectations of a refusal (insufficientAccessRights, 50) and of a second holder
 * of an address (19).
 */
import { Client } from 'ldapts';
import { afterAll, beforeAll, expect } from 'vitest';
import { DirectoryError } from '../../../agent/common/directory/directory-errors.js';
import { FleetTree } from '../../../agent/common/directory/fleet-entries.js';
import { LdapFleetDirectory } from '../../../agent/common/directory/ldap-fleet-directory.js';
import {
  mailAliasEntry,
  mailGroupEntry,
  mailUserEntry,
} from '../../../agent/common/directory/seed-entries.js';
import type { DirectoryBackend } from '../../support/directory-backends.js';
import { seedEntries, seedNames, testBaseDn } from '../../support/directory-seed.js';
import type { TestDirectory } from '../../support/test-directory.js';

export const tree = new FleetTree(testBaseDn);

/** beta.example's own users (enough for several pages), an alias and a group, beside the seed. */
export const betaUserCount = 12;
export const carol = 'carol@beta.example';
/** A further address in alpha.example held by carol, a user of beta.example. */
export const carolsAlphaAddress = 'carol.alpha@alpha.example';
export const carolsPassword = 'carol-secret';
export const bulkAlphaUsers = 15;

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

/** Clients of the directory of one file's tests on one backend. */
export interface AccessRulesDirectory {
  /** A fleet directory client bound as `bindDn`, with a small page size so every listing runs as a paged search of several pages. */
  as(bindDn: string, bindPassword: string): LdapFleetDirectory;
  /** A raw LDAP client, bound when given a DN and password, anonymous otherwise (the caller unbinds). */
  raw(bindDn?: string, password?: string): Promise<Client>;
}

/** Starts the seeded directory on `backend` before the describe's tests and stops it (and its clients) after. */
export function accessRulesDirectory(backend: DirectoryBackend): AccessRulesDirectory {
  let server: TestDirectory;
  const clients: LdapFleetDirectory[] = [];
  beforeAll(async () => {
    server = await backend.start(testBaseDn, [...seedEntries(bulkAlphaUsers), ...betaEntries()]);
  });
  afterAll(async () => {
    for (const client of clients) await client.close();
    await server?.stop();
  });
  return {
    as: (bindDn, bindPassword) => {
      const client = LdapFleetDirectory.withPassword(
        { url: server.url, baseDn: testBaseDn, bindDn, bindPassword },
        { pageSize: 5 },
      );
      clients.push(client);
      return client;
    },
    raw: async (bindDn, password) => {
      const client = new Client({ url: server.url });
      if (bindDn && password) await client.bind(bindDn, password);
      return client;
    },
  };
}

/** Expects a DirectoryError with result code 19 (slapd's unique overlay, and the embedded rule). */
export async function expectSecondHolderRefused(promise: Promise<unknown>): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DirectoryError);
  expect((error as DirectoryError).code).toBe(19);
  expect((error as DirectoryError).message).toMatch(/non-unique/);
}

/** Expects a DirectoryError with result code 50 whose message says what was refused. */
export async function expectRefused(promise: Promise<unknown>, what: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DirectoryError);
  expect((error as DirectoryError).code).toBe(50);
  expect((error as DirectoryError).message).toMatch(what);
  expect((error as DirectoryError).message).toMatch(/insufficient access/);
}
