/**
 * The password-guessing guard of one agent: a throttle per login name and one per client address
 * (login-throttle.ts), shared by every password check the node makes (a store's IMAP and POP3, the
 * director's proxy logins and SMTP AUTH), as Dovecot's auth process keeps one penalty table for all
 * its services. Guessing through SMTP AUTH therefore also slows IMAP for that user and address.
 *
 * The helpdesk sees who is throttled (`auth.lockouts`) and may lift it (`auth.unlock`); the node's
 * `login_lockouts` counter feeds the dashboard's alarm.
 */
import type { Clock } from '../../common/clock.js';
import {
  addressThrottlePolicy,
  LoginThrottle,
  type LoginThrottlePolicy,
  type ThrottledKey,
  userThrottlePolicy,
} from './login-throttle.js';

/** What a lockout is about: a login name, or a client address. */
export type LockoutKind = 'user' | 'address';

/** One login name or client address that must wait now. */
export interface LoginLockout extends ThrottledKey {
  kind: LockoutKind;
}

/** Options of {@link LoginGuard}. */
export interface LoginGuardOptions {
  clock: Clock;
  userPolicy?: LoginThrottlePolicy;
  addressPolicy?: LoginThrottlePolicy;
}

/** How an authenticator gets its guard: the node's shared one, else one of its own from policies. */
export interface LoginGuardChoice {
  clock: Clock;
  /** The node's shared guard (AgentRuntime.loginGuard). */
  guard?: LoginGuard;
  userThrottle?: LoginThrottlePolicy;
  addressThrottle?: LoginThrottlePolicy;
}

/** The guard `choice` names, or a new one from its policies (tests, tools without an agent). */
export function loginGuardOf(choice: LoginGuardChoice): LoginGuard {
  return (
    choice.guard ??
    new LoginGuard({
      clock: choice.clock,
      ...(choice.userThrottle ? { userPolicy: choice.userThrottle } : {}),
      ...(choice.addressThrottle ? { addressPolicy: choice.addressThrottle } : {}),
    })
  );
}

/** Per-user and per-address throttles of failed password checks. */
export class LoginGuard {
  private readonly perUser: LoginThrottle;
  private readonly perAddress: LoginThrottle;

  constructor(options: LoginGuardOptions) {
    this.perUser = new LoginThrottle(options.userPolicy ?? userThrottlePolicy, options.clock);
    this.perAddress = new LoginThrottle(options.addressPolicy ?? addressThrottlePolicy, options.clock);
  }

  /** Milliseconds before `login` from `clientAddress` may be tried again; 0 when it may now. */
  retryAfterMs(login: string, clientAddress: string): number {
    return Math.max(this.perUser.retryAfterMs(login), this.perAddress.retryAfterMs(clientAddress));
  }

  /** Records a failed check (unknown user or wrong password). */
  failed(login: string, clientAddress: string): void {
    this.perUser.fail(login);
    this.perAddress.fail(clientAddress);
  }

  /**
   * Records a success: only the user's record is cleared, so an attacker who owns one account
   * cannot wipe their address's failures by logging in to it between guesses.
   */
  succeeded(login: string): void {
    this.perUser.clear(login);
  }

  /** Login names and client addresses that must wait now, locked ones first; at most `limit`. */
  lockouts(limit = 1000): LoginLockout[] {
    const users = this.perUser.throttled(limit).map((key) => ({ kind: 'user' as const, ...key }));
    const addresses = this.perAddress.throttled(limit).map((key) => ({ kind: 'address' as const, ...key }));
    return [...users, ...addresses]
      .sort((a, b) => Number(b.locked) - Number(a.locked) || b.until - a.until)
      .slice(0, limit);
  }

  /** Forgets the failures of a login name or a client address; whether it had any. */
  unlock(kind: LockoutKind, key: string): boolean {
    const throttle = kind === 'user' ? this.perUser : this.perAddress;
    const had = throttle.failureCount(key) > 0;
    throttle.clear(key);
    return had;
  }

  /** Login names and client addresses locked now (not those only delayed). */
  lockedCount(): number {
    return this.perUser.lockedCount() + this.perAddress.lockedCount();
  }
}
