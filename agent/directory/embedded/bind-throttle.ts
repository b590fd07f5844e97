/**
 * Throttling of simple binds in the embedded directory, per DN and per client address, with the
 * fleet's one throttle implementation (agent/mail/auth/login-throttle.ts): per DN as slapd's
 * shipped password policy locks (10 failures in 15 minutes, 5 minutes), per client address with
 * the mail logins' per-address curve (free failures, growing delays, then a lock).
 *
 * A bind that must wait is answered exactly like a wrong password, invalidCredentials (49), and
 * its password is not checked, as slapd's ppolicy answers a locked account (without
 * `ppolicy_use_lockout`): a guesser learns nothing from the answer, not even that it is locked,
 * and the right password found during a lock is refused too. Such binds are counted, and a DN or
 * address reaching its lock is reported once (for the log). The fleet's own nodes are not
 * throttled per address (fleet-addresses.ts says why); every DN is, nodes' included.
 */
import type { Clock } from '../../common/clock.js';
import {
  addressThrottlePolicy,
  LoginThrottle,
  type LoginThrottlePolicy,
} from '../../mail/auth/login-throttle.js';
import { passwordPolicy } from '../slapd/database-rules.js';
import type { FleetAddresses } from './fleet-addresses.js';

/** A DN or client address that must wait before its next bind is even checked. */
export interface BindLockout {
  kind: 'dn' | 'address';
  /** The DN as the client wrote it (first seen), or the client address. */
  key: string;
  /** Failed binds within the throttle's window. */
  failures: number;
  /** Milliseconds until a bind is checked again. */
  retryAfterMs: number;
  /** Locked (enough failures for the lock), not only slowed down. */
  locked: boolean;
}

/** What the throttle reports for the log (never a password). */
export type BindThrottleEvent =
  | { type: 'locked'; kind: 'dn' | 'address'; key: string; failures: number; lockMs: number }
  | { type: 'throttled'; dn: string; address: string; retryAfterMs: number };

/**
 * Per DN by default: what slapd's shipped password policy does (slapd/database-rules.ts), no
 * delays, locked 5 minutes by the 10th failure within 15 minutes. Not the mail logins' curve with
 * its delays from the 4th failure: the stores and the director throttle each user that way in
 * front of the directory already, on their own clocks, and one user's typos on two of them must
 * not make the directory refuse the right password a store has just let through.
 */
export const dnThrottlePolicy: LoginThrottlePolicy = {
  windowMs: passwordPolicy.failureCountIntervalSeconds * 1000,
  freeFailures: passwordPolicy.maxFailures - 1,
  baseDelayMs: 0,
  maxDelayMs: 0,
  lockAfterFailures: passwordPolicy.maxFailures,
  lockMs: passwordPolicy.lockoutDurationSeconds * 1000,
  maxKeys: 50_000,
};

/** Tuning of the bind throttle. */
export interface BindThrottleOptions {
  /** Per DN; default {@link dnThrottlePolicy}. */
  perDn?: LoginThrottlePolicy;
  /** Per client address; default the mail logins' per-address policy (30 failures in 15 min). */
  perAddress?: LoginThrottlePolicy;
}

/** Counts since start, for metrics. */
export interface BindCounts {
  failed: number;
  throttled: number;
}

/** Per-DN and per-address throttle of binds. */
export class BindThrottle {
  private readonly perDn: LoginThrottle;
  private readonly perAddress: LoginThrottle;
  private readonly dnPolicy: LoginThrottlePolicy;
  private readonly addressPolicy: LoginThrottlePolicy;
  /** Keys with failures, for the lockout list: DN key -> DN as written; Map order = oldest first. */
  private readonly failedDns = new Map<string, string>();
  private readonly failedAddresses = new Set<string>();
  readonly counts: BindCounts = { failed: 0, throttled: 0 };

  constructor(
    options: BindThrottleOptions,
    clock: Clock,
    private readonly fleet: FleetAddresses,
    private readonly onEvent: (event: BindThrottleEvent) => void = () => {},
  ) {
    this.dnPolicy = options.perDn ?? dnThrottlePolicy;
    this.addressPolicy = options.perAddress ?? addressThrottlePolicy;
    this.perDn = new LoginThrottle(this.dnPolicy, clock);
    this.perAddress = new LoginThrottle(this.addressPolicy, clock);
  }

  /**
   * Milliseconds the bind of `dnKey` from `address` must still wait (0: check it now). A bind
   * that must wait is counted and reported; the caller answers it 49 without checking it.
   */
  waitBeforeBind(dnKey: string, dn: string, address: string): number {
    const wait = Math.max(
      this.perDn.retryAfterMs(dnKey),
      this.fleet.isFleetNode(address) ? 0 : this.perAddress.retryAfterMs(address),
    );
    if (wait > 0) {
      this.counts.throttled++;
      this.onEvent({ type: 'throttled', dn, address, retryAfterMs: wait });
    }
    return wait;
  }

  /** Records a failed bind (wrong password, or no such entry). */
  failed(dnKey: string, dn: string, address: string): void {
    this.counts.failed++;
    this.perDn.fail(dnKey);
    if (!this.failedDns.has(dnKey)) this.remember(this.failedDns, dnKey, dn);
    this.reportLock('dn', dn, this.perDn.failureCount(dnKey), this.dnPolicy);
    if (this.fleet.isFleetNode(address)) return;
    this.perAddress.fail(address);
    if (!this.failedAddresses.has(address)) {
      this.failedAddresses.add(address);
      if (this.failedAddresses.size > this.addressPolicy.maxKeys) this.dropOldest(this.failedAddresses);
    }
    this.reportLock('address', address, this.perAddress.failureCount(address), this.addressPolicy);
  }

  /** Records a successful bind: the DN's failures are forgotten, the address's are not. */
  succeeded(dnKey: string): void {
    // An attacker who owns one entry must not wipe its address's failures by binding as it.
    this.perDn.clear(dnKey);
    this.failedDns.delete(dnKey);
  }

  /**
   * Forgets the failures of a DN (as the lockout list shows it) or a client address, so its next
   * bind is checked at once (the helpdesk's `auth.unlock`); whether it had any.
   */
  unlock(kind: BindLockout['kind'], key: string): boolean {
    if (kind === 'address') {
      const had = this.perAddress.failureCount(key) > 0;
      this.perAddress.clear(key);
      this.failedAddresses.delete(key);
      return had;
    }
    let had = false;
    for (const [dnKey, shown] of [...this.failedDns]) {
      if (shown !== key) continue;
      had = had || this.perDn.failureCount(dnKey) > 0;
      this.perDn.clear(dnKey);
      this.failedDns.delete(dnKey);
    }
    return had;
  }

  /** DNs and addresses that must wait now, most recently failed last. */
  lockouts(): BindLockout[] {
    const list: BindLockout[] = [];
    const collect = (
      kind: BindLockout['kind'],
      keys: Iterable<[string, string]>,
      throttle: LoginThrottle,
      policy: LoginThrottlePolicy,
      forget: (key: string) => void,
    ) => {
      for (const [key, shown] of keys) {
        const failures = throttle.failureCount(key);
        if (failures === 0) {
          forget(key);
          continue;
        }
        const retryAfterMs = throttle.retryAfterMs(key);
        if (retryAfterMs === 0) continue;
        list.push({ kind, key: shown, failures, retryAfterMs, locked: failures >= policy.lockAfterFailures });
      }
    };
    collect('dn', [...this.failedDns], this.perDn, this.dnPolicy, (key) => this.failedDns.delete(key));
    collect(
      'address',
      [...this.failedAddresses].map((a) => [a, a] as [string, string]),
      this.perAddress,
      this.addressPolicy,
      (key) => this.failedAddresses.delete(key),
    );
    return list;
  }

  private reportLock(kind: BindLockout['kind'], key: string, failures: number, policy: LoginThrottlePolicy) {
    // Reported once, by the failure that reaches the lock.
    if (failures !== policy.lockAfterFailures) return;
    this.onEvent({ type: 'locked', kind, key, failures, lockMs: policy.lockMs });
  }

  private remember(map: Map<string, string>, key: string, shown: string): void {
    map.set(key, shown);
    if (map.size > this.dnPolicy.maxKeys) {
      const oldest = map.keys().next().value;
      if (oldest !== undefined) map.delete(oldest);
    }
  }

  private dropOldest(set: Set<string>): void {
    const oldest = set.values().next().value;
    if (oldest !== undefined) set.delete(oldest);
  }
}
