/**
 * What the store's mail services read from the directory about users: the user entry for an
 * address, whether its logical store is served by this node, and its quota (own `mailfleetQuota`,
 * else the domain's default). Shared by the login check and the LMTP recipient lookup.
 *
 * The list of logical stores and the domain defaults change rarely (failover rewrites a store
 * entry): they are read at most every `refreshMs` (default 30 s), by one read shared by every
 * caller, and a failed refresh keeps the previous answer so a directory hiccup does not refuse
 * every login.
 */
import type { Clock } from '../../common/clock.js';
import type { FleetDirectory } from '../../common/directory/fleet-directory.js';
import type { MailUserEntry } from '../../common/directory/fleet-entries.js';

/** The part of the directory the store's mail services use. */
export type StoreUserSource = Pick<
  FleetDirectory,
  'findUserByAddress' | 'verifyPassword' | 'listLogicalStores' | 'listDomains'
>;

/** Options of {@link StoreUsers}. */
export interface StoreUsersOptions {
  directory: StoreUserSource;
  /** This node's name (`mailfleetServedBy` of the stores it serves). */
  node: string;
  clock: Clock;
  /** How long the store list and domain defaults are reused. Default 30 s. */
  refreshMs?: number;
}

interface Snapshot<T> {
  value: T;
  readAt: number;
}

/** A user as the store's services need them. */
export interface StoreUser {
  entry: MailUserEntry;
  /** Primary address, lower case: the mailbox name. */
  user: string;
  /** Effective quota in bytes; 0 = unlimited. */
  quotaBytes: number;
  /** Whether `entry.mailHost` is a logical store this node serves now. */
  servedHere: boolean;
}

/** Directory reads of one store node, with the slow-changing parts cached. */
export class StoreUsers {
  private stores: Snapshot<Set<string>> | undefined;
  private domains: Snapshot<Map<string, number>> | undefined;
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(private readonly options: StoreUsersOptions) {}

  /** The directory this reads from (for the password check). */
  get directory(): StoreUserSource {
    return this.options.directory;
  }

  /** The user whose `mail` or `mailLocalAddress` is `address`, with quota and placement. */
  async find(address: string): Promise<StoreUser | undefined> {
    const entry = await this.options.directory.findUserByAddress(address);
    if (!entry) return undefined;
    const [served, quotaBytes] = await Promise.all([this.servedStores(), this.quotaOf(entry)]);
    return { entry, user: entry.mail.toLowerCase(), quotaBytes, servedHere: served.has(entry.mailHost) };
  }

  /** Logical stores this node serves now (from `mailfleetServedBy`). */
  async servedStores(): Promise<Set<string>> {
    this.stores = await this.fresh('stores', this.stores, async () => {
      const all = await this.options.directory.listLogicalStores();
      return new Set(all.filter((store) => store.servedBy === this.options.node).map((store) => store.name));
    });
    return this.stores.value;
  }

  /** Reads the store list and domain defaults again at the next use (after a failover, in tests). */
  invalidate(): void {
    this.stores = undefined;
    this.domains = undefined;
  }

  private async quotaOf(entry: MailUserEntry): Promise<number> {
    if (entry.quotaBytes !== undefined && entry.quotaBytes > 0) return entry.quotaBytes;
    this.domains = await this.fresh('domains', this.domains, async () => {
      const all = await this.options.directory.listDomains();
      return new Map(all.map((domain) => [domain.name, domain.defaultQuotaBytes ?? 0]));
    });
    const domain = entry.mail.slice(entry.mail.lastIndexOf('@') + 1).toLowerCase();
    return this.domains.value.get(domain) ?? 0;
  }

  private async fresh<T>(
    key: string,
    current: Snapshot<T> | undefined,
    read: () => Promise<T>,
  ): Promise<Snapshot<T>> {
    const now = this.options.clock.now();
    if (current && now - current.readAt < (this.options.refreshMs ?? 30_000)) return current;
    let pending = this.inFlight.get(key) as Promise<Snapshot<T>> | undefined;
    if (!pending) {
      pending = read().then((value) => ({ value, readAt: this.options.clock.now() }));
      this.inFlight.set(key, pending);
      void pending.finally(() => this.inFlight.delete(key)).catch(() => undefined);
    }
    try {
      return await pending;
    } catch (error) {
      // A stale answer beats refusing every login while the directory has a hiccup.
      if (current) return current;
      throw error;
    }
  }
}
