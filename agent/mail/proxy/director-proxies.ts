/**
 * The director's two proxies (IMAP and POP3) seen as one: they share the holds and the store
 * locator, so a hold, a kick or an invalidate acts on both. This is what the `proxy.*` RPCs and
 * `route.invalidate` use; the lifecycle module owns the proxies themselves (it rebuilds one on
 * `service.restart`, hence the `running` callback rather than fixed objects).
 */

import type { QuotaUse } from '../../common/quota-use.js';
import type { ProxyHolds } from './proxy-holds.js';
import type { MailProxyServer } from './proxy-server.js';
import type { ProxiedSession } from './proxy-sessions.js';
import type { StoreConnectOptions } from './store-connection.js';
import type { StoreLocator } from './store-locator.js';
import { readQuotaUseAtStore } from './store-quota-use.js';

/** A proxied session with an id unique across both proxies (`imap-3`, `pop3-1`). */
export type DirectorProxySession = Omit<ProxiedSession, 'id'> & { id: string };

/** Holds, sessions and the store cache of the director's IMAP and POP3 proxies together. */
export class DirectorProxies {
  constructor(
    readonly holds: ProxyHolds,
    private readonly locator: StoreLocator,
    /** The proxies listening now (one may be stopped by `service.stop`). */
    private readonly running: () => MailProxyServer[],
    /** How the proxies reach stores (TLS, CA). */
    private readonly storeConnect: StoreConnectOptions = {},
  ) {}

  /**
   * A user's quota use at the node serving its logical store, logged in there with the user's own
   * password as the proxy logs in (the self-service page: a user reads only its own use).
   */
  async quotaUse(
    user: { mail: string; mailHost: string },
    password: string,
    timeoutMs: number,
  ): Promise<QuotaUse> {
    const endpoint = await this.locator.locate(user.mailHost, 'imap');
    return readQuotaUseAtStore(endpoint, user.mail, password, { ...this.storeConnect, timeoutMs });
  }

  /** Relayed sessions of both proxies, optionally of one user only. */
  sessions(user?: string): DirectorProxySession[] {
    const wanted = user?.toLowerCase();
    return this.running()
      .flatMap((proxy) => proxy.sessions())
      .filter((session) => wanted === undefined || session.user === wanted)
      .map((session) => ({ ...session, id: `${session.protocol}-${session.id}` }))
      .sort((a, b) => a.since - b.since);
  }

  /** Closes the user's relayed sessions on both proxies; returns how many. */
  kick(user: string): number {
    return this.running().reduce((closed, proxy) => closed + proxy.kick(user), 0);
  }

  /** Closes every session relayed to a store node on both proxies (a failover fenced it). */
  kickStoreNode(node: string): number {
    return this.running().reduce((closed, proxy) => closed + proxy.kickStoreNode(node), 0);
  }

  /** Refuses the user's logins on both proxies until released (existing sessions stay: kick them). */
  hold(user: string): void {
    this.holds.hold(user);
  }

  /** Lets the user log in again; returns whether they were held. */
  release(user: string): boolean {
    return this.holds.release(user);
  }

  /** Held users, sorted. */
  heldUsers(): string[] {
    return this.holds.list();
  }

  /** Reads the store list and server entries again at the next login (after a flip or failover). */
  invalidate(): void {
    this.locator.invalidate();
  }
}
