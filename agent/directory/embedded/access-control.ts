/**
 * Who may do what in the embedded directory. The same rules are written as slapd ACLs in
 * `fleetAccessRules()` (test/support/slapd-config.ts) and explained in docs/directory.md:
 * - anonymous may only bind (and read the root DSE);
 * - userPassword is read by nobody (only a bind checks it);
 * - a `domain`-tier admin reads only its own entry, the servers and logical stores, the tree's
 *   containers, and its own domains (the domain entries and everything below them): another
 *   department's users, aliases and groups, and the other admins, do not exist for it (a search
 *   leaves them out; a search based on one, or a compare on one, is noSuchObject (32), as slapd
 *   answers for an entry it may not disclose);
 * - every other bound entry (system, helpdesk, user-tier admins, servers, mail users) reads the rest;
 * - an admin of tier `system` may write everything;
 * - `helpdesk` may write entries below the mail domains (users, aliases, groups) and their passwords;
 * - `domain` may write entries below the domains named in its mailfleetAdminDomain values;
 * - a server entry may modify its own state, endpoints, address, control port and sshPublicKey;
 * - any entry may change its own password.
 */
import type { DirectorySchema } from '../schema/directory-schema.js';
import type { EntryIndex } from './entry-index.js';
import { LdapResultError, resultCodes } from './ldap-result-error.js';
import { parseEntryDn, type StoredEntry, valuesOf } from './stored-entry.js';

/** Who a connection is bound as. */
export type Identity =
  | { kind: 'anonymous' }
  | { kind: 'root'; dn: string }
  | { kind: 'entry'; dn: string; key: string };

/** What a write does to its target. */
export type WriteKind = 'add' | 'delete' | 'modify' | 'rename' | 'password';

/** Attributes a server entry may change in its own entry. */
export const serverSelfAttributes: ReadonlySet<string> = new Set([
  'mailfleetnodestate',
  'mailfleetendpoint',
  'mailfleetaddress',
  'mailfleetcontrolport',
  'sshpublickey',
]);

/** Decides reads and writes for bound identities. */
export class AccessPolicy {
  private readonly serversKey: string;
  private readonly domainsKey: string;
  private readonly adminsKey: string;

  constructor(
    baseDn: string,
    schema: DirectorySchema,
    private readonly entries: EntryIndex,
  ) {
    this.serversKey = parseEntryDn(schema, `ou=servers,${baseDn}`).key;
    this.domainsKey = parseEntryDn(schema, `ou=domains,${baseDn}`).key;
    this.adminsKey = parseEntryDn(schema, `ou=admins,${baseDn}`).key;
  }

  /** Whether the identity may search beyond the root DSE. */
  canRead(identity: Identity): boolean {
    return identity.kind !== 'anonymous';
  }

  /**
   * Which entries the identity may read (see the rules above), as a test to run on each entry of
   * a search: the identity's tier and domains are looked up once, not once per entry.
   */
  readableBy(identity: Identity): (entry: Pick<StoredEntry, 'key' | 'parentKey' | 'rdn'>) => boolean {
    if (identity.kind === 'root') return () => true;
    if (identity.kind === 'anonymous') return () => false;
    const self = this.entries.get(identity.key);
    // An entry deleted since its bind keeps "any bound entry" reads, as in slapd (its sets are empty).
    if (!self || valuesOf(self, 'mailfleetadmintier')[0]?.toLowerCase() !== 'domain') return () => true;
    const domains = new Set(valuesOf(self, 'mailfleetadmindomain').map((d) => d.toLowerCase()));
    return (entry) => {
      if (entry.key === identity.key) return true;
      if (entry.parentKey === this.adminsKey) return false;
      const domain =
        entry.parentKey === this.domainsKey ? entry.rdn[0]?.value.toLowerCase() : this.domainAbove(entry);
      return domain === undefined || domains.has(domain);
    };
  }

  /**
   * Throws insufficientAccessRights (50) unless the identity may perform the write.
   * `target` is the entry written (for an add: the new entry, whose parent exists).
   */
  checkWrite(
    identity: Identity,
    kind: WriteKind,
    target: Pick<StoredEntry, 'dn' | 'key' | 'parentKey'>,
    attributes: string[] = [],
  ): void {
    if (this.mayWrite(identity, kind, target, attributes)) return;
    const who = identity.kind === 'anonymous' ? 'an anonymous connection' : identity.dn;
    throw new LdapResultError(
      resultCodes.insufficientAccessRights,
      `insufficient access: ${who} may not ${describe(kind)} ${target.dn}`,
    );
  }

  private mayWrite(
    identity: Identity,
    kind: WriteKind,
    target: Pick<StoredEntry, 'key' | 'parentKey'>,
    attributes: string[],
  ): boolean {
    if (identity.kind === 'root') return true;
    if (identity.kind === 'anonymous') return false;
    const self = this.entries.get(identity.key);
    if (!self) return false;
    const tier = valuesOf(self, 'mailfleetadmintier')[0]?.toLowerCase();
    if (tier === 'system') return true;
    if (kind === 'password' && target.key === identity.key) return true;
    const domain = this.domainAbove(target);
    if (domain !== undefined) {
      if (tier === 'helpdesk') return true;
      if (tier === 'domain') {
        return valuesOf(self, 'mailfleetadmindomain').some((d) => d.toLowerCase() === domain);
      }
      return false;
    }
    return (
      kind === 'modify' &&
      target.key === identity.key &&
      target.parentKey === this.serversKey &&
      attributes.every((a) => serverSelfAttributes.has(a))
    );
  }

  /** The mail domain (lower case) a target lies strictly below, if any. */
  private domainAbove(target: Pick<StoredEntry, 'key' | 'parentKey'>): string | undefined {
    let parentKey = target.parentKey;
    // Entries below a domain are at most a few levels deep; the bound keeps a bad tree from looping.
    for (let depth = 0; parentKey !== undefined && depth < 16; depth++) {
      const parent = this.entries.get(parentKey);
      if (!parent) return undefined;
      if (parent.parentKey === this.domainsKey) return parent.rdn[0]?.value.toLowerCase();
      parentKey = parent.parentKey;
    }
    return undefined;
  }
}

function describe(kind: WriteKind): string {
  switch (kind) {
    case 'add':
      return 'add';
    case 'delete':
      return 'delete';
    case 'modify':
      return 'modify';
    case 'rename':
      return 'rename';
    case 'password':
      return 'change the password of';
  }
}
