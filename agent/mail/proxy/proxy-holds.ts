/**
 * Users held for a mailbox cutover: while held, proxy logins are refused with a temporary answer
 * (`NO [UNAVAILABLE]`, `-ERR [IN-USE]`). One set can be shared by the IMAP and POP3 proxies.
 */

/** The held users, by primary address (lower case). */
export class ProxyHolds {
  private readonly users = new Set<string>();

  /** Holds `user`'s logins. Existing sessions are not closed: kick them (the proxies' `kick`). */
  hold(user: string): void {
    this.users.add(user.toLowerCase());
  }

  /** Lets `user` log in again; returns whether they were held. */
  release(user: string): boolean {
    return this.users.delete(user.toLowerCase());
  }

  /** Whether `user` is held. */
  has(user: string): boolean {
    return this.users.has(user.toLowerCase());
  }

  /** Held users, sorted. */
  list(): string[] {
    return [...this.users].sort();
  }
}
