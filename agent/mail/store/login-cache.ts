/**
 * A short memory of successful mail logins, so a client that reconnects every few seconds (or 100
 * logins a second across a store) does not cost an LDAP bind each time.
 *
 * What is kept per login name: a keyed digest of the password (HMAC-SHA-256 with a key made when
 * the cache is made and never stored: the cache holds no password and no reusable hash), the
 * login's result, and its expiry. Bounded in size; least recently stored first out.
 *
 * Staleness, on purpose and documented (docs/store.md): for at most `ttlMs` after a successful
 * login, the same password keeps working on this node without asking the directory, and a changed
 * quota, state or mailHost is not seen. A NEW password is checked against the directory at once
 * (it does not match the cached digest), and when it succeeds it replaces the old entry, so the old
 * password stops working here from that moment.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../common/clock.js';
import type { MailLoginSuccess } from './mail-login.js';

/** Size and lifetime of the cache. */
export interface LoginCacheOptions {
  /** Default 60 s: how long a password change may take to reach a node that cached the old one. */
  ttlMs?: number;
  /** Default 10,000 (a store serves ~1,150 users). */
  maxEntries?: number;
}

interface CachedLogin {
  digest: Buffer;
  result: MailLoginSuccess;
  expiresAt: number;
}

/** Successful logins by login name, for a short time. */
export class LoginCache {
  private readonly entries = new Map<string, CachedLogin>();
  private readonly key = randomBytes(32);
  private readonly ttlMs: number;
  private readonly maxEntries: number;

  constructor(
    private readonly clock: Clock,
    options: LoginCacheOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 60_000;
    this.maxEntries = options.maxEntries ?? 10_000;
  }

  /** The cached result if `login` succeeded with this very password less than `ttlMs` ago. */
  get(login: string, password: string): MailLoginSuccess | undefined {
    const entry = this.entries.get(login);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.clock.now()) {
      this.entries.delete(login);
      return undefined;
    }
    return timingSafeEqual(entry.digest, this.digest(password)) ? entry.result : undefined;
  }

  /** Remembers a success (replacing whatever was cached for this login). */
  set(login: string, password: string, result: MailLoginSuccess): void {
    this.entries.delete(login);
    this.entries.set(login, {
      digest: this.digest(password),
      result,
      expiresAt: this.clock.now() + this.ttlMs,
    });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  /** Forgets a login (its user's password or state changed). */
  forget(login: string): void {
    this.entries.delete(login);
  }

  /** Forgets every login of a user (by primary address), e.g. when an admin kicks or disables them. */
  forgetUser(user: string): void {
    for (const [login, entry] of this.entries) if (entry.result.user === user) this.entries.delete(login);
  }

  get size(): number {
    return this.entries.size;
  }

  private digest(password: string): Buffer {
    return createHmac('sha256', this.key).update(password, 'utf8').digest();
  }
}
