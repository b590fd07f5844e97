/**
 * What the rest of mailfleet asks of the directory. One implementation (`LdapFleetDirectory` in
 * ldap-fleet-directory.ts) speaks LDAP through ldapts to any LDAPv3 server loaded with our schema:
 * OpenLDAP in production, the embedded `directory` role in the lab.
 */
import type { DirectoryLinkStatus, DirectoryUrls } from './directory-urls.js';
import type {
  AdminEntry,
  FleetTree,
  LogicalStoreEntry,
  MailAliasEntry,
  MailDomainEntry,
  MailGroupEntry,
  MailUserEntry,
  NodeRole,
  NodeState,
  ServerEntry,
} from './fleet-entries.js';
import type { MoveStateChange } from './move-state.js';
import type { StoreStateChange } from './store-state.js';
import type { UserSelfService } from './user-self-service.js';

/** How to reach and bind to the directory. The password is read from a file, never from a flag. */
export interface DirectoryConnection {
  /**
   * `ldap://host:port` or `ldaps://host:port`, or several such URLs of servers holding the same
   * tree (replicating providers) in order of preference: the client moves to the next when one
   * stops answering.
   */
  url: DirectoryUrls;
  baseDn: string;
  bindDn: string;
  /** Path to a file (mode 0600) holding the bind password. */
  bindPasswordFile: string;
}

/** Filter for user searches. Every value is escaped before it reaches an LDAP filter. */
export interface UserQuery {
  /** Matches the start of mail, uid, cn or any mailLocalAddress (case-insensitive). */
  text?: string;
  domain?: string;
  /** Logical store name. */
  mailHost?: string;
  /** Stop after this many entries (default: all). */
  limit?: number;
}

/** Fields of a user that can be written. */
export interface MailUserInput {
  mail: string;
  displayName: string;
  /** The reading (`msDS-PhoneticDisplayName`); `null` removes it. */
  reading?: string | null;
  mailHost: string;
  mailLocalAddress?: string[];
  mailRoutingAddress?: string | null;
  quotaBytes?: number | null;
  mailboxState?: MailUserEntry['mailboxState'];
}

/** A new alias: its address and where mail to it goes. */
export interface MailAliasInput {
  mail: string;
  forwardTo: string[];
}

/** A new group of a domain: its name (the entry's `cn`), address and member user DNs. */
export interface MailGroupInput {
  name: string;
  domain: string;
  mail: string;
  memberDns: string[];
}

/** A new node's server entry: what `mailfleet node add` knows before the agent first starts. */
export interface NewServer {
  name: string;
  role: NodeRole;
  address: string;
  controlPort: number;
  /** The host key made for the node and pinned before it starts (OpenSSH one-line form). */
  hostKeys: string[];
  description?: string;
}

/** The fleet directory as the agents and the console use it. */
export interface FleetDirectory {
  readonly tree: FleetTree;

  listServers(): Promise<ServerEntry[]>;
  getServer(name: string): Promise<ServerEntry | undefined>;
  /**
   * Records a node's state, host keys or endpoints (the agent publishes its own at start); its role
   * only with a system admin's bind ("Make spare").
   */
  updateServer(
    name: string,
    change: {
      role?: NodeRole;
      state?: NodeState;
      hostKeys?: string[];
      endpoints?: Record<string, string>;
      address?: string;
      controlPort?: number;
    },
  ): Promise<void>;

  /**
   * Creates a node's server entry (`mailfleet node add`), its bind password set by Password Modify
   * so the server hashes it. Only a system admin may (the directory's access rules).
   */
  addServer(server: NewServer, bindPassword: string): Promise<ServerEntry>;
  /** Deletes a node's server entry (`mailfleet node remove`). */
  deleteServer(name: string): Promise<void>;
  /** Creates a logical store served by a node (a new store node's own store). */
  addLogicalStore(store: { name: string; servedBy: string }): Promise<LogicalStoreEntry>;
  /** Deletes a logical store entry (one no user's mailHost names). */
  deleteLogicalStore(name: string): Promise<void>;

  listLogicalStores(): Promise<LogicalStoreEntry[]>;
  getLogicalStore(name: string): Promise<LogicalStoreEntry | undefined>;
  /**
   * Places a logical store's replica on a node, or removes its placement (`undefined`). Only a
   * system admin may write it (the directory's access rules, docs/directory.md).
   */
  setReplicaNode(store: string, replicaNode: string | undefined): Promise<void>;
  /**
   * Raises a logical store's epoch and writes its state (and serving or replica node) in one
   * compare-and-set (store-state.ts); rejects with StoreEpochConflict when the epoch in place is
   * not `change.fromEpoch`. A system admin, or the agent of the store's failover node, may write it.
   */
  changeStoreState(store: string, change: StoreStateChange): Promise<LogicalStoreEntry>;
  /**
   * Names the node whose agent runs the store's failover job (`undefined` removes it). Only a
   * system admin may write it: it is what lets that agent write the store's state.
   */
  setFailoverNode(store: string, node: string | undefined): Promise<void>;

  listAdmins(): Promise<AdminEntry[]>;
  getAdmin(uid: string): Promise<AdminEntry | undefined>;
  /**
   * Checks an admin's password by binding as `uid=<uid>,ou=admins` on a separate connection (a
   * password sign-in to an agent, docs/delegation.md). False for a wrong password, an unknown or
   * locked admin: the directory answers all of them alike.
   */
  verifyAdminPassword(uid: string, password: string): Promise<boolean>;

  listDomains(): Promise<MailDomainEntry[]>;
  /**
   * Replaces a domain's `mailfleetDkimKey` values (public keys and selectors; docs/edge.md). Only a
   * system admin may write the domain entry (the directory's access rules).
   */
  setDomainDkimKeys(domain: string, values: string[]): Promise<void>;
  /**
   * Replaces a domain's `mailfleetSpamPolicy` (the text form parseDomainSpamPolicy reads;
   * undefined removes it: the gateway's default). A system admin or the domain's own department
   * admin may write it (the directory's access rules; docs/delegation.md).
   */
  setDomainSpamPolicy(domain: string, value: string | undefined): Promise<void>;
  /** Users matching the query, read with paged searches. */
  searchUsers(query: UserQuery): Promise<MailUserEntry[]>;
  /** The user whose mail or mailLocalAddress is this address. */
  findUserByAddress(address: string): Promise<MailUserEntry | undefined>;
  addUser(user: MailUserInput, password?: string): Promise<MailUserEntry>;
  modifyUser(address: string, change: Partial<MailUserInput>): Promise<MailUserEntry>;
  deleteUser(address: string): Promise<void>;
  /**
   * Takes, advances or removes a user's move lock in one compare-and-set (move-state.ts); rejects
   * with MoveLockConflict when the lock in place is not `change.from`.
   */
  changeMoveState(address: string, change: MoveStateChange): Promise<MailUserEntry>;
  /**
   * Writes a user's self-service settings (forwarding, vacation, spam handling) as a whole,
   * giving the entry the mailfleetSelfService class when it has none (user-self-service.ts).
   */
  setUserSelfService(address: string, settings: UserSelfService): Promise<MailUserEntry>;
  /** Sets a user's password with the LDAP Password Modify extended operation, so the server hashes it. */
  setPassword(address: string, newPassword: string): Promise<void>;
  /** Checks a user's password by binding as the user on a separate connection. */
  verifyPassword(address: string, password: string): Promise<boolean>;

  listAliases(domain: string): Promise<MailAliasEntry[]>;
  listGroups(domain: string): Promise<MailGroupEntry[]>;
  /** Adds an alias entry (`mail` forwarding to `forwardTo`) below the alias's domain. */
  addAlias(alias: MailAliasInput): Promise<MailAliasEntry>;
  /** Replaces the targets of an alias (at least one: `mailfleetForwardTo` is required). */
  setAliasTargets(mail: string, forwardTo: string[]): Promise<MailAliasEntry>;
  /** Deletes an alias entry. */
  deleteAlias(mail: string): Promise<void>;
  /** Adds a group entry with member user DNs (may be empty). */
  addGroup(group: MailGroupInput): Promise<MailGroupEntry>;
  /** Replaces the member DNs of a group (an empty list leaves it with no members). */
  setGroupMembers(domain: string, name: string, memberDns: string[]): Promise<MailGroupEntry>;
  /** Deletes a group entry (its members' entries stay). */
  deleteGroup(domain: string, name: string): Promise<void>;

  /** Which directory server the client uses now, and which did not answer. */
  linkStatus(): DirectoryLinkStatus;

  close(): Promise<void>;
}
