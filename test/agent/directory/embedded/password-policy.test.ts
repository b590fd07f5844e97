/**
 * The password policy is the directory's: the embedded directory refuses a weak password on every
 * Password Modify, whoever sends it. Here a raw LDAP client bound as the helpdesk (no console, no
 * form, no console core) sends the extended operation itself, and is refused with
 * constraintViolation and the reason; slapd refuses the rules its ppolicy can say (length, the
 * current password). The console core's DirectoryAdmin gets the one rule only the directory can
 * check (not the current password) back as `password-policy`, in both languages, from both.
 */
import { Client, ConstraintViolationError } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetTree } from '../../../../agent/common/directory/fleet-entries.js';
import { LdapFleetDirectory } from '../../../../agent/common/directory/ldap-fleet-directory.js';
import { passwordModifyOid, passwordModifyRequest } from '../../../../agent/common/directory/ldap-session.js';
import { passwordPolicyWords } from '../../../../agent/common/directory/password-policy.js';
import { DirectoryAdmin } from '../../../../main/core/directory-admin/directory-admin.js';
import { directoryBackends } from '../../../support/directory-backends.js';
import { seedEntries, seedNames, seedPasswords, testBaseDn } from '../../../support/directory-seed.js';
import type { TestDirectory } from '../../../support/test-directory.js';

const tree = new FleetTree(testBaseDn);
const aliceDn = `uid=alice,cn=alpha.example,ou=domains,${testBaseDn}`;

describe.each(directoryBackends)('the password policy on $name', (backend) => {
  let server: TestDirectory;
  let helpdesk: Client;

  /** Sends Password Modify for alice as the helpdesk; resolves with the refusal's message, or 'set'. */
  async function modify(newPassword: string): Promise<string> {
    try {
      await helpdesk.exop(passwordModifyOid, passwordModifyRequest(aliceDn, newPassword));
      return 'set';
    } catch (error) {
      expect(error).toBeInstanceOf(ConstraintViolationError);
      return (error as Error).message;
    }
  }

  /** Whether alice can bind with `password`. */
  async function aliceBinds(password: string): Promise<boolean> {
    const client = new Client({ url: server.url });
    try {
      await client.bind(aliceDn, password);
      return true;
    } catch {
      return false;
    } finally {
      await client.unbind();
    }
  }

  beforeAll(async () => {
    server = await backend.start(testBaseDn, seedEntries(0));
    helpdesk = new Client({ url: server.url });
    await helpdesk.bind(tree.admin(seedNames.admins.helpdesk), seedPasswords.helpdesk);
  });

  afterAll(async () => {
    await helpdesk?.unbind();
    await server?.stop();
  });

  it('refuses, over raw LDAP, a short password and the current one', async () => {
    expect(await modify('tiny-1')).toMatch(
      backend.name === 'slapd' ? /fails quality checking/ : /password policy \(too-short\)/,
    );
    expect(await modify(seedPasswords.alice)).toMatch(
      backend.name === 'slapd' ? /history of old passwords|not being changed/ : /password policy \(is-old\)/,
    );
    expect(await aliceBinds(seedPasswords.alice)).toBe(true);
  });

  // slapd's ppolicy cannot say these rules (it would need a C check module: docs/directory-admin.md), so
  // the test is registered for the embedded directory only, not skipped for slapd.
  if (backend.name === 'embedded')
    it('refuses, over raw LDAP, a password of spaces, a short one, the address and the current one', async () => {
      expect(await modify('        ')).toMatch(/password policy \(blank\)/);
      expect(await modify('　　　　　　　　')).toMatch(/password policy \(blank\)/);
      expect(await modify('  abc  de  ')).toMatch(/password policy \(too-short\)/);
      expect(await modify('x'.repeat(129))).toMatch(/password policy \(too-long\)/);
      expect(await modify('pass\nword-long')).toMatch(/password policy \(control-characters\)/);
      expect(await modify(seedNames.alice)).toMatch(/password policy \(is-address\)/);
      // A further address, in another case: still the address.
      expect(await modify(seedNames.aliceLocalAddress.toUpperCase())).toMatch(
        /password policy \(is-address\)/,
      );
      expect(await modify(seedPasswords.alice)).toMatch(/password policy \(is-old\)/);
      // None of them was set: the old password still binds, none of the refused ones does.
      expect(await aliceBinds(seedPasswords.alice)).toBe(true);
      expect(await aliceBinds('        ')).toBe(false);
      expect(await modify('Quite-Good-Passphrase-7')).toBe('set');
      expect(await aliceBinds('Quite-Good-Passphrase-7')).toBe(true);
    });

  it('comes back to the console core as password-policy, in English and Japanese', async () => {
    const directory = LdapFleetDirectory.withPassword({
      url: server.url,
      baseDn: testBaseDn,
      bindDn: tree.admin(seedNames.admins.helpdesk),
      bindPassword: seedPasswords.helpdesk,
    });
    const admin = new DirectoryAdmin({ directory });
    try {
      const current = 'Current-Passphrase-9';
      expect(await admin.resetPassword({ address: seedNames.alice, newPassword: current })).toMatchObject({
        ok: true,
      });
      // Only the directory knows the current password: the core cannot refuse it before asking.
      const again = await admin.resetPassword({ address: seedNames.alice, newPassword: current });
      expect(again).toMatchObject({
        ok: false,
        error: { code: 'password-policy', message: passwordPolicyWords['is-old'] },
      });
      expect(JSON.stringify(again)).not.toContain(current);
      const blank = await admin.resetPassword({ address: seedNames.alice, newPassword: ' '.repeat(12) });
      expect(blank).toMatchObject({
        ok: false,
        error: { code: 'password-policy', field: 'newPassword', message: passwordPolicyWords.blank },
      });
    } finally {
      await directory.close();
    }
  });
});
