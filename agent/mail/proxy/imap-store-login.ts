/**
 * Replays a login the proxy has checked at the user's store (IMAP): greeting, STARTTLS when the
 * store is not on loopback, then AUTHENTICATE PLAIN with an initial response (RFC 4959), which
 * needs no quoting whatever the password holds. Both the embedded store and Dovecot offer it.
 */

import type { StoreConnection, StoreConnectOptions, StoreGreeting } from './store-connection.js';
import { loggedInAtStore, StoreConnectionError } from './store-connection.js';
import type { StoreEndpoint } from './store-locator.js';

/** A store session logged in: untagged lines the store sent with its OK, and the OK's text. */
export interface ImapStoreSession {
  connection: StoreConnection;
  /** Untagged lines sent before the tagged reply (passed on to the client). */
  untagged: string[];
  /** The tagged reply after the tag: `OK [CAPABILITY ...] Logged in`. */
  reply: string;
}

/** The store refused the login (it answered NO/BAD): not a connection failure. */
export class StoreLoginRefused extends Error {
  override readonly name = 'StoreLoginRefused';
}

/** Connects to the store and logs `user` in. Rejects with StoreConnectionError or StoreLoginRefused. */
export function imapStoreLogin(
  endpoint: StoreEndpoint,
  user: string,
  password: string,
  options: StoreConnectOptions,
): Promise<ImapStoreSession> {
  return loggedInAtStore(endpoint, options, imapGreeting, async (connection) => {
    const plain = Buffer.from(`\0${user}\0${password}`, 'utf8').toString('base64');
    connection.send(`P1 AUTHENTICATE PLAIN ${plain}`);
    const { untagged, reply } = await tagged(connection, 'P1');
    if (!reply.startsWith('OK'))
      throw new StoreLoginRefused(`the store refused the login: ${reply.slice(0, 200)}`);
    return { connection, untagged, reply };
  });
}

const imapGreeting: StoreGreeting = {
  greeting: '* OK',
  askForTls: async (connection) => {
    connection.send('P0 STARTTLS');
    const { reply } = await tagged(connection, 'P0');
    if (!reply.startsWith('OK'))
      throw new StoreConnectionError(`the store refused STARTTLS: ${reply.slice(0, 100)}`);
  },
};

/** Reads up to the tagged reply of `tag`; a continuation means the store wants more than we send. */
export async function tagged(
  connection: StoreConnection,
  tag: string,
): Promise<{ untagged: string[]; reply: string }> {
  const untagged: string[] = [];
  for (;;) {
    const line = await connection.readLine();
    if (line.startsWith(`${tag} `)) return { untagged, reply: line.slice(tag.length + 1) };
    if (line.startsWith('* BYE')) throw new StoreConnectionError(`the store said ${line.slice(0, 200)}`);
    if (line.startsWith('+'))
      throw new StoreConnectionError('the store asked for a continuation during login');
    // A store sends a few untagged lines at most during login; many means it is not talking IMAP.
    if (untagged.length >= 32) throw new StoreConnectionError('the store sent too many lines during login');
    untagged.push(line);
  }
}
