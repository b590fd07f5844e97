/**
 * The proxied sessions of one proxy (IMAP or POP3): who, from where, to which store node, since
 * when, and how to close them (kick before a mailbox cutover, or by an admin).
 */
import { clientAddressKey } from '../protocol/address-connection-limit.js';

/** A proxied session as `sessions()` reports it. */
export interface ProxiedSession {
  id: number;
  protocol: 'imap' | 'pop3';
  /** Primary address, lower case. */
  user: string;
  clientAddress: string;
  /** The store node the session is relayed to. */
  storeNode: string;
  /** ms since the epoch. */
  since: number;
}

interface Entry {
  session: ProxiedSession;
  close: () => void;
}

/** Live proxied sessions of one proxy. */
export class ProxySessionRegistry {
  private readonly entries = new Map<number, Entry>();
  private nextId = 1;

  /** Registers a relayed session; returns the function that unregisters it. */
  add(session: Omit<ProxiedSession, 'id'>, close: () => void): () => void {
    const id = this.nextId++;
    this.entries.set(id, { session: { id, ...session }, close });
    return () => {
      this.entries.delete(id);
    };
  }

  /** Sessions of `user` (primary address, lower case) from `clientAddress` (IPv4-mapped folded). */
  count(user: string, clientAddress: string): number {
    const address = clientAddressKey(clientAddress);
    let count = 0;
    for (const { session } of this.entries.values())
      if (session.user === user && clientAddressKey(session.clientAddress) === address) count++;
    return count;
  }

  /** Snapshots of the sessions, oldest first. */
  list(): ProxiedSession[] {
    return [...this.entries.values()].map((entry) => ({ ...entry.session }));
  }

  /** Closes every session of `user` (any case); returns how many. */
  kick(user: string): number {
    const wanted = user.toLowerCase();
    return this.closeWhere((session) => session.user === wanted);
  }

  /** Closes every session relayed to a store node (a failover fenced it); returns how many. */
  kickStoreNode(node: string): number {
    return this.closeWhere((session) => session.storeNode === node);
  }

  private closeWhere(select: (session: ProxiedSession) => boolean): number {
    let closed = 0;
    for (const [id, entry] of this.entries) {
      if (!select(entry.session)) continue;
      this.entries.delete(id);
      entry.close();
      closed++;
    }
    return closed;
  }

  /** Closes every session (the proxy stops). */
  closeAll(): void {
    for (const entry of this.entries.values()) entry.close();
    this.entries.clear();
  }
}
