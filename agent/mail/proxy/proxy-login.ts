/**
 * The protocol-independent part of a proxied login: check the user, refuse held users, find the
 * store endpoint. The IMAP and POP3 proxies map the outcome to their own replies.
 */
import type { DirectorAuthenticator } from '../director/director-authenticator.js';
import type { ProxyHolds } from './proxy-holds.js';
import { type StoreEndpoint, StoreLocationError, type StoreLocator } from './store-locator.js';

/** What a proxy needs to route logins. */
export interface ProxyRouting {
  authenticator: DirectorAuthenticator;
  locator: StoreLocator;
  holds: ProxyHolds;
  /** Relayed sessions of a user from an address now (this proxy's). */
  sessionsOf: (user: string, clientAddress: string) => number;
  /** Relayed sessions one user may have from one address (Dovecot's mail_max_userip_connections). */
  maxSessionsPerUserAddress: number;
}

/** Outcome of routing one login. */
export type ProxyLoginRoute =
  | { ok: true; user: string; endpoint: StoreEndpoint }
  | {
      ok: false;
      /**
       * auth: wrong credentials; disabled: right password, mailbox off; held/unavailable: try
       * later; limit: the user has too many sessions from this address.
       */
      kind: 'auth' | 'disabled' | 'held' | 'unavailable' | 'limit';
      message: string;
    };

/** Checks a login and finds where to send it. Never rejects. */
export async function routeLogin(
  routing: ProxyRouting,
  login: string,
  password: string,
  clientAddress: string,
  service: 'imap' | 'pop3',
): Promise<ProxyLoginRoute> {
  const checked = await routing.authenticator.authenticate(login, password, clientAddress);
  if (!checked.ok) {
    switch (checked.reason) {
      case 'invalid-credentials':
        return { ok: false, kind: 'auth', message: checked.message };
      case 'disabled':
        return { ok: false, kind: 'disabled', message: checked.message };
      case 'moving':
        return { ok: false, kind: 'held', message: checked.message };
      default:
        return { ok: false, kind: 'unavailable', message: checked.message };
    }
  }
  if (routing.holds.has(checked.user)) {
    return {
      ok: false,
      kind: 'held',
      message: `the mailbox ${checked.user} is being moved: try again shortly`,
    };
  }
  // Checked at login: logins in flight at the same moment may pass together (as in Dovecot).
  if (routing.sessionsOf(checked.user, clientAddress) >= routing.maxSessionsPerUserAddress) {
    return {
      ok: false,
      kind: 'limit',
      message: `maximum number of connections from user+IP exceeded (${routing.maxSessionsPerUserAddress}): close some and try again`,
    };
  }
  try {
    const endpoint = await routing.locator.locate(checked.mailHost, service);
    return { ok: true, user: checked.user, endpoint };
  } catch (error) {
    const message =
      error instanceof StoreLocationError
        ? error.message
        : 'the directory cannot be reached: try again later';
    return { ok: false, kind: 'unavailable', message };
  }
}
