/**
 * Open connections per client address, with a cap: one address's flood must not use up a server's
 * global connection limit and lock everyone else out. Postfix's anvil does this for smtpd
 * (`smtpd_client_connection_count_limit`, default 50); the director's proxy uses it before login
 * (after login Dovecot-style per user+address counting applies, proxy-sessions.ts), the director's
 * and the gateway's SMTP listeners for every connection.
 *
 * Keys are the address as text, with IPv4-mapped IPv6 (`::ffff:a.b.c.d`) folded to IPv4. Memory is
 * one entry per address with connections open now.
 */

/** The key of a client address: IPv4-mapped IPv6 counts as the IPv4 address. */
export function clientAddressKey(address: string | undefined): string {
  return (address ?? 'unknown').replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1').toLowerCase();
}

/** Counts of open connections per client address. */
export class AddressConnectionLimit {
  private readonly open = new Map<string, number>();

  /** `max`: connections one address may hold at once. */
  constructor(readonly max: number) {}

  /**
   * Takes a slot for `address`; returns the function that gives it back (idempotent), or undefined
   * when the address already holds `max` connections.
   */
  acquire(address: string | undefined): (() => void) | undefined {
    const key = clientAddressKey(address);
    const count = this.open.get(key) ?? 0;
    if (count >= this.max) return undefined;
    this.open.set(key, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(key) ?? 1) - 1;
      if (left <= 0) this.open.delete(key);
      else this.open.set(key, left);
    };
  }

  /** Connections `address` holds now. */
  count(address: string | undefined): number {
    return this.open.get(clientAddressKey(address)) ?? 0;
  }
}
