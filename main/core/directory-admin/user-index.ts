/**
 * Every user the admin may read, in memory, for instant search across 40,000 users: loaded once
 * with paged searches, then searched by substring of the address, any further address, the display
 * name (Japanese included) or the uid, filtered by domain and logical store, sorted, and cut into
 * windows for a virtualised list. The reading (kana) is found by hiragana, katakana and romaji. Writes made through `DirectoryAdmin` update it in place; `load()`
 * again picks up what others changed.
 */
import { InvalidDnError, parseDn } from '../../../agent/common/directory/distinguished-name.js';
import type { FleetDirectory } from '../../../agent/common/directory/fleet-directory.js';
import type { MailUserEntry } from '../../../agent/common/directory/fleet-entries.js';
import {
  type UserSearch,
  type UserSearchResult,
  type UserSortKey,
  type UserSummary,
  userSortKeys,
} from './directory-admin-contract.js';
import { foldSearchText, foldSortText, readingSearchTexts } from './search-text.js';

interface IndexedUser {
  entry: MailUserEntry;
  summary: UserSummary;
  /** Every searchable text, folded, separated by a character no folded text contains. */
  haystack: string;
  sortKeys: Record<UserSortKey, string>;
}

/** A write recorded while a load runs. */
type IndexWrite = { upsert: MailUserEntry } | { remove: string };

/** Between the texts of one user, and between users: neither survives {@link foldSearchText}. */
const separator = '\u0000';
const userSeparator = '\u0001';

/** The user row of an entry. */
export function toUserSummary(entry: MailUserEntry): UserSummary {
  return {
    mail: entry.mail.toLowerCase(),
    uid: entry.uid,
    displayName: entry.displayName,
    reading: entry.reading ?? null,
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

/**
 * The users in one sort order, laid out for scanning: every user's folded text joined into one
 * string (so a search is a few `indexOf` calls over contiguous memory instead of 40,000 scattered
 * objects: ten times faster), where each user's text starts, and their domain and store as codes.
 */
interface OrderedView {
  users: IndexedUser[];
  text: string;
  starts: Int32Array;
  domains: Uint16Array;
  stores: Uint16Array;
}

/** The in-memory user index. */
export class UserIndex {
  private readonly users = new Map<string, IndexedUser>();
  /** Every address (primary and further) to the primary address. */
  private readonly addresses = new Map<string, string>();
  /** DN keys to addresses, built on first use (groups) and dropped on writes. */
  private dns: Map<string, string> | undefined;
  /** Users sorted by each key, built when first asked for and kept in order on writes. */
  private readonly orders = new Map<UserSortKey, IndexedUser[]>();
  /** Scan layouts of the orders, rebuilt on the first search after a write. */
  private readonly views = new Map<UserSortKey, OrderedView>();
  private readonly domainCodes = new Map<string, number>();
  private readonly storeCodes = new Map<string, number>();
  /** The matches of the last search, so scrolling through one result list costs only its window. */
  private lastMatches: { key: string; view: OrderedView; matches: Int32Array } | undefined;
  private loading: Promise<number> | undefined;
  private loadedAtMs = 0;
  private rebuildScheduled = false;
  /** Writes made through the index while a load reads the directory. */
  private writesDuringLoad: IndexWrite[] | undefined;

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
    const { view, matches } = this.matches(query);
    const { offset, limit } = query;
    const window: UserSummary[] = [];
    for (let i = offset; i < Math.min(matches.length, offset + limit); i++) {
      const at = matches[query.descending ? matches.length - 1 - i : i];
      const user = at === undefined ? undefined : view.users[at];
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
    if (!this.dns) {
      this.dns = new Map();
      for (const user of this.users.values()) this.dns.set(dnKey(user.entry.dn), user.summary.mail);
    }
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

  /**
   * The quotas given to each domain's users, a user without one of its own counting its domain's
   * default (`defaults`, bytes by domain), as the quota budget counts them (quota-budget.ts).
   */
  quotaGivenByDomain(defaults: ReadonlyMap<string, number>): Map<string, number> {
    const given = new Map<string, number>();
    for (const { entry, summary } of this.users.values()) {
      const own =
        entry.quotaBytes && entry.quotaBytes > 0 ? entry.quotaBytes : (defaults.get(summary.domain) ?? 0);
      given.set(summary.domain, (given.get(summary.domain) ?? 0) + own);
    }
    return given;
  }

  /** Adds a user or replaces it with what the directory now holds. */
  upsert(entry: MailUserEntry): void {
    this.writesDuringLoad?.push({ upsert: entry });
    this.drop(entry.mail);
    const user = indexed(entry);
    this.add(user);
    for (const [key, order] of this.orders) order.splice(insertionPoint(order, user, key), 0, user);
    this.changed();
  }

  /** Removes a user (by primary address). */
  remove(address: string): void {
    this.writesDuringLoad?.push({ remove: address });
    this.drop(address);
  }

  private drop(address: string): void {
    const mail = address.toLowerCase();
    const user = this.users.get(mail);
    if (!user) return;
    this.users.delete(mail);
    for (const a of [mail, ...user.summary.aliases]) {
      if (this.addresses.get(a) === mail) this.addresses.delete(a);
    }
    for (const order of this.orders.values()) {
      const at = order.indexOf(user);
      if (at >= 0) order.splice(at, 1);
    }
    this.changed();
  }

  private changed(): void {
    const stale = [...this.views.keys()];
    this.views.clear();
    this.dns = undefined;
    this.lastMatches = undefined;
    // Rebuild the layouts that were in use right after the write has answered, not on the clerk's
    // next keystroke (a rebuild of 40,000 users takes some milliseconds).
    if (stale.length > 0 && !this.rebuildScheduled) {
      this.rebuildScheduled = true;
      setImmediate(() => {
        this.rebuildScheduled = false;
        for (const key of stale) this.view(key);
      }).unref();
    }
  }

  private async readAll(): Promise<number> {
    // A write made while the pages are read may be older or newer than what they return: it is
    // applied again on top of the loaded users, so the index never loses a write made through it.
    const writes: IndexWrite[] = [];
    this.writesDuringLoad = writes;
    let entries: MailUserEntry[];
    try {
      entries = await this.directory.searchUsers({});
    } finally {
      this.writesDuringLoad = undefined;
    }
    this.users.clear();
    this.addresses.clear();
    this.orders.clear();
    this.changed();
    for (const entry of entries) this.add(indexed(entry));
    for (const write of writes) {
      if ('upsert' in write) {
        this.drop(write.upsert.mail);
        this.add(indexed(write.upsert));
      } else this.drop(write.remove);
    }
    // Every sort order is laid out now, as part of the load, so no search pays for a first sort.
    for (const key of userSortKeys) this.view(key);
    this.loadedAtMs = Date.now();
    return this.users.size;
  }

  private add(user: IndexedUser): void {
    const { mail, aliases } = user.summary;
    this.users.set(mail, user);
    for (const a of aliases) this.addresses.set(a, mail);
    // The primary address wins over another user's further address.
    this.addresses.set(mail, mail);
  }

  private matches(query: UserSearch): { view: OrderedView; matches: Int32Array } {
    const text = foldSearchText(query.text);
    const key = [text, query.domain ?? '', query.logicalStore ?? '', query.sort].join(separator);
    if (this.lastMatches?.key === key) return this.lastMatches;
    const view = this.view(query.sort);
    // -1: no filter; a name the index has never seen gets a code no user has.
    const domain = query.domain === undefined ? -1 : (this.domainCodes.get(query.domain) ?? 0xffff);
    const store = query.logicalStore === undefined ? -1 : (this.storeCodes.get(query.logicalStore) ?? 0xffff);
    const passes = (i: number) =>
      (domain < 0 || view.domains[i] === domain) && (store < 0 || view.stores[i] === store);
    const found: number[] = [];
    const count = view.users.length;
    if (text === '') {
      for (let i = 0; i < count; i++) if (passes(i)) found.push(i);
    } else {
      let i = 0;
      for (let at = view.text.indexOf(text); at >= 0; ) {
        while (i + 1 < count && view.starts[i + 1]! <= at) i++;
        if (passes(i)) found.push(i);
        if (i + 1 >= count) break;
        // One hit per user: go on from the next user's text.
        at = view.text.indexOf(text, view.starts[i + 1]);
      }
    }
    this.lastMatches = { key, view, matches: Int32Array.from(found) };
    return this.lastMatches;
  }

  private view(key: UserSortKey): OrderedView {
    const existing = this.views.get(key);
    if (existing) return existing;
    let users = this.orders.get(key);
    if (!users) {
      users = [...this.users.values()].sort((a, b) => compareBy(a, b, key));
      this.orders.set(key, users);
    }
    const starts = new Int32Array(users.length);
    const domains = new Uint16Array(users.length);
    const stores = new Uint16Array(users.length);
    let offset = 0;
    for (const [i, user] of users.entries()) {
      starts[i] = offset;
      offset += user.haystack.length + 1;
      domains[i] = code(this.domainCodes, user.summary.domain);
      stores[i] = code(this.storeCodes, user.summary.logicalStore);
    }
    const view = { users, text: users.map((u) => u.haystack).join(userSeparator), starts, domains, stores };
    this.views.set(key, view);
    return view;
  }
}

/** The code of a domain or store name, made on first sight. */
function code(codes: Map<string, number>, name: string): number {
  let value = codes.get(name);
  if (value === undefined) {
    value = codes.size;
    codes.set(name, value);
  }
  return value;
}

function indexed(entry: MailUserEntry): IndexedUser {
  const summary = toUserSummary(entry);
  const haystack = [
    ...[summary.mail, ...summary.aliases, summary.displayName, summary.uid].map(foldSearchText),
    ...(summary.reading ? readingSearchTexts(summary.reading) : []),
  ].join(separator);
  return {
    entry,
    summary,
    haystack,
    sortKeys: {
      mail: summary.mail,
      displayName: foldSortText(summary.displayName),
      // Users without a reading come after those with one, by display name.
      reading: summary.reading ? foldSortText(summary.reading) : `\uffff${foldSortText(summary.displayName)}`,
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
