/**
 * The LMTP server's recipient check, from the same directory reads as logins: an address is
 * deliverable here when it is a user (primary address or `mailLocalAddress`) whose logical store
 * this node serves and whose mailbox is not disabled.
 *
 * Only positive answers are cached, briefly: a negative cache would bounce (550, permanent) the
 * first mail of a user created a moment ago.
 */
import type { Clock } from '../../common/clock.js';
import type { MailRecipient, MailRecipientLookup } from './mail-login.js';
import type { StoreUsers } from './store-users.js';

/** Options of {@link createRecipientLookup}. */
export interface RecipientLookupOptions {
  users: StoreUsers;
  clock: Clock;
  /** How long a found recipient is reused. Default 60 s. */
  ttlMs?: number;
  /** Default 10,000. */
  maxEntries?: number;
}

/** Builds the `recipientLookup` the LMTP server is given. Rejects when the directory cannot be read. */
export function createRecipientLookup(options: RecipientLookupOptions): MailRecipientLookup {
  const ttlMs = options.ttlMs ?? 60_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const found = new Map<string, { recipient: MailRecipient; expiresAt: number }>();
  return async (address) => {
    const key = address.trim().toLowerCase();
    const now = options.clock.now();
    const hit = found.get(key);
    if (hit && hit.expiresAt > now) return hit.recipient;
    found.delete(key);
    const user = await options.users.find(key);
    if (!user?.servedHere || user.entry.mailboxState === 'disabled') return undefined;
    const recipient: MailRecipient = {
      user: user.user,
      quotaBytes: user.quotaBytes,
      store: user.entry.mailHost,
      ...(user.entry.selfService?.spam ? { spamToJunk: true } : {}),
    };
    found.set(key, { recipient, expiresAt: now + ttlMs });
    while (found.size > maxEntries) {
      const oldest = found.keys().next().value;
      if (oldest === undefined) break;
      found.delete(oldest);
    }
    return recipient;
  };
}
