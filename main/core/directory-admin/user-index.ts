/**
 * Every user the admin may read, in memory, for instant search across 40,000 users: loaded once
 * with paged searches, then searched by substring of the address, any further address, the display
 * name (Japanese included) or the uid, filtered by domain and logical store, sorted, and cut into
 * windows for a virtualised list. Writes made through `DirectoryAdmin` update it in place; `load()`
 * again picks up what others changed.
 */
import { InvalidDnError, parseDn } from '../../../agent/directory/distinguished-name.js';
import type { FleetDirectory } from '../../../agent/directory/fleet-directory.js';
import type { MailUserEntry } from '../../../agent/directory/fleet-entries.js';
import type { UserSearch, UserSearchResult, UserSortKey, UserSummary } from './directory-admin-contract.js';
import { foldSearchText, foldSortText } from './search-text.js';

interface IndexedUser {
  entry: MailUserEntry;
  summary: UserSummary;
  /** Every searchable text, folded, separated by a character no folded text contains. */
  haystack: string;
  sortKeys: Record<UserSortKey, string>;
}

const separator = '\u0000';

/** The user row of an entry. */
export function toUserSummary(entry: MailUserEntry): UserSummary {
  return {
    mail: entry.mail.toLowerCase(),
    uid: entry.uid,
    displayName: entry.displayName,
    domain: domainOf(entry.mail),
    logicalStore: entry.mailHost,
    aliases: entry.mailLocalAddress.map((a) => a.toLowerCase()),
    forwardTo: entry.mailRoutingAddress ?? null,
    state: entry.mailboxState,
  };
}

/** A DN in a form two spellings of the same DN share (case and escapes), for member lookups. */
export function dnKey(dn: string): string {
  try {
    return parseDn(dn)
      .map((rdn) => rdn.map((part) => `${part.type.toLowerCase()}=${part.value.toLowerCase()}`).join('+'))
      .join(',');
  } catch (error) {
    if (error instanceof InvalidDnError) return dn.toLowerCase();
    throw error;
  }
}

/** The in-memory user index. */
export class UserIndex {
  private readonly users = new Map<string, IndexedUser>();
  /** Every address (primary and further) to the primary address. */
  private readonly addresses = new Map<string, string>();
  private readonly dns = new Map<string, string>();
  /** Users sorted by each key, built when first asked for and kept in order on writes. */
  private readonly orders = new Map<UserSortKey, IndexedUser[]>();
  /** The matches of the last search, so scrolling through one result list costs only its window. */
  private lastMatches: { key: string; matches: IndexedUser[] } | undefined;
  private loading: Promise<number> | undefined;
  private loadedAtMs = 0;

  constructor(private readonly directory: Pick<FleetDirectory, 'searchUsers'>) {}

  /** Users in the index. */
  get size(): number {
    return this.users.size;
  }

  /** When the index was last loaded (ms since the epoch; 0 before the first load). */
  get loadedAt(): number {
    return this.loadedAtMs;
  }

  /** Whether the index has been loaded at least once. */
  get loaded(): boolean {
    return this.loadedAtMs > 0;
  }

  /**
   * Reads every user the bind identity may read (paged searches) and replaces the index. Calls
   * made while a load runs share it.
   */
  load(): Promise<number> {
    this.loading ??= this.readAll().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  /** Loads the index if it has never been loaded. */
  async ensureLoaded(): Promise<void> {
    if (!this.loaded) await this.load();
  }

  /** One window of the users matching a search, and how many matched in all. */
  search(query: UserSearch): UserSearchResult {
    const matches = this.matches(query);
    const { offset, limit } = query;
    const window: UserSummary[] = [];
    for (let i = offset; i < Math.min(matches.length, offset + limit); i++) {
      const user = query.descending ? matches[matches.length - 1 - i] : matches[i];
      if (user) window.push(user.summary);
    }
    return { total: matches.length, offset, users: window, indexed: this.size, loadedAt: this.loadedAtMs };
  }

  /** The user whose primary or further address this is. */
  get(address: string): MailUserEntry | undefined {
    const primary = this.addresses.get(address.toLowerCase());
    return primary === undefined ? undefined : this.users.get(primary)?.entry;
  }

  /** The primary address of the user with this DN. */
  addressOfDn(dn: string): string | undefined {
    return this.dns.get(dnKey(dn));
  }

  /** Users per domain. */
  countByDomain(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const user of this.users.values()) {
      counts.set(user.summary.domain, (counts.get(user.summary.domain) ?? 0) + 1);
    }
    return counts;
  }

  /** Adds a user or replaces it with what the directory now holds. */
  upsert(entry: MailUserEntry): void {
    const mail = entry.mail.toLowerCase();
    this.remove(mail);
    const user = indexed(entry);
    this.add(user);
    for (const [key, order] of this.orders) order.splice(insertionPoint(order, user, key), 0, user);
    this.lastMatches = undefined;
  }

  /** Removes a user (by primary address). */
  remove(address: string): void {
    const mail = address.toLowerCase();
    const user = this.users.get(mail);
    if (!user) return;
    this.users.delete(mail);
    for (const a of [mail, ...user.summary.aliases]) {
      if (this.addresses.get(a) === mail) this.addresses.delete(a);
    }
    this.dns.delete(dnKey(user.entry.dn));
    for (const order of this.orders.values()) {
      const at = order.indexOf(user);
      if (at >= 0) order.splice(at, 1);
    }
    this.lastMatches = undefined;
  }

  private async readAll(): Promise<number> {
    const entries = await this.directory.searchUsers({});
    this.users.clear();
    this.addresses.clear();
    this.dns.clear();
    this.orders.clear();
    this.lastMatches = undefined;
    for (const entry of entries) this.add(indexed(entry));
    this.loadedAtMs = Date.now();
    return this.users.size;
  }

  private add(user: IndexedUser): void {
    const { mail, aliases } = user.summary;
    this.users.set(mail, user);
    for (const a of aliases) this.addresses.set(a, mail);
    // The primary address wins over another user's further address.
    this.addresses.set(mail, mail);
    this.dns.set(dnKey(user.entry.dn), mail);
  }

  private matches(query: UserSearch): IndexedUser[] {
    const text = foldSearchText(query.text);
    const key = [text, query.domain ?? '', query.logicalStore ?? '', query.sort].join(separator);
    if (this.lastMatches?.key === key) return this.lastMatches.matches;
    const matches: IndexedUser[] = [];
    for (const user of this.ordered(query.sort)) {
      if (query.domain !== undefined && user.summary.domain !== query.domain) continue;
      if (query.logicalStore !== undefined && user.summary.logicalStore !== query.logicalStore) continue;
      if (text !== '' && !user.haystack.includes(text)) continue;
      matches.push(user);
    }
    this.lastMatches = { key, matches };
    return matches;
  }

  private ordered(key: UserSortKey): IndexedUser[] {
    let order = this.orders.get(key);
    if (!order) {
      order = [...this.users.values()].sort((a, b) => compareBy(a, b, key));
      this.orders.set(key, order);
    }
    return order;
  }
}

function indexed(entry: MailUserEntry): IndexedUser {
  const summary = toUserSummary(entry);
  const haystack = [summary.mail, ...summary.aliases, summary.displayName, summary.uid]
    .map(foldSearchText)
    .join(separator);
  return {
    entry,
    summary,
    haystack,
    sortKeys: {
      mail: summary.mail,
      displayName: foldSortText(summary.displayName),
      logicalStore: summary.logicalStore.toLowerCase(),
    },
  };
}

// Ties broken by address so the order is total and stable across reloads.
function compareBy(a: IndexedUser, b: IndexedUser, key: UserSortKey): number {
  const x = a.sortKeys[key];
  const y = b.sortKeys[key];
  if (x !== y) return x < y ? -1 : 1;
  const p = a.summary.mail;
  const q = b.summary.mail;
  return p < q ? -1 : p > q ? 1 : 0;
}

function insertionPoint(order: IndexedUser[], user: IndexedUser, key: UserSortKey): number {
  let low = 0;
  let high = order.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareBy(order[middle]!, user, key) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}
