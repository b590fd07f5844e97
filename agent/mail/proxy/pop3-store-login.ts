/**
 * Replays a login the proxy has checked at the user's store (POP3): greeting, STLS when the store
 * is not on loopback, then AUTH PLAIN with an initial response (RFC 5034), which needs no quoting
 * whatever the password holds.
 */
import { StoreLoginRefused } from './imap-store-login.js';
import type { StoreConnection, StoreConnectOptions, StoreGreeting } from './store-connection.js';
import { loggedInAtStore, StoreConnectionError } from './store-connection.js';
import type { StoreEndpoint } from './store-locator.js';

/** A store session logged in, and the store's `+OK` line (passed on to the client). */
export interface Pop3StoreSession {
  connection: StoreConnection;
  reply: string;
}

/** Connects to the store and logs `user` in. Rejects with StoreConnectionError or StoreLoginRefused. */
export function pop3StoreLogin(
  endpoint: StoreEndpoint,
  user: string,
  password: string,
  options: StoreConnectOptions,
): Promise<Pop3StoreSession> {
  return loggedInAtStore(endpoint, options, pop3Greeting, async (connection) => {
    connection.send(`AUTH PLAIN ${Buffer.from(`\0${user}\0${password}`, 'utf8').toString('base64')}`);
    const reply = await connection.readLine();
    if (!reply.startsWith('+OK')) {
      // [IN-USE] (another POP3 session holds the maildrop) is the store's to tell the client.
      throw new StoreLoginRefused(reply.slice(0, 200));
    }
    return { connection, reply };
  });
}

const pop3Greeting: StoreGreeting = {
  greeting: '+OK',
  askForTls: async (connection) => {
    connection.send('STLS');
    const reply = await connection.readLine();
    if (!reply.startsWith('+OK'))
      throw new StoreConnectionError(`the store refused STLS: ${reply.slice(0, 100)}`);
  },
};
