/**
 * The Electron console's secrets: the keychain vault it opens the fleet with, the seal run
 * (`mailfleet console --seal-secrets` starts Electron with MAILFLEET_SEAL_SECRETS=1), and the
 * Linux keyring choice (MAILFLEET_PASSWORD_STORE, Chromium's `--password-store`).
 */
import type { CommandLine } from 'electron';
import { loadFleetProfile } from '../core/fleet-profile.js';
import { describeSealOutcomes, sealProfileSecrets } from '../core/seal-profile-secrets.js';
import { keychainSecretVault, type SecretVault } from '../core/secret-vault.js';
import { type SafeStorageLike, safeStorageSealer } from './safe-storage-sealer.js';

/** The keyrings Chromium's `--password-store` names on Linux. */
export const passwordStores = ['gnome-libsecret', 'kwallet', 'kwallet5', 'kwallet6'] as const;

/**
 * Passes MAILFLEET_PASSWORD_STORE to Chromium before the app is ready (after, the keyring is
 * chosen). Returns why the value is refused, or undefined. `basic` is refused: it is the store that
 * protects nothing.
 */
export function choosePasswordStore(
  commandLine: Pick<CommandLine, 'appendSwitch'>,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const wanted = env.MAILFLEET_PASSWORD_STORE;
  if (wanted === undefined || wanted === '') return undefined;
  if (!(passwordStores as readonly string[]).includes(wanted)) {
    return `MAILFLEET_PASSWORD_STORE=${wanted} is not one of ${passwordStores.join(', ')}`;
  }
  commandLine.appendSwitch('password-store', wanted);
  return undefined;
}

/** Whether this start only seals the profile's secrets (no window, no fleet links). */
export function isSealRun(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.MAILFLEET_SEAL_SECRETS === '1';
}

/** The vault the console opens its fleet with; `warn` gets the lines about plain files. */
export function consoleSecretVault(safeStorage: SafeStorageLike, warn: (line: string) => void): SecretVault {
  return keychainSecretVault(safeStorageSealer(safeStorage), warn);
}

/** Seals the profile's secrets and says what happened; returns the exit code. */
export async function runSealSecrets(
  profilePath: string,
  safeStorage: SafeStorageLike,
  say: (line: string) => void,
): Promise<number> {
  const sealer = safeStorageSealer(safeStorage);
  try {
    const outcomes = await sealProfileSecrets(await loadFleetProfile(profilePath), sealer);
    for (const line of describeSealOutcomes(outcomes, sealer.keychain())) say(`mailfleet console: ${line}`);
    return 0;
  } catch (error) {
    say(`mailfleet console --seal-secrets: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
