/**
 * LDAP routing of the director. At RCPT, `expand` turns an address into local mailboxes (users by
 * mail and mailLocalAddress, aliases and groups expanded, mailRoutingAddress followed) or remote
 * addresses; at each delivery attempt, `route` resolves a mailbox's mailHost (a logical store) to
 * the node serving that store now and that node's `lmtp` endpoint, and a remote address to its
 * domain's outbound queue `smtp:<domain>` (MX lookup at delivery, outbound/mx-transport.ts). Lookups are cached with a TTL,
 * misses too (shorter), and `invalidate` drops what a directory change made stale.
 */
import type { Clock } from '../../../common/clock.js';
import type { FleetDirectory } from '../../../common/directory/fleet-directory.js';
import type {
  LogicalStoreEntry,
  MailAliasEntry,
  MailGroupEntry,
  MailUserEntry,
  ServerEntry,
} from '../../../common/directory/fleet-entries.js';
import type { RouteDecision } from '../queue/delivery-transport.js';
import type { ForwardedCopy, RecipientExpansion, RouteInvalidation } from './recipient-expansion.js';
import { TtlCache } from './ttl-cache.js';

/** The directory reads routing needs. */
export type RoutingDirectory = Pick<
  FleetDirectory,
  | 'findUserByAddress'
  | 'listLogicalStores'
  | 'getServer'
  | 'listDomains'
  | 'listAliases'
  | 'listGroups'
  | 'searchUsers'
>;

/** Options of a RecipientRouter. */
export interface RecipientRouterOptions {
  directory: RoutingDirectory;
  clock: Clock;
  /** How long a found entry is reused (default 60 s). */
  ttlMs?: number;
  /** How long a miss is reused (default 10 s). */
  negativeTtlMs?: number;
  /** Entries per cache (default 50,000). */
  maxEntries?: number;
  /**
   * Port of outbound SMTP to remote domains' MX hosts (25 on the internet; the lab and tests use a
   * loopback port). Absent, remote recipients are deferred: there is no outbound transport.
   */
  outboundPort?: number;
}

// Alias chains deeper than this are a loop or a mistake; RFC 5321 hop counting would stop them later anyway.
const maxExpansionDepth = 8;

type Lookup<T> = { found: T | undefined };

/** Directory-driven recipient routing with caches. */
export class RecipientRouter {
  private readonly users: TtlCache<Lookup<MailUserEntry>>;
  private readonly domainLists: TtlCache<{
    aliases: MailAliasEntry[];
    groups: MailGroupEntry[];
    users: MailUserEntry[];
  }>;
  private readonly general: TtlCache<unknown>;
  private readonly ttlMs: number;
  private readonly negativeTtlMs: number;

  constructor(private readonly options: RecipientRouterOptions) {
    const max = options.maxEntries ?? 50_000;
    this.users = new TtlCache(options.clock, max);
    this.domainLists = new TtlCache(options.clock, 1_000);
    this.general = new TtlCache(options.clock, 1_000);
    this.ttlMs = options.ttlMs ?? 60_000;
    this.negativeTtlMs = options.negativeTtlMs ?? 10_000;
  }

  /** Whether mail for this domain is ours (a mail domain of the directory). */
  async isLocalDomain(domain: string): Promise<boolean> {
    const names = await this.cached('domains', async () =>
      (await this.options.directory.listDomains()).map((d) => d.name.toLowerCase()),
    );
    return names.includes(domain.toLowerCase());
  }

  /** Expands an RCPT address into local mailboxes and remote addresses. */
  async expand(address: string): Promise<RecipientExpansion> {
    const mailboxes = new Set<string>();
    const remote = new Set<string>();
    const forwards: ForwardedCopy[] = [];
    const result = await this.expandInto(address.toLowerCase(), 0, new Set(), mailboxes, remote, forwards);
    if (result !== 'ok') return { kind: result };
    return {
      kind: 'targets',
      mailboxes: [...mailboxes],
      remote: [...remote],
      ...(forwards.length > 0 ? { forwards } : {}),
    };
  }

  /** The user entry of a local address (cached), for the delivery rules; undefined when none. */
  findUser(address: string): Promise<MailUserEntry | undefined> {
    return this.user(address.toLowerCase());
  }

  /** Where a recipient's mail goes now: a local mailbox's store, or the remote domain's `smtp:<domain>` queue. */
  async route(mailbox: string): Promise<RouteDecision> {
    const address = mailbox.toLowerCase();
    const domain = domainOf(address);
    if (!(await this.isLocalDomain(domain))) {
      const port = this.options.outboundPort;
      if (port === undefined)
        return { kind: 'defer', reason: '4.4.3 no outbound transport configured for remote domains' };
      // The MX hosts are looked up by the transport at each attempt; the queue key is per domain.
      return {
        kind: 'deliver',
        destination: { key: `smtp:${domain}`, protocol: 'smtp', host: domain, port },
      };
    }
    const user = await this.user(address);
    if (!user) return { kind: 'bounce', reason: '5.1.1 mailbox no longer in the directory' };
    if (user.mailboxState === 'disabled') return { kind: 'bounce', reason: '5.2.1 mailbox disabled' };
    const stores = await this.cached('stores', () => this.options.directory.listLogicalStores());
    const store = stores.find((s: LogicalStoreEntry) => s.name.toLowerCase() === user.mailHost.toLowerCase());
    if (!store) return { kind: 'defer', reason: `4.3.5 logical store ${user.mailHost} not in the directory` };
    const server = await this.cached<ServerEntry | undefined>(`server:${store.servedBy}`, () =>
      this.options.directory.getServer(store.servedBy),
    );
    const endpoint = parseHostPort(server?.endpoints.lmtp);
    if (!endpoint)
      return { kind: 'defer', reason: `4.3.5 node ${store.servedBy} publishes no lmtp endpoint` };
    return {
      kind: 'deliver',
      destination: { key: `lmtp:${store.servedBy}`, logicalStore: store.name, protocol: 'lmtp', ...endpoint },
    };
  }

  /** Drops cached lookups a directory change made stale. */
  invalidate(what: RouteInvalidation): void {
    if ('user' in what) {
      const user = what.user.toLowerCase();
      this.users.deleteWhere((key, value) => key === user || value.found?.mail.toLowerCase() === user);
      // The user may be an alias or group member under the same domain.
      this.domainLists.delete(domainOf(user));
    } else if ('domain' in what) {
      const domain = what.domain.toLowerCase();
      this.users.deleteWhere((key) => domainOf(key) === domain);
      this.domainLists.delete(domain);
      this.general.delete('domains');
    } else {
      this.general.delete('stores');
      this.general.deleteWhere((key) => key.startsWith('server:'));
    }
  }

  private async expandInto(
    address: string,
    depth: number,
    seen: Set<string>,
    mailboxes: Set<string>,
    remote: Set<string>,
    forwards: ForwardedCopy[],
  ): Promise<'ok' | 'unknown' | 'disabled'> {
    if (seen.has(address) || depth > maxExpansionDepth) return 'ok';
    seen.add(address);
    const domain = domainOf(address);
    if (!(await this.isLocalDomain(domain))) {
      remote.add(address);
      return 'ok';
    }
    const user = await this.user(address);
    if (user) {
      if (user.mailboxState === 'disabled') return 'disabled';
      if (user.mailRoutingAddress) {
        return this.expandInto(
          user.mailRoutingAddress.toLowerCase(),
          depth + 1,
          seen,
          mailboxes,
          remote,
          forwards,
        );
      }
      const forwardTo = user.selfService?.forwardTo ?? [];
      if (forwardTo.length === 0 || user.selfService?.keepCopy) mailboxes.add(user.mail.toLowerCase());
      if (forwardTo.length > 0) await this.expandForward(user, forwardTo, depth, seen, mailboxes, forwards);
      return 'ok';
    }
    const lists = await this.domainEntries(domain);
    const alias = lists.aliases.find((a) => a.mail.toLowerCase() === address);
    const targets = alias
      ? alias.forwardTo
      : lists.groups
          .find((g) => g.mail.toLowerCase() === address)
          ?.memberDns.map((dn) => lists.users.find((u) => u.dn.toLowerCase() === dn.toLowerCase())?.mail)
          .filter((mail): mail is string => mail !== undefined);
    if (!targets) return 'unknown';
    for (const target of targets) {
      // A disabled or vanished member of a list does not refuse the whole list.
      await this.expandInto(target.toLowerCase(), depth + 1, seen, mailboxes, remote, forwards);
    }
    return 'ok';
  }

  /**
   * A user's self-service forwarding: its targets expanded into a copy of their own. A chain that
   * comes back (to this user or one before it) is cut where it returns; when nothing is left to
   * forward to, the mail is stored in the user's mailbox rather than lost.
   */
  private async expandForward(
    user: MailUserEntry,
    forwardTo: readonly string[],
    depth: number,
    seen: Set<string>,
    mailboxes: Set<string>,
    forwards: ForwardedCopy[],
  ): Promise<void> {
    const copyMailboxes = new Set<string>();
    const copyRemote = new Set<string>();
    // The user's other addresses are the user: forwarding to them is a loop as well.
    for (const own of [user.mail, ...user.mailLocalAddress]) seen.add(own.toLowerCase());
    // A local target that forwards on makes a copy of its own (marked with its own Delivered-To).
    const copiesBefore = forwards.length;
    for (const target of forwardTo)
      await this.expandInto(target.toLowerCase(), depth + 1, seen, copyMailboxes, copyRemote, forwards);
    copyMailboxes.delete(user.mail.toLowerCase());
    if (copyMailboxes.size === 0 && copyRemote.size === 0) {
      if (forwards.length > copiesBefore) return;
      mailboxes.add(user.mail.toLowerCase());
      return;
    }
    forwards.push({ owner: user.mail.toLowerCase(), mailboxes: [...copyMailboxes], remote: [...copyRemote] });
  }

  private async user(address: string): Promise<MailUserEntry | undefined> {
    const hit = this.users.get(address);
    if (hit) return hit.found;
    const found = await this.options.directory.findUserByAddress(address);
    this.users.set(address, { found }, found ? this.ttlMs : this.negativeTtlMs);
    return found;
  }

  private async domainEntries(domain: string) {
    const hit = this.domainLists.get(domain);
    if (hit) return hit;
    const [aliases, groups] = await Promise.all([
      this.options.directory.listAliases(domain),
      this.options.directory.listGroups(domain),
    ]);
    // Group members are user DNs; the domain's users map them to addresses.
    const users = groups.length > 0 ? await this.options.directory.searchUsers({ domain }) : [];
    const lists = { aliases, groups, users };
    this.domainLists.set(domain, lists, this.ttlMs);
    return lists;
  }

  private async cached<T>(key: string, read: () => Promise<T>): Promise<T> {
    const hit = this.general.get(key);
    if (hit !== undefined) return hit as T;
    const value = await read();
    this.general.set(key, value, value === undefined ? this.negativeTtlMs : this.ttlMs);
    return value;
  }
}

/** The domain part of an address, lower case. */
export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

/** Parses `host:port` (IPv6 as `[::1]:24`); undefined when malformed. */
export function parseHostPort(value: string | undefined): { host: string; port: number } | undefined {
  const match = value?.match(/^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/);
  if (!match) return undefined;
  const port = Number(match[3]);
  if (port < 1 || port > 65_535) return undefined;
  return { host: (match[1] ?? match[2]) as string, port };
}
