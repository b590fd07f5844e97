/**
 * Issue 10, finding 5, on both directory servers: a domain admin gives addresses (a user's mail
 * and further addresses, an alias's or a group's mail) only in the domains it administers.
 * Before the fix it could give one of its users `postmaster@<another domain>`, which nobody held
 * yet, and receive that department's mail.
 */
import { Attribute, Change, Client, InsufficientAccessError } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryError } from '../../../agent/common/directory/directory-errors.js';
import { FleetTree } from '../../../agent/common/directory/fleet-entries.js';
import { LdapFleetDirectory } from '../../../agent/common/directory/ldap-fleet-directory.js';
import {
  adminEntry,
  mailAliasEntry,
  mailGroupEntry,
  mailUserEntry,
} from '../../../agent/common/directory/seed-entries.js';
import { toDirectoryAdminError } from '../../../main/core/directory-admin/directory-admin-errors.js';
import { directoryBackends } from '../../support/directory-backends.js';
import { seedEntries, seedNames, seedPasswords, testBaseDn } from '../../support/directory-seed.js';
import type { TestDirectory } from '../../support/test-directory.js';

const tree = new FleetTree(testBaseDn);
/** Held by nobody: the address the attacker wants. */
const betaPostmaster = 'postmaster@beta.example';
/** An admin of both departments. */
const bothAdmin = { uid: 'both-admin', password: 'both-secret' };

function attributes(entry: { attributes: Record<string, string[]> }): Attribute[] {
  return Object.entries(entry.attributes).map(([type, values]) => new Attribute({ type, values }));
}

function change(operation: 'add' | 'replace' | 'delete', type: string, values: string[]): Change {
  return new Change({ operation, modification: new Attribute({ type, values }) });
}

async function refusal(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe.each(directoryBackends)('addresses a domain admin may give, on $name', (backend) => {
  let server: TestDirectory;
  const clients: Array<{ close(): Promise<void> } | Client> = [];
  const as = (dn: string, password: string) => {
    const client = LdapFleetDirectory.withPassword({
      url: server.url,
      baseDn: testBaseDn,
      bindDn: dn,
      bindPassword: password,
    });
    clients.push(client);
    return client;
  };
  const raw = async (dn: string, password: string) => {
    const client = new Client({ url: server.url });
    clients.push(client);
    await client.bind(dn, password);
    return client;
  };
  const holder = async (address: string) =>
    (await as(tree.admin(seedNames.admins.system), seedPasswords.system).findUserByAddress(address))?.mail;

  beforeAll(async () => {
    server = await backend.start(testBaseDn, [
      ...seedEntries(0),
      adminEntry(tree, {
        uid: bothAdmin.uid,
        displayName: 'Both',
        tier: 'domain',
        domains: ['alpha.example', 'beta.example'],
        password: bothAdmin.password,
      }),
    ]);
  });

  afterAll(async () => {
    for (const client of clients) {
      if (client instanceof Client) await client.unbind().catch(() => {});
      else await client.close();
    }
    await server?.stop();
  });

  it("refuses a domain admin another department's postmaster as a further address of its user", async () => {
    const alphaAdmin = as(tree.admin(seedNames.admins.domainAdmin), seedPasswords.domainAdmin);
    const error = await refusal(
      alphaAdmin.modifyUser(seedNames.alice, {
        mailLocalAddress: [seedNames.aliceLocalAddress, betaPostmaster],
      }),
    );
    expect(error).toBeInstanceOf(DirectoryError);
    expect((error as DirectoryError).code).toBe(50);
    expect(await holder(betaPostmaster)).toBeUndefined();
    // In the console's words: the embedded directory names the address and why; slapd's refusal
    // carries no reason, so it stays a plain "not allowed".
    const words = toDirectoryAdminError(error);
    if (backend.name === 'embedded') {
      expect(words.code).toBe('address-not-administered');
      expect(words.detail).toMatch(
        /postmaster@beta\.example is in beta\.example, which is not one of the mail domains/,
      );
    } else {
      expect(words.code).toBe('not-allowed');
    }
  });

  it('refuses it as a primary address, an alias or a group address, by add, modify or rename', async () => {
    const alphaAdmin = await raw(tree.admin(seedNames.admins.domainAdmin), seedPasswords.domainAdmin);
    const inAlpha = (rdn: string) => `${rdn},${tree.domain('alpha.example')}`;
    const user = mailUserEntry(tree, { mail: 'pm@alpha.example', displayName: 'PM', mailHost: 'store01' });
    const tries: Array<() => Promise<unknown>> = [
      // A new user of its domain whose primary address is in beta.example.
      () =>
        alphaAdmin.add(
          inAlpha('uid=postmaster'),
          attributes({ attributes: { ...user.attributes, mail: [betaPostmaster] } }),
        ),
      // An alias and a group of its domain holding the address.
      () =>
        alphaAdmin.add(
          inAlpha(`cn=${betaPostmaster}`),
          attributes(mailAliasEntry(tree, { mail: betaPostmaster, forwardTo: [seedNames.alice] })),
        ),
      () =>
        alphaAdmin.add(
          inAlpha('cn=team'),
          attributes(
            mailGroupEntry(tree, {
              name: 'team',
              domain: 'alpha.example',
              mail: betaPostmaster,
              memberDns: [],
            }),
          ),
        ),
      // Its user's primary address replaced, a further one added.
      () => alphaAdmin.modify(tree.user(seedNames.alice), change('replace', 'mail', [betaPostmaster])),
      () =>
        alphaAdmin.modify(tree.user(seedNames.alice), change('add', 'mailLocalAddress', [betaPostmaster])),
      // A value with no domain at all is no address of its domains either.
      () => alphaAdmin.modify(tree.user(seedNames.alice), change('add', 'mailLocalAddress', ['postmaster'])),
    ];
    for (const attempt of tries) expect(await refusal(attempt())).toBeInstanceOf(InsufficientAccessError);
    expect(await holder(betaPostmaster)).toBeUndefined();
    // The same kinds of write in its own domain go through.
    await alphaAdmin.add(inAlpha('uid=pm'), attributes(user));
    await alphaAdmin.modify(
      tree.user(seedNames.alice),
      change('add', 'mailLocalAddress', ['alice2@alpha.example']),
    );
    expect(await holder('alice2@alpha.example')).toBe(seedNames.alice);
  });

  it('lets an admin of both domains, and the helpdesk, give addresses across them', async () => {
    const both = as(tree.admin(bothAdmin.uid), bothAdmin.password);
    const alice = await both.modifyUser(seedNames.alice, {
      mailLocalAddress: [seedNames.aliceLocalAddress, 'alice@beta.example'],
    });
    expect(alice.mailLocalAddress).toContain('alice@beta.example');
    const helpdesk = as(tree.admin(seedNames.admins.helpdesk), seedPasswords.helpdesk);
    await helpdesk.modifyUser(seedNames.bob, { mailLocalAddress: ['bob@alpha.example'] });
    expect(await holder('bob@alpha.example')).toBe(seedNames.bob);
    // A domain admin may still remove such a value from its own user, all at once.
    const alphaAdmin = as(tree.admin(seedNames.admins.domainAdmin), seedPasswords.domainAdmin);
    const cleaned = await alphaAdmin.modifyUser(seedNames.alice, {
      mailLocalAddress: [seedNames.aliceLocalAddress],
    });
    expect(cleaned.mailLocalAddress).toEqual([seedNames.aliceLocalAddress]);
  });
});
