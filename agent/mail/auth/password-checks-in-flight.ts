/**
 * Identical password checks in flight share one directory search and one bind: a mail client that
 * opens several connections at once costs one check, not one per connection. They are keyed by the
 * login name and a keyed digest of the password (HMAC-SHA-256 with a key made here and never
 * stored), never by the password itself.
 */
import { createHmac, randomBytes } from 'node:crypto';

/** The checks under way, by login and password digest. */
export class PasswordChecksInFlight<T> {
  private readonly key = randomBytes(32);
  private readonly pending = new Map<string, Promise<T>>();

  /** The check of `login` with `password` under way, or `check()` started now. `check` must not reject. */
  run(login: string, password: string, check: () => Promise<T>): Promise<T> {
    const key = `${login}\0${createHmac('sha256', this.key).update(password, 'utf8').digest('hex')}`;
    let pending = this.pending.get(key);
    if (!pending) {
      pending = check();
      this.pending.set(key, pending);
      void pending.finally(() => this.pending.delete(key));
    }
    return pending;
  }
}
