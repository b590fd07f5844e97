/**
 * Typed entries of the fleet directory, and where each lives in the tree.
 *
 * The directory is the source of truth for the whole fleet (see docs/directory.md). Standard
 * schema first: users are `inetOrgPerson` + `inetLocalMailRecipient`, keys are openssh-lpk
 * `sshPublicKey`; the `mailfleet*` auxiliary classes (shipped in build/ldap/mailfleet.schema)
 * cover only what no standard does.
 *
 * Tree under the base DN (e.g. `dc=mailfleet,dc=lab`):
 * - `ou=servers`  `cn=<node>`            one entry per machine (store01, spare01, director01, ...)
 * - `ou=stores`   `cn=<logical store>`   which node serves a logical store now, where its replica is
 * - `ou=admins`   `uid=<admin>`          console administrators with a tier and public keys
 * - `ou=domains`  `cn=<mail domain>`     a mail domain; its users, aliases and groups live below it
 */
import { z } from 'zod';
import { escapeDnAttributeValue, parseDn, type Rdn } from './distinguished-name.js';
import type { MoveState } from './move-state.js';
import type { UserSelfService } from './user-self-service.js';

/** What a node does in the fleet. The role comes from the node's server entry. */
export const nodeRoles = ['store', 'spare', 'director', 'gateway', 'directory'] as const;
export type NodeRole = (typeof nodeRoles)[number];

/**
 * The state an administrator (or a failover job) has put a node in, as recorded in the directory.
 * Not to be confused with what the console observes (`up`/`down`).
 */
export const nodeStates = ['active', 'down', 'failed', 'maintenance', 'spare'] as const;
export type NodeState = (typeof nodeStates)[number];

/** Admin tiers, most powerful first. */
export const adminTiers = ['system', 'helpdesk', 'domain', 'user'] as const;
export type AdminTier = (typeof adminTiers)[number];

/** A machine in the fleet: `cn=<name>,ou=servers,<base>`. */
export interface ServerEntry {
  dn: string;
  /** Node name, e.g. `store05`. */
  name: string;
  role: NodeRole;
  state: NodeState;
  /** Host name or IP address where the agent's control port listens. */
  address: string;
  /** TCP port of the agent's SSH control plane. */
  controlPort: number;
  /** The node's SSH host key, OpenSSH one-line form (`ssh-ed25519 AAAA... comment`). Pinned by consoles and peers. */
  hostKeys: string[];
  /** Published service endpoints, `name=host:port` (smtp, lmtp, imap, pop3, metrics...). */
  endpoints: Record<string, string>;
  description?: string;
}

/**
 * What a logical store is doing (`mailfleetStoreState`, docs/failover.md): `serving` (its
 * `servedBy` node serves it; also an entry without the attribute), `failed` (a failover fenced
 * the node that served it: nobody serves it until the job repoints it) or `switching` (a planned
 * switch-over: the node that serves it stops for the final copy).
 */
export const logicalStoreStates = ['serving', 'failed', 'switching'] as const;
export type LogicalStoreState = (typeof logicalStoreStates)[number];

/** A logical store (what users' `mailHost` names): `cn=<name>,ou=stores,<base>`. */
export interface LogicalStoreEntry {
  dn: string;
  /** Logical store name, e.g. `store07`; this is the value of users' `mailHost`. */
  name: string;
  /** Node that serves this store now. Failover rewrites only this. */
  servedBy: string;
  /** Node that holds the replica, if any. */
  replicaNode?: string;
  /** `serving` when the entry has no state. */
  state: LogicalStoreState;
  /** Raised by every fence and repoint, never lowered (0 when the entry has none). */
  epoch: number;
  /** The node whose agent runs the store's failover job (written by a system admin). */
  failoverNode?: string;
}

/** A console administrator: `uid=<id>,ou=admins,<base>`. */
export interface AdminEntry {
  dn: string;
  uid: string;
  displayName: string;
  tier: AdminTier;
  /** Mail domains a `domain`-tier admin may administer. */
  domains: string[];
  /** OpenSSH public keys this admin logs in to agents with. */
  sshPublicKeys: string[];
}

/** A mail domain: `cn=<domain>,ou=domains,<base>`. */
export interface MailDomainEntry {
  dn: string;
  name: string;
  description?: string;
  /** Default quota in bytes for new users of this domain. */
  defaultQuotaBytes?: number;
  /**
   * `mailfleetDomainQuota`: the department's quota budget in bytes; its users' quotas (a user
   * without one counting the default) may total at most this. Absent: no budget.
   */
  quotaBudgetBytes?: number;
  /**
   * `mailfleetSpamPolicy` as written (`mode=reject; tag=6; reject=15; prefix=[SPAM] `); the gateway
   * parses it with parseDomainSpamPolicy. Absent: the default policy.
   */
  spamPolicy?: string;
  /**
   * `mailfleetDkimKey` values as written (`selector=…; algorithm=…; state=…; key=…`, public keys
   * only); the director reads them with parseDkimKeyValue (agent/mail/director/dkim/).
   */
  dkimKeys?: string[];
}

/** A mail user: `uid=<local part>,cn=<domain>,ou=domains,<base>`. */
export interface MailUserEntry {
  dn: string;
  uid: string;
  /** Primary address; also the IMAP/POP login name. */
  mail: string;
  displayName: string;
  /** The reading of the display name in kana (`msDS-PhoneticDisplayName`), when the directory has one. */
  reading?: string;
  /** Logical store name (not a machine): where this user's mailbox lives. */
  mailHost: string;
  /** Further addresses delivered to this mailbox. */
  mailLocalAddress: string[];
  /** If set, mail is forwarded here instead of (or as well as, see docs) being stored. */
  mailRoutingAddress?: string;
  /** Mailbox quota in bytes; 0 or absent means the domain default. */
  quotaBytes?: number;
  /** `active`, `disabled` (no login, mail refused) or `moving` (cutover in progress). */
  mailboxState: 'active' | 'disabled' | 'moving';
  /** The move lock (`mailfleetMoveState`) while a move job moves this mailbox (move-state.ts). */
  moveState?: MoveState;
  /** Forwarding, vacation reply and spam handling the user set (`mailfleetSelfService`), when any. */
  selfService?: UserSelfService;
}

/** An alias address that forwards to one or more addresses: `cn=<alias>,cn=<domain>,ou=domains,<base>`. */
export interface MailAliasEntry {
  dn: string;
  /** The alias address. */
  mail: string;
  forwardTo: string[];
}

/** A mail group (list): `cn=<name>,cn=<domain>,ou=domains,<base>`; members are user DNs. */
export interface MailGroupEntry {
  dn: string;
  name: string;
  mail: string;
  memberDns: string[];
}

/** Builds the DNs of the fleet tree for one base DN, so no code concatenates DN strings by hand. */
export class FleetTree {
  constructor(readonly baseDn: string) {}

  get servers(): string {
    return `ou=servers,${this.baseDn}`;
  }
  get stores(): string {
    return `ou=stores,${this.baseDn}`;
  }
  get admins(): string {
    return `ou=admins,${this.baseDn}`;
  }
  get domains(): string {
    return `ou=domains,${this.baseDn}`;
  }
  server(name: string): string {
    return `cn=${escapeDnValue(name)},${this.servers}`;
  }
  store(name: string): string {
    return `cn=${escapeDnValue(name)},${this.stores}`;
  }
  admin(uid: string): string {
    return `uid=${escapeDnValue(uid)},${this.admins}`;
  }
  domain(name: string): string {
    return `cn=${escapeDnValue(name)},${this.domains}`;
  }
  user(address: string): string {
    const [local, domain] = splitAddress(address);
    return `uid=${escapeDnValue(local)},${this.domain(domain)}`;
  }
  alias(address: string): string {
    const [, domain] = splitAddress(address);
    return `cn=${escapeDnValue(address)},${this.domain(domain)}`;
  }
  group(name: string, domain: string): string {
    return `cn=${escapeDnValue(name)},${this.domain(domain)}`;
  }

  /**
   * Whether `dn` is an admin entry: directly under ou=admins. Only there do a tier and delegated
   * domains count (a look-alike below a mail domain is not an admin, whatever it holds).
   */
  isAdminEntry(dn: string): boolean {
    return isDirectlyUnder(dn, this.admins);
  }

  /**
   * Whether `dn` is a server entry: directly under ou=servers. Only there does a host key make a
   * peer (a look-alike elsewhere, whatever it holds, is no node of the fleet).
   */
  isServerEntry(dn: string): boolean {
    return isDirectlyUnder(dn, this.servers);
  }
}

/** Whether `dn` is one RDN below `parent`; ou and dc compare without case, RDNs part by part. */
function isDirectlyUnder(dn: string, parent: string): boolean {
  let rdns: Rdn[];
  try {
    rdns = parseDn(dn);
  } catch {
    return false;
  }
  const above = parseDn(parent);
  if (rdns.length !== above.length + 1) return false;
  const same = (a: Rdn, b: Rdn) =>
    a.length === b.length &&
    a.every(
      (part, i) =>
        part.type.toLowerCase() === b[i]?.type.toLowerCase() &&
        part.value.toLowerCase() === b[i]?.value.toLowerCase(),
    );
  return above.every((rdn, i) => same(rdn, rdns[i + 1] as Rdn));
}

/** Splits `local@domain`; throws on anything that is not a plain address. */
export function splitAddress(address: string): [local: string, domain: string] {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) throw new Error(`not a mail address: ${JSON.stringify(address)}`);
  return [address.slice(0, at), address.slice(at + 1).toLowerCase()];
}

/**
 * Escapes a value for use in a DN (RFC 4514 section 2.4). Special characters become hex escapes
 * (`\2B` for `+`), which every LDAP implementation reads alike (ldapjs mis-reads `\+`).
 */
export function escapeDnValue(value: string): string {
  return escapeDnAttributeValue(value);
}

/** Schema for a `name=host:port` endpoint value. */
export const endpointValue = z.string().regex(/^[a-z0-9-]+=[^\s=]+:\d{1,5}$/);
