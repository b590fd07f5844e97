/**
 * The console's {@link SecretSealer} over Electron's `safeStorage`: DPAPI on Windows, the Keychain
 * on macOS, libsecret (GNOME Keyring) or KWallet on Linux. Built after the app is ready (before
 * that Linux has not chosen its keyring). On Linux, Chromium's `basic_text` store is refused: it
 * encrypts with a password built into Chromium, which protects nothing.
 */
import type { SafeStorage } from 'electron';
import type { SecretSealer } from '../core/sealed-secret-file.js';

/** The parts of `safeStorage` the sealer uses (so tests can hand in a fake). */
export type SafeStorageLike = Pick<
  SafeStorage,
  'isEncryptionAvailable' | 'encryptString' | 'decryptString' | 'getSelectedStorageBackend'
>;

/** What to do when Linux has no keyring, in words for the admin. */
const linuxKeyringAdvice =
  'start a keyring for this login (GNOME Keyring: install gnome-keyring and log in through a session that unlocks it; KDE: KWallet), or, when one runs but the desktop is not recognised, start the console with MAILFLEET_PASSWORD_STORE=gnome-libsecret (or kwallet5, kwallet6)';

/** The keychain's name, as written into sealed files. */
export function keychainName(safeStorage: SafeStorageLike, platform: NodeJS.Platform): string {
  if (platform === 'win32') return 'dpapi';
  if (platform === 'darwin') return 'keychain';
  if (platform === 'linux') return safeStorage.getSelectedStorageBackend();
  return platform;
}

/** Builds the sealer; `platform` is a parameter so each platform's refusal can be tested. */
export function safeStorageSealer(
  safeStorage: SafeStorageLike,
  platform: NodeJS.Platform = process.platform,
): SecretSealer {
  const refusal = (): string | undefined => {
    const keychain = keychainName(safeStorage, platform);
    if (platform === 'linux' && keychain === 'basic_text') {
      return `no keyring service was found for this desktop session, and Electron's fallback ('basic_text') encrypts with a key built into Chromium, which does not protect a secret: ${linuxKeyringAdvice}`;
    }
    if (platform === 'linux' && keychain === 'unknown') {
      return 'the keyring was asked for before the app was ready (a bug in the console)';
    }
    if (!safeStorage.isEncryptionAvailable()) {
      return platform === 'linux'
        ? `the keyring (${keychain}) does not answer or is locked: ${linuxKeyringAdvice}`
        : `the operating system's keychain (${keychain}) is not available to this account`;
    }
    return undefined;
  };
  return {
    name: 'electron-safeStorage',
    keychain: () => keychainName(safeStorage, platform),
    refusal,
    seal: (text) => safeStorage.encryptString(text),
    unseal: (ciphertext) => safeStorage.decryptString(ciphertext),
  };
}
