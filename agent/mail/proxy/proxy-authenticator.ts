/**
 * Logins at the director's IMAP/POP3 proxy, checked against the directory: find the user by any of
 * their addresses, bind as the user to check the password. Unlike the store's MailAuthenticator
 * (auth/mail-authenticator.ts) every logical store is fine here: the proxy's job is to send the
 * user to whichever store holds them. Failed logins are throttled per login name and per client
 * address with the store's throttle, so guessing through the director costs what it costs on a
 * store.
 *
 * Passwords go to the directory bind only; nothing here logs.
 */
import type { Clock } from '../../daemon/clock.js';
import type { FleetDirectory } from '../../directory/fleet-directory.js';
import {
  addressThrottlePolicy,
  LoginThrottle,
  type LoginThrottlePolicy,
  userThrottlePolicy,
} from '../auth/login-throttle.js';

/** The part of the directory the proxy's logins use. */
export type ProxyUserSource = Pick<FleetDirectory, 'findUserByAddress' | 'verifyPassword'>;

/** A user who may be proxied: primary address (lower case) and logical store. */
export interface ProxyLoginSuccess {
  ok: true;
  user: string;
  mailHost: string;
}

/** Why a proxy login was refused. */
export interface ProxyLoginFailure {
  ok: false;
  /** `invalid-credentials` for unknown users and wrong passwords alike. */
  reason: 'invalid-credentials' | 'throttled' | 'disabled' | 'moving' | 'unavailable';
  /** Words for the client; never the password. */
  message: string;
}

/** Outcome of one proxy login. */
export type ProxyLoginResult = ProxyLoginSuccess | ProxyLoginFailure;

/** Options of {@link ProxyAuthenticator}. */
export interface ProxyAuthenticatorOptions {
  directory: ProxyUserSource;
  clock: Clock;
  userThrottle?: LoginThrottlePolicy;
  addressThrottle?: LoginThrottlePolicy;
}

// A client sending a megabyte as a user name or password is not logging in.
const maxLoginLength = 320;
const maxPasswordLength = 1024;

/** Checks proxy logins against the directory, with throttling of failures. */
export class ProxyAuthenticator {
  private readonly perUser: LoginThrottle;
  private readonly perAddress: LoginThrottle;

  constructor(private readonly options: ProxyAuthenticatorOptions) {
    this.perUser = new LoginThrottle(options.userThrottle ?? userThrottlePolicy, options.clock);
    this.perAddress = new LoginThrottle(options.addressThrottle ?? addressThrottlePolicy, options.clock);
  }

  /** Checks one login. Never rejects: a directory failure is `reason: 'unavailable'`. */
  async authenticate(login: string, password: string, clientAddress: string): Promise<ProxyLoginResult> {
    const name = login.trim().toLowerCase();
    const wait = Math.max(this.perUser.retryAfterMs(name), this.perAddress.retryAfterMs(clientAddress));
    if (wait > 0) {
      return refuse('throttled', `too many failed logins: try again in ${Math.ceil(wait / 1000)} s`);
    }
    if (
      name === '' ||
      password === '' ||
      name.length > maxLoginLength ||
      password.length > maxPasswordLength
    ) {
      return this.failed(name, clientAddress);
    }
    let entry: Awaited<ReturnType<ProxyUserSource['findUserByAddress']>>;
    let matches: boolean;
    try {
      entry = await this.options.directory.findUserByAddress(name);
      // An unknown user costs a bind too, so both cases take alike long.
      matches = await this.options.directory.verifyPassword(entry?.mail ?? name, password);
    } catch {
      return refuse('unavailable', 'the directory cannot be reached: try again later');
    }
    if (!entry || !matches) return this.failed(name, clientAddress);
    // Only the user's record is cleared, so owning one account does not wipe an address's failures.
    this.perUser.clear(name);
    const user = entry.mail.toLowerCase();
    // The password was right: saying why the login cannot go on leaks nothing.
    if (entry.mailboxState === 'disabled') return refuse('disabled', `the mailbox ${user} is disabled`);
    if (entry.mailboxState === 'moving')
      return refuse('moving', `the mailbox ${user} is being moved: try again shortly`);
    return { ok: true, user, mailHost: entry.mailHost };
  }

  private failed(name: string, clientAddress: string): ProxyLoginFailure {
    this.perUser.fail(name);
    this.perAddress.fail(clientAddress);
    return refuse('invalid-credentials', 'wrong user name or password');
  }
}

function refuse(reason: ProxyLoginFailure['reason'], message: string): ProxyLoginFailure {
  return { ok: false, reason, message };
}
