/**
 * The console's secrets on real files: the plain vault (CLI, browser mode) reads only files that
 * are the user's alone and never a sealed one; the keychain vault (Electron) prefers the sealed
 * copy, never falls back to the plain file when the keychain refuses, and says so in words; the
 * sealed format is versioned and refuses what it does not know. No message carries a secret.
 */
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openModeProblem } from '../../../main/core/plain-secret-file.js';
import {
  looksSealed,
  parseSealedSecret,
  writeSealedSecretFile,
} from '../../../main/core/sealed-secret-file.js';
import { keychainSecretVault, plainSecretVault } from '../../../main/core/secret-vault.js';
import { safeStorageSealer } from '../../../main/electron/safe-storage-sealer.js';
import { fakeSafeStorage } from '../../support/fake-safe-storage.js';

const keyText = '-----BEGIN OPENSSH PRIVATE KEY-----\nS3CR3T-KEY-BODY\n-----END OPENSSH PRIVATE KEY-----\n';
const passwordText = 'Pa55-wörd-秘密\n';
const secretWords = ['S3CR3T-KEY-BODY', 'Pa55-wörd'];

let dir: string;
let keyFile: string;
let passwordFile: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mailfleet-secrets-'));
  keyFile = join(dir, 'admin.key');
  passwordFile = join(dir, 'bind.password');
  await writeFile(keyFile, keyText, { mode: 0o600 });
  await writeFile(passwordFile, passwordText, { mode: 0o600 });
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Awaits a promise that must fail and returns its message. */
async function refusal(promise: Promise<unknown>): Promise<string> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => (error as Error).message,
  );
  if (outcome === undefined) throw new Error('expected a refusal');
  for (const word of secretWords) expect(outcome).not.toContain(word);
  return outcome;
}

describe('plain vault (CLI, browser mode)', () => {
  it('reads a 0600 key as written and a password without its line end', async () => {
    const vault = plainSecretVault();
    expect(await vault.read('admin-key', keyFile)).toBe(keyText);
    expect(await vault.read('directory-password', passwordFile)).toBe('Pa55-wörd-秘密');
  });

  it('refuses a file its group or every user can read, saying chmod 600', async () => {
    await chmod(keyFile, 0o644);
    const open = await refusal(plainSecretVault().read('admin-key', keyFile));
    expect(open).toContain('the admin SSH key');
    expect(open).toContain('its group and every user (mode 0644)');
    expect(open).toContain(`chmod 600 ${keyFile}`);
    await chmod(passwordFile, 0o640);
    expect(await refusal(plainSecretVault().read('directory-password', passwordFile))).toContain(
      'the directory bind password',
    );
    expect(openModeProblem(0o100604, 'linux')).toContain('every user');
    expect(openModeProblem(0o100600, 'linux')).toBeUndefined();
    expect(openModeProblem(0o100666, 'win32')).toBeUndefined();
  });

  it('refuses a missing file, a folder and an empty file in words', async () => {
    expect(await refusal(plainSecretVault().read('admin-key', join(dir, 'nope')))).toMatch(/no such file/);
    await mkdir(join(dir, 'folder'), { mode: 0o700 });
    expect(await refusal(plainSecretVault().read('admin-key', join(dir, 'folder')))).toMatch(
      /not a regular file/,
    );
    await writeFile(join(dir, 'empty'), '', { mode: 0o600 });
    expect(await refusal(plainSecretVault().read('admin-key', join(dir, 'empty')))).toMatch(/is empty/);
  });

  it('refuses a sealed file, and names the sealed copy when the plain one is gone', async () => {
    const sealer = safeStorageSealer(fakeSafeStorage(), 'linux');
    await writeSealedSecretFile(sealer, `${keyFile}.sealed`, keyText);
    await rm(keyFile);
    const gone = await refusal(plainSecretVault().read('admin-key', keyFile));
    expect(gone).toContain(`${keyFile}.sealed`);
    expect(gone).toContain('only the Electron console can open it');
    // A profile that names the sealed file itself gets the same answer, not ciphertext as a key.
    const named = await refusal(plainSecretVault().read('admin-key', `${keyFile}.sealed`));
    expect(named).toContain('only the Electron console can open it');
  });
});

describe('keychain vault (Electron)', () => {
  it('opens the sealed copy and prefers it to the plain file', async () => {
    const sealer = safeStorageSealer(fakeSafeStorage(), 'linux');
    await writeSealedSecretFile(sealer, `${passwordFile}.sealed`, 'from-the-keychain\n');
    const warnings: string[] = [];
    const vault = keychainSecretVault(sealer, (line) => warnings.push(line));
    expect(await vault.read('directory-password', passwordFile)).toBe('from-the-keychain');
    expect(warnings).toEqual([]);
    // With the plain file removed it still opens, and so does a profile naming the sealed file.
    await rm(passwordFile);
    expect(await vault.read('directory-password', passwordFile)).toBe('from-the-keychain');
    expect(await vault.read('directory-password', `${passwordFile}.sealed`)).toBe('from-the-keychain');
  });

  it('sealed files are 0600, versioned, and do not hold the secret in the clear', async () => {
    const sealer = safeStorageSealer(fakeSafeStorage({ backend: 'kwallet6' }), 'linux');
    await writeSealedSecretFile(sealer, `${keyFile}.sealed`, keyText);
    expect((await stat(`${keyFile}.sealed`)).mode & 0o777).toBe(0o600);
    const text = await readFile(`${keyFile}.sealed`, 'utf8');
    expect(text).not.toContain('S3CR3T');
    expect(looksSealed(text)).toBe(true);
    expect(parseSealedSecret('f', text)).toMatchObject({
      format: 'mailfleet-sealed-secret',
      version: 1,
      sealer: 'electron-safeStorage',
      keychain: 'kwallet6',
    });
  });

  it('reads a plain-only profile but says it is not sealed and how to seal it', async () => {
    const warnings: string[] = [];
    const vault = keychainSecretVault(safeStorageSealer(fakeSafeStorage(), 'linux'), (l) => warnings.push(l));
    expect(await vault.read('admin-key', keyFile)).toBe(keyText);
    expect(warnings).toEqual([
      `the admin SSH key ${keyFile} is a plain file: run 'mailfleet console --seal-secrets' to keep it in this account's keychain (gnome_libsecret)`,
    ]);
    // The plain file is held to the same mode rule as in the CLI.
    await chmod(keyFile, 0o604);
    expect(await refusal(vault.read('admin-key', keyFile))).toContain('chmod 600');
  });

  it('never falls back to the plain file when the keychain refuses a sealed one', async () => {
    const storage = fakeSafeStorage();
    const sealer = safeStorageSealer(storage, 'linux');
    await writeSealedSecretFile(sealer, `${keyFile}.sealed`, keyText);
    storage.backend = 'basic_text';
    const warnings: string[] = [];
    const basic = await refusal(
      keychainSecretVault(sealer, (l) => warnings.push(l)).read('admin-key', keyFile),
    );
    expect(basic).toContain(`${keyFile}.sealed is sealed, but the console cannot open it`);
    expect(basic).toContain("'basic_text'");
    storage.backend = 'gnome_libsecret';
    storage.available = false;
    expect(await refusal(keychainSecretVault(sealer, () => {}).read('admin-key', keyFile))).toContain(
      'does not answer or is locked',
    );
    expect(warnings).toEqual([]);
  });

  it("refuses another keychain's file, another version and a damaged file, in words", async () => {
    await writeSealedSecretFile(safeStorageSealer(fakeSafeStorage(), 'linux'), `${keyFile}.sealed`, keyText);
    const mine = keychainSecretVault(safeStorageSealer(fakeSafeStorage(), 'linux'), () => {});
    expect(await refusal(mine.read('admin-key', keyFile))).toContain(
      'sealed by another user or on another machine',
    );

    const envelope = JSON.parse(await readFile(`${keyFile}.sealed`, 'utf8'));
    await writeFile(`${keyFile}.sealed`, JSON.stringify({ ...envelope, version: 2 }));
    expect(await refusal(mine.read('admin-key', keyFile))).toContain(
      'version 2; this console reads version 1',
    );
    await writeFile(`${keyFile}.sealed`, JSON.stringify({ ...envelope, ciphertext: 42 }));
    expect(await refusal(mine.read('admin-key', keyFile))).toContain(
      'damaged sealed secret file (bad ciphertext)',
    );
    await writeFile(`${keyFile}.sealed`, JSON.stringify({ ...envelope, sealer: 'other-tool' }));
    expect(await refusal(mine.read('admin-key', keyFile))).toContain('sealed by other-tool');
    await writeFile(`${keyFile}.sealed`, 'S3CR3T-KEY-BODY');
    expect(await refusal(mine.read('admin-key', keyFile))).toContain('not a sealed secret file (not JSON)');
  });

  it('writes nothing when the keychain refuses, and removes a sealed file that does not open', async () => {
    const storage = fakeSafeStorage({ backend: 'basic_text' });
    const sealer = safeStorageSealer(storage, 'linux');
    expect(await refusal(writeSealedSecretFile(sealer, `${keyFile}.sealed`, keyText))).toMatch(
      /^cannot seal: /,
    );
    expect(storage.uses).toBe(0);
    await expect(stat(`${keyFile}.sealed`)).rejects.toThrow(/ENOENT/);

    // A keychain that seals but gives back something else: the file is not left to be preferred.
    const liar = { ...safeStorageSealer(fakeSafeStorage(), 'linux'), unseal: () => 'something else' };
    expect(await refusal(writeSealedSecretFile(liar, `${keyFile}.sealed`, keyText))).toContain(
      'did not give back what it sealed',
    );
    await expect(stat(`${keyFile}.sealed`)).rejects.toThrow(/ENOENT/);
  });
});
