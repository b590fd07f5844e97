/**
 * Logins at the director, checked against the directory: the IMAP/POP3 proxy's (docs/proxy.md) and
 * SMTP AUTH on the submission ports (docs/director.md). Find the user by any of their addresses,
 * bind as the user to check the password, refuse disabled mailboxes. Unlike the store's
 * MailAuthenticator (mail-authenticator.ts) every logical store is fine here: the proxy's job is to
 * send the user to whichever store holds them, and anyone may send mail.
 *
 * Failed logins go to the node's LoginGuard (login-guard.ts), the same guard and policies as a
 * store's, so guessing through the director costs what it costs on a store, whichever protocol is
 * used. Passwords go to the directory bind only; nothing here logs.
 */
import type { Clock } from '../../common/clock.js';
import type { FleetDirectory } from '../../common/directory/fleet-directory.js';
import type { MailUserEntry } from '../../common/directory/fleet-entries.js';
import { type LoginGuard, loginGuardOf } from '../auth/login-guard.js';
import type { LoginThrottlePolicy } from '../auth/login-throttle.js';
import { PasswordChecksInFlight } from '../auth/password-checks-in-flight.js';

/** The part of the directory the director's logins use. */
export type DirectorUserSource = Pick<FleetDirectory, 'findUserByAddress' | 'verifyPassword'>;

/** A user who may be proxied or send: primary address (lower case), logical store, own addresses. */
export interface DirectorLoginSuccess {
  ok: true;
  user: string;
  mailHost: string;
  /** `mail` and every `mailLocalAddress`, lower case: the envelope senders this login may use. */
  addresses: string[];
}

/** Why a director login was refused. */
export interface DirectorLoginFailure {
  ok: false;
  /** `invalid-credentials` for unknown users and wrong passwords alike. */
  reason: 'invalid-credentials' | 'throttled' | 'disabled' | 'moving' | 'unavailable';
  /** Words for the client; never the password. */
  message: string;
  /** For `throttled`: how long until another attempt may succeed. */
  retryAfterMs?: number;
}

/** Outcome of one director login. */
export type DirectorLoginResult = DirectorLoginSuccess | DirectorLoginFailure;

/** What the directory said: the user (if any) and whether the password is theirs. */
type Verification = { entry: MailUserEntry | undefined; matches: boolean } | 'unavailable';

/** Options of {@link DirectorAuthenticator}. */
export interface DirectorAuthenticatorOptions {
  directory: DirectorUserSource;
  clock: Clock;
  /** The node's shared guard (AgentRuntime.loginGuard); absent, one of its own from the policies below. */
  guard?: LoginGuard;
  userThrottle?: LoginThrottlePolicy;
  addressThrottle?: LoginThrottlePolicy;
}

// A client sending a megabyte as a user name or password is not logging in.
const maxLoginLength = 320;
const maxPasswordLength = 1024;

/** Checks director logins against the directory, with throttling of failures. */
export class DirectorAuthenticator {
  private readonly guard: LoginGuard;
  private readonly verifying = new PasswordChecksInFlight<Verification>();

  constructor(private readonly options: DirectorAuthenticatorOptions) {
    this.guard = loginGuardOf(options);
  }

  /** Checks one login. Never rejects: a directory failure is `reason: 'unavailable'`. */
  async authenticate(login: string, password: string, clientAddress: string): Promise<DirectorLoginResult> {
    const name = login.trim().toLowerCase();
    const wait = this.guard.retryAfterMs(name, clientAddress);
    if (wait > 0) {
      return {
        ...refuse('throttled', `too many failed logins: try again in ${Math.ceil(wait / 1000)} s`),
        retryAfterMs: wait,
      };
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
    this.guard.succeeded(name);
    const user = entry.mail.toLowerCase();
    // The password was right: saying why the login cannot go on leaks nothing.
    if (entry.mailboxState === 'disabled') return refuse('disabled', `the mailbox ${user} is disabled`);
    if (entry.mailboxState === 'moving')
      return refuse('moving', `the mailbox ${user} is being moved: try again shortly`);
    const addresses = [...new Set([user, ...entry.mailLocalAddress.map((a) => a.toLowerCase())])];
    return { ok: true, user, mailHost: entry.mailHost, addresses };
  }

  /** Asks the directory; identical attempts in flight share one search and one bind. */
  private verify(name: string, password: string): Promise<Verification> {
    return this.verifying.run(name, password, async (): Promise<Verification> => {
      try {
        const entry = await this.options.directory.findUserByAddress(name);
        // An unknown user costs a bind too, so both cases take alike long.
        const matches = await this.options.directory.verifyPassword(entry?.mail ?? name, password);
        return { entry, matches };
      } catch {
        return 'unavailable';
      }
    });
  }

  private failed(name: string, clientAddress: string): DirectorLoginFailure {
    this.guard.failed(name, clientAddress);
    return refuse('invalid-credentials', 'wrong user name or password');
  }
}

function refuse(reason: DirectorLoginFailure['reason'], message: string): DirectorLoginFailure {
  return { ok: false, reason, message };
}
