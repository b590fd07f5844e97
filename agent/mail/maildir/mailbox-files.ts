/**
 * Small per-mailbox files at the Maildir root: `subscriptions` (one folder name per line, the
 * format Dovecot reads), `mailfleet-uidvalidity` (the last UIDVALIDITY given, so a folder deleted
 * and created again in the same second still gets a new one) and `mailfleet-lastlogin`.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isMissing, replaceFileAtomically } from './durable-fs.js';
import { normaliseFolderName } from './folder-names.js';

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/** Subscribed folder names (lines that are not valid names are skipped). */
export async function readSubscriptions(maildir: string): Promise<Set<string>> {
  const text = (await readOptional(join(maildir, 'subscriptions'))) ?? '';
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    if (line === '' || line.includes('\t')) continue;
    try {
      names.add(normaliseFolderName(line));
    } catch {
      // Not a name we could have written; Dovecot's own version-2 header lines land here too.
    }
  }
  return names;
}

/** Writes the subscriptions file atomically. */
export async function writeSubscriptions(maildir: string, names: Iterable<string>): Promise<void> {
  const lines = [...names].sort().map((name) => `${name}\n`);
  await replaceFileAtomically(join(maildir, 'subscriptions'), lines.join(''));
}

/** A UIDVALIDITY never given before in this mailbox: the current time in seconds, or one more than the last. */
export async function allocateUidValidity(maildir: string, now = Date.now()): Promise<number> {
  const path = join(maildir, 'mailfleet-uidvalidity');
  const last = Number((await readOptional(path))?.trim() ?? '0');
  const value = Math.max(Math.floor(now / 1000), (Number.isSafeInteger(last) ? last : 0) + 1);
  await replaceFileAtomically(path, `${value}\n`);
  return value;
}

/** When the user last logged in on this store (ms), if recorded. */
export async function readLastLogin(maildir: string): Promise<number | undefined> {
  const text = await readOptional(join(maildir, 'mailfleet-lastlogin'));
  const value = Number(text?.trim());
  return text !== undefined && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

/** Records a login time (not fsynced: losing the last one in a power cut does no harm). */
export async function writeLastLogin(maildir: string, at: number): Promise<void> {
  await writeFile(join(maildir, 'mailfleet-lastlogin'), `${Math.floor(at)}\n`);
}
