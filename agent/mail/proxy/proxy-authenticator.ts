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
import { createHmac, randomBytes } from 'node:crypto';
import type { Clock } from '../../daemon/clock.js';
import type { FleetDirectory } from '../../directory/fleet-directory.js';
import type { MailUserEntry } from '../../directory/fleet-entries.js';
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

/** What the directory said: the user (if any) and whether the password is theirs. */
type Verification = { entry: MailUserEntry | undefined; matches: boolean } | 'unavailable';

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
  private readonly verifying = new Map<string, Promise<Verification>>();
  /** Key of the in-flight digests; made here, never stored. */
  private readonly key = randomBytes(32);

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
    const checked = await this.verify(name, password);
    if (checked === 'unavailable')
      return refuse('unavailable', 'the directory cannot be reached: try again later');
    const { entry, matches } = checked;
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

  /**
   * Asks the directory. Identical attempts in flight (a client opening several connections at
   * once) share one search and one bind; they are keyed by a digest, never by the password.
   */
  private verify(name: string, password: string): Promise<Verification> {
    const key = `${name}\0${createHmac('sha256', this.key).update(password, 'utf8').digest('hex')}`;
    let pending = this.verifying.get(key);
    if (!pending) {
      pending = (async (): Promise<Verification> => {
        try {
          const entry = await this.options.directory.findUserByAddress(name);
          // An unknown user costs a bind too, so both cases take alike long.
          const matches = await this.options.directory.verifyPassword(entry?.mail ?? name, password);
          return { entry, matches };
        } catch {
          return 'unavailable';
        }
      })();
      this.verifying.set(key, pending);
      void pending.finally(() => this.verifying.delete(key));
    }
    return pending;
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
