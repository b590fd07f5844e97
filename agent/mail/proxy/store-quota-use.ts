/**
 * A user's quota use read at the user's store over IMAP, logged in with the user's own password
 * (the proxy's path to the store: no new trust, the store's own login check decides, so a user can
 * read only its own use): `GETQUOTAROOT INBOX` (RFC 9208), then `LOGOUT`.
 */
import type { QuotaUse } from '../../common/quota-use.js';
import { imapStoreLogin, tagged } from './imap-store-login.js';
import type { StoreConnectOptions } from './store-connection.js';
import { StoreConnectionError } from './store-connection.js';
import type { StoreEndpoint } from './store-locator.js';

/** `* QUOTA "" (STORAGE <used KiB> <limit KiB>)`, or `()` when there is no limit. */
const quotaLine = /^\* QUOTA (?:"[^"]*"|\S+) \((?:STORAGE (\d{1,15}) (\d{1,15}))?[^)]*\)$/i;

/** Logs `user` in at its store and reads its STORAGE quota; rejects when the store does not say. */
export async function readQuotaUseAtStore(
  endpoint: StoreEndpoint,
  user: string,
  password: string,
  options: StoreConnectOptions,
): Promise<QuotaUse> {
  const { connection } = await imapStoreLogin(endpoint, user, password, options);
  try {
    connection.send('P2 GETQUOTAROOT INBOX');
    const { untagged, reply } = await tagged(connection, 'P2');
    if (!reply.startsWith('OK'))
      throw new StoreConnectionError(`the store refused GETQUOTAROOT: ${reply.slice(0, 200)}`);
    for (const line of untagged) {
      const found = quotaLine.exec(line);
      if (!found) continue;
      if (found[1] === undefined) return { limitBytes: 0 };
      return { usedBytes: Number(found[1]) * 1024, limitBytes: Number(found[2]) * 1024 };
    }
    throw new StoreConnectionError('the store sent no QUOTA line');
  } finally {
    // Polite but not waited for: the answer is in hand.
    connection.send('P3 LOGOUT');
    connection.destroy();
  }
}
