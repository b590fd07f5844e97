/**
 * Concurrent SMTP connections per client address (Postfix's anvil,
 * `smtpd_client_connection_count_limit`, default 50), for smtp-server listeners: `admit` in
 * onConnect, `release` in onClose. Exempt addresses (the director's trusted networks: the gateway,
 * whose relay pool is one address) are not counted, as Postfix exempts `$mynetworks`.
 */
import type { SMTPServerSession } from 'smtp-server';
import { AddressConnectionLimit } from '../address-connection-limit.js';

/** The per-address connection cap of one SMTP server (all its listeners). */
export class SmtpClientLimit {
  private readonly limit: AddressConnectionLimit;
  private readonly slots = new Map<string, () => void>();

  constructor(
    max: number,
    private readonly exempt: (address: string) => boolean = () => false,
  ) {
    this.limit = new AddressConnectionLimit(max);
  }

  /** Null when the session may go on, else the 421 refusal smtp-server sends before closing. */
  admit(session: SMTPServerSession): Error | null {
    if (this.exempt(session.remoteAddress)) return null;
    const slot = this.limit.acquire(session.remoteAddress);
    if (!slot) {
      return Object.assign(
        new Error(`4.7.0 ${session.remoteAddress}: too many connections from your address; try again later`),
        { responseCode: 421 },
      );
    }
    this.slots.set(session.id, slot);
    return null;
  }

  /** Gives the session's slot back (onClose; nothing for a refused or exempt session). */
  release(session: SMTPServerSession): void {
    this.slots.get(session.id)?.();
    this.slots.delete(session.id);
  }
}
