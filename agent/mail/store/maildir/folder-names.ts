/**
 * IMAP folder names (UTF-8, separator `.`) and their Maildir++ directories: INBOX is the Maildir
 * itself, `A.B` is `.A.B` with each name in modified UTF-7, exactly as Dovecot lays them out.
 */

import { decodeMailboxNameOrUndefined, encodeMailboxName } from '../../protocol/imap/mutf7.js';
import { MailStorageError } from '../mail-storage.js';

/** The hierarchy separator (Dovecot's Maildir++ default). */
export const folderSeparator = '.';

/** Longest on-disk directory name we create (most file systems allow 255 bytes). */
const maxDirectoryNameBytes = 255;

/**
 * Checks and normalises an IMAP folder name: `inbox` in any case becomes `INBOX` (also as the
 * first level of a hierarchy). Throws MailStorageError 'bad-folder-name' with the reason.
 */
export function normaliseFolderName(name: string): string {
  const bad = (why: string): never => {
    throw new MailStorageError('bad-folder-name', `bad folder name ${JSON.stringify(name)}: ${why}`);
  };
  if (name.length === 0) bad('empty');
  const parts = name.split(folderSeparator);
  if (parts.some((part) => part.length === 0)) bad('empty level (leading, trailing or doubled ".")');
  // Controls could hide in listings or terminal output; `/` and `\` are path separators on disk;
  // `*` and `%` are LIST wildcards and would make a folder unlistable by its own name.
  if (hasControlCharacter(name) || /[/\\*%]/.test(name)) {
    bad('control characters, "/", "\\", "*" and "%" are not allowed');
  }
  if (/\p{Cs}/u.test(name)) bad('not valid Unicode (unpaired surrogate)');
  if (parts[0]!.toUpperCase() === 'INBOX') parts[0] = 'INBOX';
  const normalised = parts.join(folderSeparator);
  if (Buffer.byteLength(folderDirectoryName(normalised)) > maxDirectoryNameBytes) bad('too long');
  return normalised;
}

/** The directory name under the Maildir root: '' for INBOX, `.Name` otherwise (modified UTF-7). */
export function folderDirectoryName(normalised: string): string {
  if (normalised === 'INBOX') return '';
  return `.${encodeMailboxName(normalised)}`;
}

/**
 * The folder a directory entry of the Maildir root stands for, or undefined if it is not a
 * folder directory (files, `tmp`, `cur`, `new`, names that are not valid modified UTF-7).
 */
export function folderNameOfDirectory(entry: string): string | undefined {
  if (!entry.startsWith('.') || entry === '.' || entry === '..') return undefined;
  const decoded = decodeMailboxNameOrUndefined(entry.slice(1));
  if (decoded === undefined) return undefined;
  try {
    return normaliseFolderName(decoded) === decoded ? decoded : undefined;
  } catch {
    return undefined;
  }
}

/** The parent folder names of a folder, outermost first (`A.B.C` -> `A`, `A.B`). */
export function parentFolderNames(normalised: string): string[] {
  const parts = normalised.split(folderSeparator);
  const parents: string[] = [];
  for (let i = 1; i < parts.length; i++) parents.push(parts.slice(0, i).join(folderSeparator));
  return parents;
}

/** True if the text holds a C0 or C1 control character or DEL. */
export function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true;
  }
  return false;
}
