/**
 * Small per-mailbox files at the Maildir root: `subscriptions` (one folder name per line in
 * modified UTF-7, as Dovecot 2.3 writes it), `mailfleet-uidvalidity` (the last UIDVALIDITY given,
 * so a folder deleted and created again in the same second still gets a new one; Dovecot's own
 * `dovecot-uidvalidity` is taken into account too) and `mailfleet-lastlogin`.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readTextIfPresent, replaceFileAtomically } from '../../../common/durable-fs.js';
import { decodeMailboxNameOrUndefined, encodeMailboxName } from '../../protocol/imap/mutf7.js';
import { normaliseFolderName } from './folder-names.js';

/**
 * Subscribed folder names. Lines are modified UTF-7 (Dovecot 2.3); a line that is not valid
 * modified UTF-7 is taken as UTF-8 (older writers). Lines that are not valid names are skipped.
 */
export async function readSubscriptions(maildir: string): Promise<Set<string>> {
  const text = (await readTextIfPresent(join(maildir, 'subscriptions'))) ?? '';
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    // Dovecot's version-2 format (a `V\t2` header, tab-separated levels) is not written by 2.3.
    if (line === '' || line.includes('\t')) continue;
    try {
      names.add(normaliseFolderName(decodeMailboxNameOrUndefined(line) ?? line));
    } catch {
      // Not a folder name we could use.
    }
  }
  return names;
}

/** Writes the subscriptions file atomically (modified UTF-7, one name per line). */
export async function writeSubscriptions(maildir: string, names: Iterable<string>): Promise<void> {
  const lines = [...names].sort().map((name) => `${encodeMailboxName(name)}\n`);
  await replaceFileAtomically(join(maildir, 'subscriptions'), lines.join(''));
}

/** A UIDVALIDITY never given before in this mailbox (by us or by Dovecot): now in seconds, or one more than the last. */
export async function allocateUidValidity(maildir: string, now = Date.now()): Promise<number> {
  const path = join(maildir, 'mailfleet-uidvalidity');
  const ours = Number((await readTextIfPresent(path))?.trim() ?? '0');
  const dovecots = Number.parseInt(
    (await readTextIfPresent(join(maildir, 'dovecot-uidvalidity')))?.trim() ?? '0',
    16,
  );
  const last = Math.max(Number.isSafeInteger(ours) ? ours : 0, Number.isSafeInteger(dovecots) ? dovecots : 0);
  const value = Math.max(Math.floor(now / 1000), last + 1);
  await replaceFileAtomically(path, `${value}\n`);
  return value;
}

/** When the user last logged in on this store (ms), if recorded. */
export async function readLastLogin(maildir: string): Promise<number | undefined> {
  const text = await readTextIfPresent(join(maildir, 'mailfleet-lastlogin'));
  const value = Number(text?.trim());
  return text !== undefined && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

/** Records a login time (not fsynced: losing the last one in a power cut does no harm). */
export async function writeLastLogin(maildir: string, at: number): Promise<void> {
  await writeFile(join(maildir, 'mailfleet-lastlogin'), `${Math.floor(at)}\n`);
}
