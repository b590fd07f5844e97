/**
 * The reads of the embedded directory: bind, compare and search (scope walk or index lookup,
 * filter, attribute selection). userPassword is never returned or compared; only a bind checks it.
 * An entry the identity may not read (access-control.ts) is left out of searches, and a search
 * based on it or a compare on it is noSuchObject (32), as slapd answers when it may not disclose.
 */
import type { DirectorySchema } from '../schema/directory-schema.js';
import type { AccessPolicy, Identity } from './access-control.js';
import type { EntryIndex } from './entry-index.js';
import { LdapResultError, resultCodes } from './ldap-result-error.js';
import { verifyPassword } from './password-hash.js';
import { FilterEvaluator, indexCandidates, type SearchFilter } from './search-filter.js';
import { parseEntryDn, type StoredEntry, valuesOf } from './stored-entry.js';

/** The search scopes of RFC 4511. */
export type SearchScope = 'base' | 'one' | 'sub';

/** The root DN, if configured: binds as it bypass access control (like slapd's rootdn). */
export interface RootCredentials {
  dn: string;
  /** Cleartext or a hashed value ({SSHA512}...). */
  password: string;
}

/** Binds, compares and searches. */
export class ReadOperations {
  private readonly evaluator: FilterEvaluator;

  constructor(
    private readonly entries: EntryIndex,
    private readonly schema: DirectorySchema,
    private readonly policy: AccessPolicy,
    private readonly root: RootCredentials | undefined,
  ) {
    this.evaluator = new FilterEvaluator(schema);
  }

  /** A simple bind: the identity on success, invalidCredentials (49) otherwise. */
  bind(dn: string, password: string): Identity {
    if (password === '') {
      // An unauthenticated bind (DN, no password) would silently act as anonymous: refuse it (RFC 4513 5.1.2).
      throw new LdapResultError(
        resultCodes.unwillingToPerform,
        'unauthenticated bind (a DN without a password) is not allowed',
      );
    }
    const { key } = parseEntryDn(this.schema, dn);
    if (this.root && key === parseEntryDn(this.schema, this.root.dn).key) {
      if (verifyPassword(password, this.root.password)) return { kind: 'root', dn };
      throw invalidCredentials();
    }
    const entry = this.entries.get(key);
    const stored = entry ? valuesOf(entry, 'userpassword') : [];
    // Check every stored value even after a match, so the time taken says nothing about which matched.
    let ok = false;
    for (const value of stored) ok = verifyPassword(password, value) || ok;
    if (!entry || !ok) throw invalidCredentials();
    return { kind: 'entry', dn: entry.dn, key };
  }

  /** Compare: whether the entry has the value (never for userPassword). */
  compare(identity: Identity, dn: string, attribute: string, value: string): boolean {
    this.requireRead(identity);
    const entry = this.readableEntry(identity, dn);
    const key = this.schema.attributeKey(attribute);
    if (!key)
      throw new LdapResultError(
        resultCodes.undefinedAttributeType,
        `attribute type '${attribute}' is not defined`,
      );
    if (key === 'userpassword') {
      throw new LdapResultError(
        resultCodes.insufficientAccessRights,
        'insufficient access: userPassword cannot be compared',
      );
    }
    return this.evaluator.matches({ kind: 'equal', attribute, value }, entry);
  }

  /** Keys of the entries in scope that match the filter, in tree order for scope walks. */
  search(identity: Identity, baseDn: string, scope: SearchScope, filter: SearchFilter): string[] {
    this.requireRead(identity);
    const readable = this.policy.readableBy(identity);
    const base = this.readableEntry(identity, baseDn, readable);
    const candidates = indexCandidates(filter, this.schema, this.entries);
    const keys: string[] = [];
    const consider = (entry: StoredEntry) => {
      if (readable(entry) && this.evaluator.matches(filter, entry)) keys.push(entry.key);
    };
    if (candidates) {
      for (const key of candidates) {
        const entry = this.entries.get(key);
        if (entry && this.inScope(entry, base.key, scope)) consider(entry);
      }
      return keys;
    }
    if (scope !== 'one') consider(base);
    if (scope === 'base') return keys;
    const stack = [...this.entries.children(base.key)].reverse();
    while (stack.length > 0) {
      const entry = this.entries.get(stack.pop() as string);
      if (!entry) continue;
      consider(entry);
      if (scope === 'sub') stack.push(...[...this.entries.children(entry.key)].reverse());
    }
    return keys;
  }

  /**
   * The attributes to return for an entry: `*` or none requested means all user attributes,
   * `1.1` means none; userPassword never.
   */
  selectAttributes(entry: StoredEntry, requested: string[], typesOnly: boolean): Record<string, string[]> {
    const all = requested.length === 0 || requested.includes('*');
    const wanted = new Set(requested.map((name) => this.schema.attributeKey(name.split(';')[0] ?? name)));
    const result: Record<string, string[]> = {};
    for (const [key, attribute] of entry.attributes) {
      if (key === 'userpassword') continue;
      if (all || wanted.has(key)) result[attribute.name] = typesOnly ? [] : [...attribute.values];
    }
    return result;
  }

  private requireRead(identity: Identity): void {
    if (!this.policy.canRead(identity)) {
      throw new LdapResultError(
        resultCodes.insufficientAccessRights,
        'insufficient access: bind before searching the directory',
      );
    }
  }

  /** Which entries the identity may read now (a paged search checks again at each page). */
  readableBy(identity: Identity): (entry: StoredEntry) => boolean {
    return this.policy.readableBy(identity);
  }

  /** The entry, or noSuchObject (32) both when it is missing and when the identity may not read it. */
  private readableEntry(
    identity: Identity,
    dn: string,
    readable = this.policy.readableBy(identity),
  ): StoredEntry {
    const { key } = parseEntryDn(this.schema, dn);
    const entry = this.entries.get(key);
    // The same words either way, so the answer does not tell a hidden entry from a missing one.
    if (!entry || !readable(entry))
      throw new LdapResultError(resultCodes.noSuchObject, `no such entry: ${dn}`);
    return entry;
  }

  private inScope(entry: StoredEntry, baseKey: string, scope: SearchScope): boolean {
    if (scope === 'base') return entry.key === baseKey;
    if (scope === 'one') return entry.parentKey === baseKey;
    let key: string | undefined = entry.key;
    for (let depth = 0; key !== undefined && depth < 64; depth++) {
      if (key === baseKey) return true;
      key = this.entries.get(key)?.parentKey;
    }
    return false;
  }
}

function invalidCredentials(): LdapResultError {
  return new LdapResultError(resultCodes.invalidCredentials, 'invalid credentials');
}
