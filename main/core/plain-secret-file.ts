/**
 * Plain secret files, as the CLI and browser mode read them: the file must be the user's alone
 * (no group or other permission bits, like OpenSSH asks of a private key), and must not be a
 * sealed envelope (which only the Electron console can open).
 */
import { open } from 'node:fs/promises';
import { isMissing } from '../../agent/common/durable-fs.js';
import { looksSealed, sealedSuffix } from './sealed-secret-file.js';

/** The two secrets a fleet profile names. */
export type SecretKind = 'admin-key' | 'directory-password';

/** The secret's name in messages. */
export function secretLabel(kind: SecretKind): string {
  return kind === 'admin-key' ? 'the admin SSH key' : 'the directory bind password';
}

/** What a secret file holds, as used: a password loses the line end an editor adds. */
export function secretFromFileText(kind: SecretKind, text: string): string {
  return kind === 'directory-password' ? text.replace(/\r?\n$/, '') : text;
}

/**
 * Why a file with this mode is too open, or undefined. Windows has no such bits (Node reports
 * 0o666 for every file there), so the check is POSIX only; there the profile's folder's ACL is what
 * protects it.
 */
export function openModeProblem(
  mode: number,
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  if (platform === 'win32') return undefined;
  const loose = mode & 0o077;
  if (loose === 0) return undefined;
  const who = [loose & 0o070 ? 'its group' : '', loose & 0o007 ? 'every user' : '']
    .filter(Boolean)
    .join(' and ');
  return `is open to ${who} (mode ${(mode & 0o777).toString(8).padStart(4, '0')})`;
}

/**
 * Reads a plain secret file's text as it is (see {@link secretFromFileText}). Refuses, in words that say what to do: a missing file (naming a
 * sealed copy when there is one), a file others may read, anything but a regular file, and a
 * sealed envelope. Messages name the file, never its content.
 */
export async function readPlainSecretText(
  kind: SecretKind,
  path: string,
  platform: NodeJS.Platform = process.platform,
): Promise<string> {
  const label = secretLabel(kind);
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if (isMissing(error)) throw new Error(await missingMessage(label, path));
    throw new Error(`cannot read ${label} ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  let text: string;
  try {
    // The mode of the file opened, not of a path that could be swapped between a stat and a read.
    const stat = await handle.stat();
    if (!stat.isFile()) throw new Error(`${label} ${path} is not a regular file`);
    const problem = openModeProblem(stat.mode, platform);
    if (problem) {
      throw new Error(
        `${label} ${path} ${problem}: run 'chmod 600 ${path}' (the console refuses secrets others can read)`,
      );
    }
    text = await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
  if (looksSealed(text)) throw new Error(sealedOnlyMessage(label, path));
  if (text.length === 0) throw new Error(`${label} ${path} is empty`);
  return text;
}

async function missingMessage(label: string, path: string): Promise<string> {
  try {
    const sealed = await open(`${path}${sealedSuffix}`, 'r');
    await sealed.close();
    return sealedOnlyMessage(label, `${path}${sealedSuffix}`);
  } catch {
    return `cannot read ${label} ${path}: no such file`;
  }
}

function sealedOnlyMessage(label: string, path: string): string {
  return `${label} is sealed in ${path}: only the Electron console can open it (through this account's keychain); the CLI and browser mode need the plain file (mode 0600) the profile names`;
}
