/**
 * One holder per mail address: no two entries below ou=domains may hold the same address in
 * `mail` or `mailLocalAddress`, whoever writes. The director routes an address to exactly one
 * user, alias or group; a second holder would send its mail wherever a lookup happens to look
 * first. The check reads every entry (like slapd's unique overlay, which searches as the rootdn),
 * so it holds even for a domain admin who cannot read the other departments.
 *
 * slapd's slapo-unique (test/support/slapd-config.ts) compares each attribute with itself only;
 * here a `mail` value also collides with another entry's `mailLocalAddress` and the reverse,
 * which is the rule the router needs (docs/directory.md, "Unique addresses").
 */
import type { DirectorySchema } from '../schema/directory-schema.js';
import type { EntryIndex } from './entry-index.js';
import { LdapResultError, resultCodes } from './ldap-result-error.js';
import { parseEntryDn, type StoredEntry } from './stored-entry.js';

/** The attributes (lower-case canonical names) that hold a routed address. */
export const addressAttributes: readonly string[] = ['mail', 'maillocaladdress'];

/** Refuses a second holder of an address below ou=domains. */
export class UniqueAddresses {
  private readonly domainsKey: string;

  constructor(
    baseDn: string,
    private readonly schema: DirectorySchema,
    private readonly entries: EntryIndex,
  ) {
    this.domainsKey = parseEntryDn(schema, `ou=domains,${baseDn}`).key;
  }

  /**
   * Throws constraintViolation (19), as slapd's unique overlay answers, when one of the address
   * values this operation writes (`written`: attribute, lower-case canonical name, and values;
   * by default every address of the entry, as for an add) is held by another entry below
   * ou=domains. The entry's own values do not count: a user may list its primary address again
   * among its further ones. `replaces` is the key of the entry a rename replaces, still indexed.
   */
  check(
    entry: StoredEntry,
    written?: Iterable<readonly [string, readonly string[]]>,
    replaces?: string,
  ): void {
    if (!this.belowDomains(entry)) return;
    const own = new Set([entry.key, replaces ?? entry.key]);
    const values =
      written ?? addressAttributes.map((a) => [a, entry.attributes.get(a)?.values ?? []] as const);
    for (const [attribute, list] of values) {
      if (!addressAttributes.includes(attribute)) continue;
      for (const value of list) {
        if (this.otherHolder(own, value) === undefined) continue;
        // The holder's DN is not named: the writer may be a domain admin who may not read it.
        throw new LdapResultError(
          resultCodes.constraintViolation,
          `non-unique attributes found: the address ${value} is already held by another entry`,
        );
      }
    }
  }

  private otherHolder(own: ReadonlySet<string>, value: string): string | undefined {
    for (const attribute of addressAttributes) {
      const type = this.schema.attributeType(attribute);
      if (!type) continue;
      for (const key of this.entries.lookup(attribute, this.schema.equalityKey(type, value) ?? value)) {
        const other = this.entries.get(key);
        if (!own.has(key) && other && this.belowDomains(other)) return key;
      }
    }
    return undefined;
  }

  private belowDomains(entry: Pick<StoredEntry, 'parentKey'>): boolean {
    let parentKey = entry.parentKey;
    // Entries below a domain are a few levels deep; the bound keeps a bad tree from looping.
    for (let depth = 0; parentKey !== undefined && depth < 16; depth++) {
      if (parentKey === this.domainsKey) return true;
      parentKey = this.entries.get(parentKey)?.parentKey;
    }
    return false;
  }
}
