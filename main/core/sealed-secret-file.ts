/**
 * Sealed secret files: a console secret (the admin's SSH key, the directory bind password)
 * encrypted by the operating system's keychain, as a small JSON envelope with a format name and a
 * version, so a later format can be told apart and an old console refuses a newer file in words.
 *
 * ```json
 * {"format":"mailfleet-sealed-secret","version":1,"sealer":"electron-safeStorage",
 *  "keychain":"gnome_libsecret","sealedAt":"2026-12-01T21:00:00.000Z","ciphertext":"djEw..."}
 * ```
 *
 * The sealing itself is a {@link SecretSealer}: main/core never imports Electron; the Electron shell
 * supplies one over `safeStorage` (main/electron/safe-storage-sealer.ts).
 */
import { readFile, rm } from 'node:fs/promises';
import { z } from 'zod';
import { isMissing, replaceFileAtomically } from '../../agent/common/durable-fs.js';

/** The envelope's `format` field: how a file says it is one of ours. */
export const sealedSecretFormat = 'mailfleet-sealed-secret';
/** The envelope version this console writes and reads. */
export const sealedSecretVersion = 1;

/** Sealed copies sit next to the plain file the profile names, with this suffix. */
export const sealedSuffix = '.sealed';

const envelopeHead = z.object({ format: z.literal(sealedSecretFormat), version: z.number().int() });

const envelopeV1 = z.object({
  format: z.literal(sealedSecretFormat),
  version: z.literal(sealedSecretVersion),
  /** Which sealer wrote it (`electron-safeStorage`): only that sealer can open it. */
  sealer: z.string().min(1),
  /** The keychain behind the sealer when it was sealed (`dpapi`, `keychain`, `gnome_libsecret`...). */
  keychain: z.string().min(1),
  sealedAt: z.iso.datetime(),
  ciphertext: z.base64().min(1),
});

/** A parsed sealed-secret envelope. */
export type SealedSecretEnvelope = z.infer<typeof envelopeV1>;

/**
 * Encrypts and decrypts with a keychain the operating system keeps. `refusal()` says in words why
 * it cannot (no keychain, or one that does not protect anything) and is checked before every use:
 * a sealer that refuses is never asked to seal or open, so nothing falls back to plain text.
 */
export interface SecretSealer {
  /** Written into the envelope's `sealer` field. */
  readonly name: string;
  /** The keychain in use, for the envelope and for messages. */
  keychain(): string;
  /** Why this sealer cannot protect a secret now, or undefined when it can. */
  refusal(): string | undefined;
  seal(text: string): Buffer;
  /** Throws when the ciphertext was not sealed by this keychain (another user, another machine). */
  unseal(ciphertext: Buffer): string;
}

/** Whether a file's text is a sealed envelope (of any version), so it is never taken as a secret. */
export function looksSealed(text: string): boolean {
  if (!text.trimStart().startsWith('{')) return false;
  try {
    return envelopeHead.safeParse(JSON.parse(text)).success;
  } catch {
    return false;
  }
}

/**
 * Parses an envelope. Errors name the file, never its content (the ciphertext is not secret, but a
 * file that is not what it claims could be a plain secret).
 */
export function parseSealedSecret(path: string, text: string): SealedSecretEnvelope {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${path} is not a sealed secret file (not JSON)`);
  }
  const head = envelopeHead.safeParse(json);
  if (!head.success)
    throw new Error(`${path} is not a sealed secret file (no "format": "${sealedSecretFormat}")`);
  if (head.data.version !== sealedSecretVersion) {
    throw new Error(
      `${path} is a sealed secret of version ${head.data.version}; this console reads version ${sealedSecretVersion}: use the console that sealed it, or seal the plain secret again`,
    );
  }
  const parsed = envelopeV1.safeParse(json);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(top)');
    throw new Error(`${path} is a damaged sealed secret file (bad ${[...new Set(fields)].join(', ')})`);
  }
  return parsed.data;
}

/** Seals `text` into the envelope's JSON text. */
export function sealSecretText(sealer: SecretSealer, text: string, now: Date = new Date()): string {
  const refusal = sealer.refusal();
  if (refusal) throw new Error(`cannot seal: ${refusal}`);
  const envelope: SealedSecretEnvelope = {
    format: sealedSecretFormat,
    version: sealedSecretVersion,
    sealer: sealer.name,
    keychain: sealer.keychain(),
    sealedAt: now.toISOString(),
    ciphertext: sealer.seal(text).toString('base64'),
  };
  return `${JSON.stringify(envelope)}\n`;
}

/** Opens an envelope read from `path`; errors say why in words (never the secret). */
export function unsealSecretText(sealer: SecretSealer, path: string, text: string): string {
  const envelope = parseSealedSecret(path, text);
  if (envelope.sealer !== sealer.name) {
    throw new Error(`${path} was sealed by ${envelope.sealer}, which this console cannot open`);
  }
  const refusal = sealer.refusal();
  if (refusal) throw new Error(`${path} is sealed, but the console cannot open it: ${refusal}`);
  try {
    return sealer.unseal(Buffer.from(envelope.ciphertext, 'base64'));
  } catch {
    // The keychain's own error text is dropped: it may quote what it was given.
    throw new Error(
      `${path} cannot be opened with this account's keychain (${sealer.keychain()}): it was sealed by another user or on another machine, or the keychain was reset; seal the plain secret again on this workstation`,
    );
  }
}

/** Reads a file's text, or undefined when it does not exist. */
export async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/**
 * Seals `text` into `path` (mode 0600, written atomically) and reads it back through the sealer,
 * so a keychain that seals but cannot open again is found now and not at the next start.
 */
export async function writeSealedSecretFile(sealer: SecretSealer, path: string, text: string): Promise<void> {
  await replaceFileAtomically(path, sealSecretText(sealer, text));
  try {
    if (unsealSecretText(sealer, path, await readFile(path, 'utf8')) !== text) {
      throw new Error(`${path}: the keychain did not give back what it sealed`);
    }
  } catch (error) {
    // A sealed file that does not open must not be left to be preferred over the plain one.
    await rm(path, { force: true });
    throw error;
  }
}
