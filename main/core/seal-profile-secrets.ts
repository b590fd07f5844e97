/**
 * Seals the secrets a fleet profile names (`mailfleet console --seal-secrets`, run by the Electron
 * shell, which has the keychain): each plain file's content goes into `FILE.sealed` next to it,
 * mode 0600, and is read back through the keychain before it counts. The plain file is left where
 * it is: the CLI and browser mode still read it, and deleting an admin's key is the admin's call.
 */
import type { FleetProfile } from './fleet-profile.js';
import { readPlainSecretText, type SecretKind, secretLabel } from './plain-secret-file.js';
import {
  readIfPresent,
  type SecretSealer,
  sealedSuffix,
  unsealSecretText,
  writeSealedSecretFile,
} from './sealed-secret-file.js';

/** What happened to one secret. */
export interface SealOutcome {
  kind: SecretKind;
  plainFile: string;
  sealedFile: string;
  /** `sealed`: written now; `already-sealed`: a sealed copy was there and opens. */
  outcome: 'sealed' | 'already-sealed';
}

/** Seals both of the profile's secrets; throws (in words) before writing anything if the keychain refuses. */
export async function sealProfileSecrets(
  profile: FleetProfile,
  sealer: SecretSealer,
): Promise<SealOutcome[]> {
  const refusal = sealer.refusal();
  if (refusal) throw new Error(`the secrets stay as they are: ${refusal}`);
  const secrets: Array<[SecretKind, string]> = [
    ['admin-key', profile.admin.privateKeyFile],
    ['directory-password', profile.directory.bindPasswordFile],
  ];
  const outcomes: SealOutcome[] = [];
  for (const [kind, plainFile] of secrets) {
    const sealedFile = `${plainFile}${sealedSuffix}`;
    const existing = await readIfPresent(sealedFile);
    if (existing !== undefined) {
      // An old sealed copy that no longer opens is reported, not overwritten: it may be the only copy.
      unsealSecretText(sealer, sealedFile, existing);
      outcomes.push({ kind, plainFile, sealedFile, outcome: 'already-sealed' });
      continue;
    }
    // The text as written (line end included): the vault trims it the same way for both forms.
    await writeSealedSecretFile(sealer, sealedFile, await readPlainSecretText(kind, plainFile));
    outcomes.push({ kind, plainFile, sealedFile, outcome: 'sealed' });
  }
  return outcomes;
}

/** The outcome in lines for the admin: what was sealed, and what to do with the plain files. */
export function describeSealOutcomes(outcomes: SealOutcome[], keychain: string): string[] {
  const lines = outcomes.map((o) =>
    o.outcome === 'sealed'
      ? `sealed ${secretLabel(o.kind)} into ${o.sealedFile} (${keychain})`
      : `${secretLabel(o.kind)} was already sealed in ${o.sealedFile}`,
  );
  lines.push(
    `the Electron console now reads the sealed files; the plain files (${outcomes.map((o) => o.plainFile).join(', ')}) are left for the CLI and browser mode: delete them if this workstation runs only the Electron console`,
  );
  return lines;
}
