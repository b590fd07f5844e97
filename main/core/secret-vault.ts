/**
 * Where the console's secrets come from: the admin's SSH key and the directory bind password, read
 * in main and kept there (no console call returns one). Two vaults:
 *
 * - {@link plainSecretVault}: the CLI and browser mode. Plain files, mode 0600, as the profile names
 *   them.
 * - {@link keychainSecretVault}: the Electron console. `FILE.sealed` (sealed with the OS keychain)
 *   when there is one; else the plain FILE, with a warning that it is not sealed yet.
 *
 * Neither logs a secret: warnings and errors name files only.
 */
import {
  readPlainSecretText,
  type SecretKind,
  secretFromFileText,
  secretLabel,
} from './plain-secret-file.js';
import {
  looksSealed,
  readIfPresent,
  type SecretSealer,
  sealedSuffix,
  unsealSecretText,
} from './sealed-secret-file.js';

export type { SecretKind } from './plain-secret-file.js';

/** Reads one of the profile's secrets. */
export interface SecretVault {
  /** `file` is the path the profile names (made absolute by loadFleetProfile). */
  read(kind: SecretKind, file: string): Promise<string>;
}

/** Plain 0600 files only (CLI, browser mode, lab tools). */
export function plainSecretVault(): SecretVault {
  return { read: async (kind, file) => secretFromFileText(kind, await readPlainSecretText(kind, file)) };
}

/** How the Electron console seals: the command that seals the profile's secrets. */
export const sealCommand = 'mailfleet console --seal-secrets';

/**
 * The Electron console's vault. A sealed copy wins; a sealed copy that cannot be opened is an
 * error, never a reason to read the plain file instead (that would hide a broken or missing
 * keychain). A profile with only plain files still opens, saying on `warn` that the secret is not
 * sealed and, when the keychain refuses, why.
 */
export function keychainSecretVault(sealer: SecretSealer, warn: (line: string) => void): SecretVault {
  return {
    read: async (kind, file) => {
      const sealedPath = `${file}${sealedSuffix}`;
      const sealed = await readIfPresent(sealedPath);
      if (sealed !== undefined) return secretFromFileText(kind, unsealSecretText(sealer, sealedPath, sealed));
      // The profile may name the sealed file itself (the plain one removed and the path changed).
      const named = await readIfPresent(file);
      if (named !== undefined && looksSealed(named))
        return secretFromFileText(kind, unsealSecretText(sealer, file, named));
      const secret = secretFromFileText(kind, await readPlainSecretText(kind, file));
      const refusal = sealer.refusal();
      warn(
        refusal
          ? `${secretLabel(kind)} ${file} is a plain file and cannot be sealed on this workstation: ${refusal}`
          : `${secretLabel(kind)} ${file} is a plain file: run '${sealCommand}' to keep it in this account's keychain (${sealer.keychain()})`,
      );
      return secret;
    },
  };
}
