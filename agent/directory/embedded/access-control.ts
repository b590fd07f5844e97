/**
 * Who may do what in the embedded directory. The same rules are written as slapd ACLs in
 * `fleetAccessRules()` (agent/directory/slapd/access-rules.ts) and explained in docs/directory.md:
 * - an admin is an entry directly under ou=admins: a tier (mailfleetAdminTier) or delegated
 *   domains (mailfleetAdminDomain) count nowhere else, and nobody but the root DN may write those
 *   attributes on any other entry (so a domain admin cannot make itself a system admin below its
 *   own domain);
 * - anonymous may only bind (and read the root DSE);
 * - userPassword is read by nobody (only a bind checks it);
 * - a `domain`-tier admin reads only its own entry, the servers and logical stores, the tree's
 *   containers, and its own domains (the domain entries and everything below them): another
 *   department's users, aliases and groups, and the other admins, do not exist for it (a search
 *   leaves them out; a search based on one, or a compare on one, is noSuchObject (32), as slapd
 *   answers for an entry it may not disclose);
 * - an entry below the mail domains (a mail user, or anything an admin made there) reads the same
 *   with its own domain (the one it lies in) in place of the admin's domains;
 * - every other bound entry (system, helpdesk, user-tier admins, servers) reads the rest;
 * - an admin of tier `system` may write everything;
 * - `helpdesk` may write entries below the mail domains (users, aliases, groups) and their passwords;
 * - `domain` may write entries below the domains named in its mailfleetAdminDomain values, and give
 *   addresses (mail, mailLocalAddress) only in those domains;
 * - a server entry may modify its own state, endpoints, address, control port and sshPublicKey;
 * - the server entry of a `store` or `spare` node may modify users' mailHost, mailfleetMoveState
 *   and mailfleetMailboxState (a mailbox move runs on the target store's agent and flips them);
 * - the server entry of a `director` node may modify a domain entry's mailfleetDkimKey (the
 *   director makes the DKIM keys and publishes their selectors and public keys there);
 * - `domain` may modify the mailfleetSpamPolicy of its own domains' entries (the department sets
 *   how the gateway treats its spam; docs/delegation.md);
 * - the server entry a logical store's `mailfleetFailoverNode` names (a system admin wrote it) may
 *   modify that store's serving node, replica node, state and epoch (its failover job runs
 *   there); no other node may, so a fenced node cannot write the store back to itself;
 * - any entry may change its own password;
 * - a mail user (an entry below the mail domains) may modify its own self-service attributes
 *   (forwarding, vacation, spam handling: `selfServiceWritable`) and add the mailfleetSelfService
 *   class to itself, nothing else of its entry (docs/self-service.md).
 */
import { formatDn } from '../../common/directory/distinguished-name.js';
import type { AdminTier } from '../../common/directory/fleet-entries.js';
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

/**
 * What a write puts in place: the attributes it touches (lower-case canonical names, deletes
 * included) and the values it adds or replaces, by attribute.
 */
export interface WrittenValues {
  attributes: readonly string[];
  values: ReadonlyArray<readonly [attribute: string, values: readonly string[]]>;
}

/** Attributes a server entry may change in its own entry. */
export const serverSelfAttributes: ReadonlySet<string> = new Set([
  'mailfleetnodestate',
  'mailfleetendpoint',
  'mailfleetaddress',
  'mailfleetcontrolport',
  'sshpublickey',
]);

/** What a store or spare node's agent may change on a user entry: a mailbox move's lock and flip. */
export const moverAttributes: ReadonlySet<string> = new Set([
  'mailhost',
  'mailfleetmovestate',
  'mailfleetmailboxstate',
]);

/** What the failover node of a logical store may change on its entry (docs/failover.md). */
export const storeStateAttributes: ReadonlySet<string> = new Set([
  'mailfleetservedby',
  'mailfleetreplicanode',
  'mailfleetstorestate',
  'mailfleetstoreepoch',
]);

/** What a mail user may change on its own entry besides its password (docs/self-service.md). */
export const selfServiceWritable: ReadonlySet<string> = new Set([
  'mailfleetforward',
  'mailfleetforwardkeepcopy',
  'mailfleetvacationactive',
  'mailfleetvacationsubject',
  'mailfleetvacationbody',
  'mailfleetvacationstart',
  'mailfleetvacationend',
  'mailfleetspamhandling',
]);

/** Roles whose agents move mailboxes (the move job runs on the target store). */
const moverRoles: ReadonlySet<string> = new Set(['store', 'spare']);

/** The admin attributes: honoured, and writable, only on entries directly under ou=admins. */
export const adminAttributes: ReadonlySet<string> = new Set(['mailfleetadmintier', 'mailfleetadmindomain']);

/** The attributes that hold an address the director routes (lower-case canonical names). */
const heldAddressAttributes: ReadonlySet<string> = new Set(['mail', 'maillocaladdress']);

/** What the rules see of a bound entry, looked up once per request. */
interface Standing {
  /** The tier, only for an entry directly under ou=admins. */
  tier: AdminTier | undefined;
  /** A domain admin's domains (lower case). */
  adminDomains: ReadonlySet<string>;
  /** For an entry below the mail domains: the domain it lies in (lower case). */
  ownDomain: string | undefined;
}

const tiers: ReadonlySet<string> = new Set<AdminTier>(['system', 'helpdesk', 'domain', 'user']);

/** Decides reads and writes for bound identities. */
export class AccessPolicy {
  private readonly serversKey: string;
  private readonly storesKey: string;
  private readonly domainsKey: string;
  private readonly adminsKey: string;
  private readonly domainsDepth: number;

  constructor(
    baseDn: string,
    private readonly schema: DirectorySchema,
    private readonly entries: EntryIndex,
  ) {
    this.serversKey = parseEntryDn(schema, `ou=servers,${baseDn}`).key;
    this.storesKey = parseEntryDn(schema, `ou=stores,${baseDn}`).key;
    const domains = parseEntryDn(schema, `ou=domains,${baseDn}`);
    this.domainsKey = domains.key;
    this.domainsDepth = domains.rdns.length;
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
    const standing = this.standing(identity);
    // An admin entry deleted since its bind keeps "any bound entry" reads, as in slapd (its sets
    // are empty); an entry below the domains keeps its own domain, which slapd reads from its DN.
    const domains =
      standing.tier === 'domain'
        ? standing.adminDomains
        : standing.ownDomain !== undefined
          ? new Set([standing.ownDomain])
          : undefined;
    if (!domains) return () => true;
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
   * `target` is the entry written (for an add: the new entry, whose parent exists); `written`
   * what the write puts in place (for the admin attributes and the addresses a domain admin gives).
   */
  checkWrite(
    identity: Identity,
    kind: WriteKind,
    target: Pick<StoredEntry, 'dn' | 'key' | 'parentKey'>,
    written: WrittenValues = { attributes: [], values: [] },
  ): void {
    if (identity.kind === 'root') return;
    if (identity.kind === 'anonymous') {
      throw new LdapResultError(
        resultCodes.insufficientAccessRights,
        `insufficient access: an anonymous connection may not ${describe(kind)} ${target.dn}`,
      );
    }
    const who = identity.dn;
    const standing = this.standing(identity);
    if (!this.mayWrite(identity, standing, kind, target, written)) {
      throw new LdapResultError(
        resultCodes.insufficientAccessRights,
        `insufficient access: ${who} may not ${describe(kind)} ${target.dn}`,
      );
    }
    if (target.parentKey !== this.adminsKey) {
      const admin = written.attributes.find((a) => adminAttributes.has(a));
      if (admin) {
        throw new LdapResultError(
          resultCodes.insufficientAccessRights,
          `insufficient access: ${who} may not write ${this.schema.attributeType(admin)?.name ?? admin} on ${target.dn}: admin attributes belong to entries directly under ou=admins only`,
        );
      }
    }
    if (standing.tier === 'domain' && this.domainAbove(target) !== undefined) {
      this.checkAddressDomains(who, standing.adminDomains, target, written);
    }
  }

  /** A domain admin gives addresses only in its own domains (another's postmaster@ would be its mail). */
  private checkAddressDomains(
    who: string,
    domains: ReadonlySet<string>,
    target: Pick<StoredEntry, 'dn'>,
    written: WrittenValues,
  ): void {
    for (const [attribute, values] of written.values) {
      if (!heldAddressAttributes.has(attribute)) continue;
      for (const value of values) {
        const at = value.lastIndexOf('@');
        const domain = at < 0 ? '' : value.slice(at + 1).toLowerCase();
        if (domains.has(domain)) continue;
        throw new LdapResultError(
          resultCodes.insufficientAccessRights,
          `insufficient access: ${who} may not give the address ${value} to ${target.dn}: ${domain === '' ? 'it has no domain' : `${domain} is not one of its mail domains`}`,
        );
      }
    }
  }

  private mayWrite(
    identity: Extract<Identity, { kind: 'entry' }>,
    standing: Standing,
    kind: WriteKind,
    target: Pick<StoredEntry, 'key' | 'parentKey'>,
    written: WrittenValues,
  ): boolean {
    const { attributes } = written;
    // A bound entry deleted since its bind may write nothing (slapd's sets on it are empty).
    if (!this.entries.has(identity.key)) return false;
    const { tier } = standing;
    if (tier === 'system') return true;
    if (kind === 'password' && target.key === identity.key) return true;
    const domain = this.domainAbove(target);
    if (domain !== undefined) {
      if (tier === 'helpdesk') return true;
      if (tier === 'domain') return standing.adminDomains.has(domain);
      if (kind === 'modify' && target.key === identity.key) return isSelfServiceWrite(written);
      return (
        kind === 'modify' &&
        this.isMoverNode(identity) &&
        attributes.length > 0 &&
        attributes.every((a) => moverAttributes.has(a))
      );
    }
    if (
      kind === 'modify' &&
      target.parentKey === this.domainsKey &&
      attributes.length > 0 &&
      attributes.every((a) => a === 'mailfleetdkimkey')
    )
      return this.nodeRole(identity) === 'director';
    if (
      kind === 'modify' &&
      target.parentKey === this.domainsKey &&
      attributes.length > 0 &&
      attributes.every((a) => a === 'mailfleetspampolicy')
    )
      return (
        tier === 'domain' &&
        standing.adminDomains.has(this.entries.get(target.key)?.rdn[0]?.value.toLowerCase() ?? '')
      );
    if (
      kind === 'modify' &&
      target.parentKey === this.storesKey &&
      attributes.length > 0 &&
      attributes.every((a) => storeStateAttributes.has(a))
    )
      return this.isFailoverNodeOf(identity, target);
    return (
      kind === 'modify' &&
      target.key === identity.key &&
      target.parentKey === this.serversKey &&
      attributes.every((a) => serverSelfAttributes.has(a))
    );
  }

  /** Whether the bound entry is the server entry the store entry names as its failover node. */
  private isFailoverNodeOf(
    identity: Extract<Identity, { kind: 'entry' }>,
    target: Pick<StoredEntry, 'key'>,
  ): boolean {
    const self = this.entries.get(identity.key);
    const store = this.entries.get(target.key);
    if (self === undefined || store === undefined || self.parentKey !== this.serversKey) return false;
    const named = valuesOf(store, 'mailfleetfailovernode')[0]?.toLowerCase();
    return named !== undefined && valuesOf(self, 'cn').some((cn) => cn.toLowerCase() === named);
  }

  /** Whether the bound entry is the server entry of a store or spare node. */
  private isMoverNode(identity: Extract<Identity, { kind: 'entry' }>): boolean {
    const role = this.nodeRole(identity);
    return role !== undefined && moverRoles.has(role);
  }

  /** The role (lower case) of a bound server entry; undefined for any other entry. */
  private nodeRole(identity: Extract<Identity, { kind: 'entry' }>): string | undefined {
    const self = this.entries.get(identity.key);
    if (self === undefined || self.parentKey !== this.serversKey) return undefined;
    return valuesOf(self, 'mailfleetrole')[0]?.toLowerCase();
  }

  /** The tier and domains of a bound entry: from the admin attributes only under ou=admins. */
  private standing(identity: Extract<Identity, { kind: 'entry' }>): Standing {
    const self = this.entries.get(identity.key);
    const isAdmin = self !== undefined && self.parentKey === this.adminsKey;
    const tier = isAdmin ? valuesOf(self, 'mailfleetadmintier')[0]?.toLowerCase() : undefined;
    return {
      tier: tier !== undefined && tiers.has(tier) ? (tier as AdminTier) : undefined,
      adminDomains: new Set(
        isAdmin ? valuesOf(self, 'mailfleetadmindomain').map((d) => d.toLowerCase()) : [],
      ),
      ownDomain: this.domainOfDn(identity),
    };
  }

  /** The mail domain (lower case) a bound DN lies in or is, from the DN alone. */
  private domainOfDn(identity: Extract<Identity, { kind: 'entry' }>): string | undefined {
    const { rdns } = parseEntryDn(this.schema, identity.dn);
    if (rdns.length <= this.domainsDepth) return undefined;
    // Compared as parsed RDNs, not as text: an escaped comma in a value cannot fake the suffix.
    if (parseEntryDn(this.schema, formatDn(rdns.slice(-this.domainsDepth))).key !== this.domainsKey)
      return undefined;
    return rdns[rdns.length - this.domainsDepth - 1]?.[0]?.value.toLowerCase();
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

/**
 * Whether a user's modify of its own entry touches only its self-service attributes, and
 * objectClass only to add mailfleetSelfService (every objectClass change puts that one value in
 * place: a delete of a class would put none).
 */
function isSelfServiceWrite(written: WrittenValues): boolean {
  const classChanges = written.attributes.filter((a) => a === 'objectclass').length;
  const classValues = written.values.filter(([a]) => a === 'objectclass');
  return (
    written.attributes.length > 0 &&
    written.attributes.every((a) => a === 'objectclass' || selfServiceWritable.has(a)) &&
    classValues.length === classChanges &&
    classValues.every(
      ([, values]) => values.length === 1 && values[0]?.toLowerCase() === 'mailfleetselfservice',
    )
  );
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
