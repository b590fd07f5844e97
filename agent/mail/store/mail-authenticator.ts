/**
 * Mail logins (IMAP, POP3) checked against the directory: find the user by address, bind as the
 * user to check the password, refuse disabled mailboxes and users of logical stores this node does
 * not serve. Failed logins are throttled per login name and per client address; successes are
 * cached for a short time (see login-cache.ts for what that means for password changes).
 *
 * Passwords never leave this file except to the directory bind; nothing here logs.
 */
import type { Clock } from '../../common/clock.js';
import { type LoginGuard, loginGuardOf } from '../auth/login-guard.js';
import type { LoginThrottlePolicy } from '../auth/login-throttle.js';
import { PasswordChecksInFlight } from '../auth/password-checks-in-flight.js';
import { LoginCache, type LoginCacheOptions } from './login-cache.js';
import type { MailLoginFailure, MailLoginResult, MailLoginSuccess, MayServeStore } from './mail-login.js';
import type { StoreUser, StoreUsers } from './store-users.js';

/** Options of {@link MailAuthenticator}. */
export interface MailAuthenticatorOptions {
  users: StoreUsers;
  clock: Clock;
  cache?: LoginCacheOptions;
  /** The node's shared guard (AgentRuntime.loginGuard); absent, one of its own from the policies below. */
  guard?: LoginGuard;
  userThrottle?: LoginThrottlePolicy;
  addressThrottle?: LoginThrottlePolicy;
  /**
   * The failover fence: a login of a store this node may not serve now is refused as temporary
   * (cached or not), so a fenced node logs nobody in.
   */
  mayServe?: MayServeStore;
  /** Told about every outcome (counters); gets no password. */
  onOutcome?: (outcome: {
    login: string;
    clientAddress: string;
    result: MailLoginResult;
    cached: boolean;
  }) => void;
}

/** What the directory said about a login: the user (if any) and whether the password is theirs. */
type Verification = { user: StoreUser | undefined; matches: boolean } | 'unavailable';

/** Longest login name accepted; longer ones are refused without asking the directory. */
const maxLoginLength = 320;
/** Longest password accepted (a client sending megabytes is not logging in). */
const maxPasswordLength = 1024;

/** Checks mail logins for one store node. */
export class MailAuthenticator {
  private readonly cache: LoginCache;
  private readonly guard: LoginGuard;
  private readonly verifying = new PasswordChecksInFlight<Verification>();

  constructor(private readonly options: MailAuthenticatorOptions) {
    this.cache = new LoginCache(options.clock, options.cache);
    this.guard = loginGuardOf(options);
  }

  /**
   * Checks one login. Never rejects: a directory failure is `{ ok: false, reason: 'unavailable' }`.
   * Bound to the instance, so it can be handed to a protocol server as an `AuthenticateMailLogin`.
   */
  readonly authenticate = async (
    login: string,
    password: string,
    clientAddress: string,
  ): Promise<MailLoginResult> => {
    const name = login.trim().toLowerCase();
    const result = await this.check(name, password, clientAddress);
    const { mayServe } = this.options;
    if (result.result.ok && mayServe && !(await mayServe(result.result.mailHost))) {
      result.result = failure(
        'unavailable',
        `the mail store ${result.result.mailHost} is not served by this node now: try again shortly`,
        5_000,
      );
    }
    this.options.onOutcome?.({ login: name, clientAddress, result: result.result, cached: result.cached });
    return result.result;
  };

  /** Forgets cached logins of a user (kicked, disabled, password reset by an admin). */
  forgetUser(user: string): void {
    this.cache.forgetUser(user.toLowerCase());
  }

  private async check(
    login: string,
    password: string,
    clientAddress: string,
  ): Promise<{ result: MailLoginResult; cached: boolean }> {
    const wait = this.guard.retryAfterMs(login, clientAddress);
    if (wait > 0) {
      return {
        result: failure(
          'throttled',
          `too many failed logins: try again in ${Math.ceil(wait / 1000)} s`,
          wait,
        ),
        cached: false,
      };
    }
    if (
      login === '' ||
      password === '' ||
      login.length > maxLoginLength ||
      password.length > maxPasswordLength
    ) {
      return { result: this.failed(login, clientAddress), cached: false };
    }
    const cached = this.cache.get(login, password);
    if (cached) return { result: this.succeeded(login, clientAddress, cached), cached: true };

    const checked = await this.verify(login, password);
    if (checked === 'unavailable') {
      return {
        result: failure('unavailable', 'the directory cannot be reached: try again later', 5_000),
        cached: false,
      };
    }
    const { user, matches } = checked;
    if (!user || !matches) return { result: this.failed(login, clientAddress), cached: false };

    // From here the password was right: telling the client why it may not log in leaks nothing.
    if (user.entry.mailboxState === 'disabled')
      return { result: failure('disabled', `the mailbox ${user.user} is disabled`), cached: false };
    if (user.entry.mailboxState === 'moving')
      return {
        result: failure('moving', `the mailbox ${user.user} is being moved: try again shortly`, 30_000),
        cached: false,
      };
    if (!user.servedHere) {
      return {
        result: failure(
          'wrong-store',
          `the mailbox ${user.user} is on store ${user.entry.mailHost}, which this node does not serve: connect through the director`,
        ),
        cached: false,
      };
    }
    const success: MailLoginSuccess = {
      ok: true,
      user: user.user,
      quotaBytes: user.quotaBytes,
      mailHost: user.entry.mailHost,
    };
    this.cache.set(login, password, success);
    return { result: this.succeeded(login, clientAddress, success), cached: false };
  }

  /**
   * Asks the directory. Identical attempts in flight (a client opening several connections at
   * once) share one search and one bind.
   */
  private verify(login: string, password: string): Promise<Verification> {
    return this.verifying.run(login, password, async (): Promise<Verification> => {
      try {
        const user = await this.options.users.find(login);
        // An unknown user costs a bind attempt too, so the two cases take alike long.
        const matches = await this.options.users.directory.verifyPassword(
          user?.entry.mail ?? login,
          password,
        );
        return { user, matches: user !== undefined && matches };
      } catch {
        return 'unavailable';
      }
    });
  }

  private failed(login: string, clientAddress: string): MailLoginFailure {
    this.guard.failed(login, clientAddress);
    return failure('invalid-credentials', 'wrong user name or password');
  }

  private succeeded(login: string, _clientAddress: string, success: MailLoginSuccess): MailLoginSuccess {
    this.guard.succeeded(login);
    return success;
  }
}

function failure(
  reason: MailLoginFailure['reason'],
  message: string,
  retryAfterMs?: number,
): MailLoginFailure {
  return { ok: false, reason, message, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
}
