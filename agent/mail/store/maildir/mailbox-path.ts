/** Where a user's Maildir lives: `<root>/<domain>/<local>/Maildir`, with the address checked first. */
import { join } from 'node:path';
import { hasControlCharacter } from './folder-names.js';

const domainPattern =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/**
 * The normalised user (lower case) and their Maildir path. Throws for addresses that could escape
 * the root or confuse a file system: no `/`, `\`, controls, leading `.`, or empty parts.
 */
export function maildirOfUser(root: string, user: string): { user: string; maildir: string } {
  const normalised = user.trim().toLowerCase();
  const at = normalised.lastIndexOf('@');
  const local = normalised.slice(0, at);
  const domain = normalised.slice(at + 1);
  if (at <= 0 || !domainPattern.test(domain))
    throw new Error(`not a mailbox address: ${JSON.stringify(user)}`);
  if (local.length > 64 || local.startsWith('.') || hasControlCharacter(local) || /[/\\]/.test(local)) {
    throw new Error(`not a mailbox address: ${JSON.stringify(user)}`);
  }
  return { user: normalised, maildir: join(root, domain, local, 'Maildir') };
}
