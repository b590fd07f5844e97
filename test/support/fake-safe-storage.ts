/**
 * A stand-in for Electron's `safeStorage` (the Electron binary cannot run here): AES-256-GCM with
 * a key held in this object, as the OS keychain holds the real one, so a file sealed by one fake
 * does not open with another (another user, another machine). The backend and availability are
 * set by the test, to play each platform's refusals.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SafeStorageLike } from '../../main/electron/safe-storage-sealer.js';

/** A fake safeStorage; `available` and `backend` may be changed between calls. */
export interface FakeSafeStorage extends SafeStorageLike {
  available: boolean;
  backend: ReturnType<SafeStorageLike['getSelectedStorageBackend']>;
  /** How many times something was sealed or opened. */
  uses: number;
}

/** A keychain with its own random key. */
export function fakeSafeStorage(
  options: { available?: boolean; backend?: FakeSafeStorage['backend'] } = {},
): FakeSafeStorage {
  const key = randomBytes(32);
  const storage: FakeSafeStorage = {
    available: options.available ?? true,
    backend: options.backend ?? 'gnome_libsecret',
    uses: 0,
    isEncryptionAvailable: () => storage.available,
    getSelectedStorageBackend: () => storage.backend,
    encryptString: (plainText: string) => {
      storage.uses++;
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plainText, 'utf8'), cipher.final()]);
      // Electron's own blobs start with a version tag ("v10"/"v11"); so does this one.
      return Buffer.concat([Buffer.from('v10'), iv, cipher.getAuthTag(), body]);
    },
    decryptString: (encrypted: Buffer) => {
      storage.uses++;
      if (encrypted.subarray(0, 3).toString() !== 'v10')
        throw new Error('Error while decrypting the ciphertext');
      const decipher = createDecipheriv('aes-256-gcm', key, encrypted.subarray(3, 15));
      decipher.setAuthTag(encrypted.subarray(15, 31));
      return Buffer.concat([decipher.update(encrypted.subarray(31)), decipher.final()]).toString('utf8');
    },
  };
  return storage;
}

/**
 * A fleet profile in a new temporary folder naming a plain key file `key` and password file `pw`
 * (mode 0600) with the given texts, for tests that seal them; the directory is not reachable.
 * Returns the folder; the profile is `fleet.json` in it.
 */
export async function plainSecretsProfile(texts: { key: string; password: string }): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), 'mailfleet-secrets-profile-'));
  await writeFile(join(home, 'key'), texts.key, { mode: 0o600 });
  await writeFile(join(home, 'pw'), texts.password, { mode: 0o600 });
  const profile = {
    name: 'seal',
    directory: { url: 'ldap://127.0.0.1:1', baseDn: 'dc=x', bindDn: 'uid=a,dc=x', bindPasswordFile: 'pw' },
    admin: { uid: 'a', privateKeyFile: 'key' },
    nodes: [],
  };
  await writeFile(join(home, 'fleet.json'), JSON.stringify(profile));
  return home;
}
