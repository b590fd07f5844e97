/**
 * userPassword hashes as OpenLDAP writes and reads them: hashes made by slappasswd verify here,
 * and a hash made here lets a bind to real slapd succeed.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Client } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { FleetTree } from '../../../../agent/common/directory/fleet-entries.js';
import { adminEntry, directoryBaseEntries } from '../../../../agent/common/directory/seed-entries.js';
import { hashPassword, verifyPassword } from '../../../../agent/directory/embedded/password-hash.js';
import { startSlapd } from '../../../support/slapd.js';

const run = promisify(execFile);

async function slappasswd(scheme: string, secret: string): Promise<string> {
  const { stdout } = await run('/usr/sbin/slappasswd', [
    '-o',
    'module-load=pw-sha2',
    '-h',
    scheme,
    '-s',
    secret,
  ]);
  return stdout.trim();
}

describe('password hashes', () => {
  it.each(['{SSHA512}', '{SSHA256}', '{SSHA}', '{SHA}', '{SHA512}'])(
    'verifies %s hashes made by slappasswd',
    async (scheme) => {
      const stored = await slappasswd(scheme, 'correct horse');
      expect(stored.startsWith(scheme)).toBe(true);
      expect(verifyPassword('correct horse', stored)).toBe(true);
      expect(verifyPassword('correct horsE', stored)).toBe(false);
    },
  );

  it('verifies {PBKDF2-SHA512} in the format of OpenLDAP contrib pbkdf2', () => {
    // PBKDF2-SHA512 of "secret", 10000 rounds, salt "saltsaltsaltsalt", in adapted base64 ("." for "+",
    // no padding). Debian ships no pw-pbkdf2 module for slappasswd, so the vector was computed with
    // node:crypto pbkdf2Sync; the test checks the parsing of OpenLDAP's format.
    const stored =
      '{PBKDF2-SHA512}10000$c2FsdHNhbHRzYWx0c2FsdA$' +
      'f.bBNpDm1dD76HDTg44Z2qO0KWw9xM1beWOT/VyOFnsrrTMYXRqDM2j3OuOtqE6QcICME/YUg8pPtTkNPmH1Yg';
    expect(verifyPassword('secret', stored)).toBe(true);
    expect(verifyPassword('Secret', stored)).toBe(false);
  });

  it('compares a value without scheme as cleartext, like slapd', () => {
    expect(verifyPassword('plain', 'plain')).toBe(true);
    expect(verifyPassword('plain', 'plainer')).toBe(false);
  });

  it('writes {SSHA512} with a fresh salt each time, which real slapd accepts for a bind', async () => {
    const first = hashPassword('bind me');
    expect(first).toMatch(/^\{SSHA512\}/);
    expect(hashPassword('bind me')).not.toBe(first);
    const tree = new FleetTree('dc=hash,dc=test');
    const slapd = await startSlapd(tree.baseDn, [
      ...directoryBaseEntries(tree),
      adminEntry(tree, { uid: 'hashed', displayName: 'Hashed Admin', tier: 'user', password: first }),
    ]);
    const client = new Client({ url: slapd.url });
    try {
      await client.bind(tree.admin('hashed'), 'bind me');
      await expect(new Client({ url: slapd.url }).bind(tree.admin('hashed'), 'not me')).rejects.toThrow();
    } finally {
      await client.unbind();
      await slapd.stop();
    }
  });
});
