/**
 * The words for what real directory servers answer: refusals provoked on the embedded directory and
 * on slapd (schema violations, duplicate and multiple values, a second holder of an address,
 * missing entries, refused access) and what toDirectoryAdminError makes of them, plus the codes
 * that need no server.
 */
import { Attribute, Change, Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DirectoryError } from '../../../../agent/common/directory/directory-errors.js';
import { FleetTree } from '../../../../agent/common/directory/fleet-entries.js';
import { LdapFleetDirectory } from '../../../../agent/common/directory/ldap-fleet-directory.js';
import {
  directoryAdminErrorCodes,
  directoryAdminErrorSchema,
  directoryAdminErrorTexts,
  inputError,
  toDirectoryAdminError,
} from '../../../../main/core/directory-admin/directory-admin-errors.js';
import { directoryBackends } from '../../../support/directory-backends.js';
import { seedEntries, seedNames, seedPasswords, testBaseDn } from '../../../support/directory-seed.js';
import type { TestDirectory } from '../../../support/test-directory.js';

const tree = new FleetTree(testBaseDn);

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('the directory accepted it');
    },
    (error: unknown) => error,
  );
}

describe.each(directoryBackends)('directory errors from $name in words', (backend) => {
  let server: TestDirectory;
  let helpdesk: LdapFleetDirectory;

  beforeAll(async () => {
    server = await backend.start(testBaseDn, seedEntries(0));
    helpdesk = LdapFleetDirectory.withPassword({
      url: server.url,
      baseDn: testBaseDn,
      bindDn: tree.admin(seedNames.admins.helpdesk),
      bindPassword: seedPasswords.helpdesk,
    });
  });

  afterAll(async () => {
    await helpdesk?.close();
    await server?.stop();
  });

  it('maps schema refusals, missing entries and refused access to their codes', async () => {
    // An alias with no target breaks its class's MUST: objectClassViolation (65).
    const noTarget = await failure(helpdesk.setAliasTargets('postmaster@alpha.example', []));
    expect(toDirectoryAdminError(noTarget).code).toBe('invalid-value');
    const missing = await failure(helpdesk.modifyUser('ghost@alpha.example', { displayName: 'Ghost' }));
    expect(toDirectoryAdminError(missing)).toMatchObject({
      code: 'not-found',
      detail: 'no such user ghost@alpha.example',
    });
    const twice = await failure(
      helpdesk.addAlias({ mail: 'postmaster@alpha.example', forwardTo: ['x@y.example'] }),
    );
    expect(toDirectoryAdminError(twice).code).toBe('already-exists');
    // A second holder of an address (slapd's unique overlay, the embedded rule: 19) is in use too.
    const secondHolder = await failure(
      helpdesk.modifyUser(seedNames.bob, { mailLocalAddress: [seedNames.aliceLocalAddress] }),
    );
    expect(secondHolder).toMatchObject({ code: 19 });
    expect(toDirectoryAdminError(secondHolder)).toMatchObject({
      code: 'already-exists',
      message: directoryAdminErrorTexts['already-exists'],
      detail: `${seedNames.aliceLocalAddress} is already used by another user, alias or group (perhaps in a domain this login cannot read)`,
    });
    const alphaAdmin = LdapFleetDirectory.withPassword({
      url: server.url,
      baseDn: testBaseDn,
      bindDn: tree.admin(seedNames.admins.domainAdmin),
      bindPassword: seedPasswords.domainAdmin,
    });
    try {
      const refused = await failure(alphaAdmin.deleteUser(seedNames.bob));
      expect(toDirectoryAdminError(refused)).toMatchObject({
        code: 'not-allowed',
        message: directoryAdminErrorTexts['not-allowed'],
      });
    } finally {
      await alphaAdmin.close();
    }
  });

  it('maps several values of a single-valued attribute and a bad INTEGER to their codes', async () => {
    const client = new Client({ url: server.url });
    await client.bind(tree.admin(seedNames.admins.helpdesk), seedPasswords.helpdesk);
    const replace = (type: string, values: string[]) =>
      client.modify(
        tree.user(seedNames.alice),
        new Change({ operation: 'replace', modification: new Attribute({ type, values }) }),
      );
    try {
      // Through the client's own error path, as the service sees them.
      const asDirectoryError = (error: unknown) =>
        new DirectoryError('the change', (error as { code?: number }).code, { cause: error });
      const multiple = asDirectoryError(await failure(replace('mailHost', ['store01', 'store02'])));
      expect(toDirectoryAdminError(multiple).code).toBe('constraint');
      const notInteger = asDirectoryError(await failure(replace('mailfleetQuota', ['lots'])));
      expect(toDirectoryAdminError(notInteger).code).toBe('invalid-value');
    } finally {
      await client.unbind();
    }
  });
});

describe('directory admin errors without a server', () => {
  it('has English and Japanese words for every code', () => {
    for (const code of directoryAdminErrorCodes) {
      expect(directoryAdminErrorTexts[code].en).toMatch(/\.$/);
      expect(directoryAdminErrorTexts[code].ja).toMatch(/。$/);
    }
  });

  it('names the refused field and never the refused value', () => {
    const schema = z.strictObject({ newPassword: z.string().min(8, 'a password has at least 8 characters') });
    const parsed = schema.safeParse({ newPassword: 'hunter2' });
    expect(parsed.success).toBe(false);
    if (parsed.success) return;
    const error = inputError(parsed.error);
    expect(directoryAdminErrorSchema.parse(error)).toMatchObject({
      code: 'invalid-input',
      field: 'newPassword',
    });
    expect(JSON.stringify(error)).not.toContain('hunter2');
    expect(toDirectoryAdminError(new Error('boom')).code).toBe('directory-error');
    expect(toDirectoryAdminError(new DirectoryError('busy', 51)).code).toBe('directory-down');
  });
});
