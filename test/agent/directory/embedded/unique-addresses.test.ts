/**
 * The embedded directory's one-holder rule where it goes beyond slapd's unique overlay: a `mail`
 * value also collides with another entry's `mailLocalAddress` and the reverse (slapo-unique
 * compares each attribute with itself only; directory-access-writes.test.ts checks what both servers
 * refuse). Also: the refusal survives a restart (it is a check, nothing is journalled for it), a
 * rename cannot bring a held address, and entries outside ou=domains do not count.
 */
import { Attribute, Change, Client, ConstraintViolationError } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetTree } from '../../../../agent/common/directory/fleet-entries.js';
import { LdapFleetDirectory } from '../../../../agent/common/directory/ldap-fleet-directory.js';
import { mailAliasEntry, mailUserEntry } from '../../../../agent/common/directory/seed-entries.js';
import { seedEntries, seedNames, seedPasswords, testBaseDn } from '../../../support/directory-seed.js';
import { startEmbeddedDirectory } from '../../../support/embedded-directory.js';
import type { TestDirectory } from '../../../support/test-directory.js';

const tree = new FleetTree(testBaseDn);
const carol = 'carol@beta.example';
const carolsAlphaAddress = 'carol.alpha@alpha.example';

describe('one holder per address in the embedded directory', () => {
  let server: TestDirectory;
  let alphaAdmin: LdapFleetDirectory;
  let system: Client;

  beforeAll(async () => {
    server = await startEmbeddedDirectory(testBaseDn, [
      ...seedEntries(0),
      mailUserEntry(tree, {
        mail: carol,
        displayName: 'Carol Beta',
        mailHost: 'store02',
        mailLocalAddress: [carolsAlphaAddress],
      }),
    ]);
    alphaAdmin = LdapFleetDirectory.withPassword({
      url: server.url,
      baseDn: testBaseDn,
      bindDn: tree.admin(seedNames.admins.domainAdmin),
      bindPassword: seedPasswords.domainAdmin,
    });
    system = new Client({ url: server.url });
    await system.bind(tree.admin(seedNames.admins.system), seedPasswords.system);
  });

  afterAll(async () => {
    await alphaAdmin?.close();
    await system?.unbind().catch(() => undefined);
    await server?.stop();
  });

  it("refuses a primary address that another domain's user holds as a further address", async () => {
    const refused = alphaAdmin.addUser({
      mail: carolsAlphaAddress,
      displayName: 'Taken',
      mailHost: 'store01',
    });
    await expect(refused).rejects.toMatchObject({
      code: 19,
      message: /non-unique.*carol\.alpha@alpha\.example/,
    });
    // The refusal does not name the holder, which this admin may not read.
    const error = await refused.catch((e: Error) => e);
    expect(String(error)).not.toMatch(/carol@beta|beta\.example/);
    const alias = system.add(
      tree.alias(carolsAlphaAddress),
      mailAliasEntry(tree, { mail: carolsAlphaAddress, forwardTo: [seedNames.alice] }).attributes,
    );
    await expect(alias).rejects.toBeInstanceOf(ConstraintViolationError);
  });

  it("refuses a further address that is another entry's primary address", async () => {
    await expect(
      alphaAdmin.modifyUser(seedNames.alice, {
        mailLocalAddress: [seedNames.aliceLocalAddress, 'postmaster@alpha.example'],
      }),
    ).rejects.toMatchObject({ code: 19 });
  });

  it('refuses a rename that brings a held address, and still refuses after a restart', async () => {
    const dave = mailUserEntry(tree, {
      mail: 'dave@alpha.example',
      displayName: 'Dave',
      mailHost: 'store01',
    });
    const user = dave.dn;
    await system.add(user, dave.attributes);
    await expect(system.modifyDN(user, `mail=${seedNames.bob}`)).rejects.toBeInstanceOf(
      ConstraintViolationError,
    );
    await server.restart();
    const again = new Client({ url: server.url });
    try {
      await again.bind(tree.admin(seedNames.admins.system), seedPasswords.system);
      const change = new Change({
        operation: 'add',
        modification: new Attribute({ type: 'mailLocalAddress', values: [carolsAlphaAddress] }),
      });
      await expect(again.modify(user, change)).rejects.toBeInstanceOf(ConstraintViolationError);
      // Only entries below ou=domains hold routed addresses: an admin entry's mail is no holder.
      await again.modify(
        tree.admin(seedNames.admins.viewer),
        new Change({
          operation: 'replace',
          modification: new Attribute({ type: 'mail', values: ['dave.admin@alpha.example'] }),
        }),
      );
      const free = new Change({
        operation: 'add',
        modification: new Attribute({ type: 'mailLocalAddress', values: ['dave.admin@alpha.example'] }),
      });
      await again.modify(user, free);
      const { searchEntries } = await again.search(user, { scope: 'base', attributes: ['mailLocalAddress'] });
      expect(searchEntries[0]?.mailLocalAddress).toBe('dave.admin@alpha.example');
    } finally {
      await again.unbind();
    }
  });
});
