/**
 * The fleet directory over LDAP (ldapts): OpenLDAP loaded with our schema in production, the
 * embedded `directory` role in the lab. One connection is reused and re-bound after a loss;
 * big result sets are read with paged searches; filter values are always escaped; passwords are
 * set with Password Modify so the server hashes them, and checked by a bind on a separate
 * short-lived connection.
 *
 * This class is the one door callers use; the work is done by one part per kind of entry
 * (ldap-servers.ts, ldap-logical-stores.ts, ldap-admins.ts, ldap-mail-domains.ts,
 * ldap-mail-users.ts, ldap-mail-lists.ts), all on one shared link (ldap-directory-link.ts).
 */
import type { DirectoryLinkStatus } from './directory-urls.js';
import type {
  FleetDirectory,
  MailAliasInput,
  MailGroupInput,
  MailUserInput,
  NewServer,
  UserQuery,
} from './fleet-directory.js';
import type {
  AdminEntry,
  FleetTree,
  LogicalStoreEntry,
  MailAliasEntry,
  MailDomainEntry,
  MailGroupEntry,
  MailUserEntry,
  ServerEntry,
} from './fleet-entries.js';
import { LdapAdmins } from './ldap-admins.js';
import {
  type DirectoryCredentials,
  type LdapDirectoryConnection,
  LdapDirectoryLink,
  type LdapFleetDirectoryOptions,
} from './ldap-directory-link.js';
import { LdapLogicalStores } from './ldap-logical-stores.js';
import { LdapMailDomains } from './ldap-mail-domains.js';
import { LdapMailLists } from './ldap-mail-lists.js';
import { LdapMailUsers } from './ldap-mail-users.js';
import { LdapServers } from './ldap-servers.js';
import type { MoveStateChange } from './move-state.js';
import type { StoreStateChange } from './store-state.js';
import type { UserSelfService } from './user-self-service.js';

// Callers import the client's options and credentials from here, beside the class.
export type { DirectoryCredentials, LdapFleetDirectoryOptions } from './ldap-directory-link.js';

/** {@link FleetDirectory} over LDAP. */
export class LdapFleetDirectory implements FleetDirectory {
  readonly tree: FleetTree;
  private readonly link: LdapDirectoryLink;
  private readonly servers: LdapServers;
  private readonly stores: LdapLogicalStores;
  private readonly admins: LdapAdmins;
  private readonly domains: LdapMailDomains;
  private readonly users: LdapMailUsers;
  private readonly mailLists: LdapMailLists;

  /** Binds as `connection.bindDn` with the password read from `connection.bindPasswordFile`. */
  constructor(connection: LdapDirectoryConnection, options: LdapFleetDirectoryOptions = {}) {
    this.link = new LdapDirectoryLink(connection, options);
    this.tree = this.link.tree;
    this.servers = new LdapServers(this.link);
    this.stores = new LdapLogicalStores(this.link);
    this.admins = new LdapAdmins(this.link);
    this.domains = new LdapMailDomains(this.link);
    this.users = new LdapMailUsers(this.link);
    this.mailLists = new LdapMailLists(this.link);
  }

  /** A client bound with a password given directly instead of a password file. */
  static withPassword(
    credentials: DirectoryCredentials,
    options: LdapFleetDirectoryOptions = {},
  ): LdapFleetDirectory {
    return new LdapFleetDirectory(credentials, options);
  }

  // Servers (ldap-servers.ts).

  listServers(): Promise<ServerEntry[]> {
    return this.servers.listServers();
  }

  getServer(name: string): Promise<ServerEntry | undefined> {
    return this.servers.getServer(name);
  }

  updateServer(name: string, change: Parameters<FleetDirectory['updateServer']>[1]): Promise<void> {
    return this.servers.updateServer(name, change);
  }

  addServer(server: NewServer, bindPassword: string): Promise<ServerEntry> {
    return this.servers.addServer(server, bindPassword);
  }

  deleteServer(name: string): Promise<void> {
    return this.servers.deleteServer(name);
  }

  // Logical stores and their failover state (ldap-logical-stores.ts).

  addLogicalStore(store: { name: string; servedBy: string }): Promise<LogicalStoreEntry> {
    return this.stores.addLogicalStore(store);
  }

  deleteLogicalStore(name: string): Promise<void> {
    return this.stores.deleteLogicalStore(name);
  }

  listLogicalStores(): Promise<LogicalStoreEntry[]> {
    return this.stores.listLogicalStores();
  }

  getLogicalStore(name: string): Promise<LogicalStoreEntry | undefined> {
    return this.stores.getLogicalStore(name);
  }

  setReplicaNode(store: string, replicaNode: string | undefined): Promise<void> {
    return this.stores.setReplicaNode(store, replicaNode);
  }

  changeStoreState(store: string, change: StoreStateChange): Promise<LogicalStoreEntry> {
    return this.stores.changeStoreState(store, change);
  }

  setFailoverNode(store: string, node: string | undefined): Promise<void> {
    return this.stores.setFailoverNode(store, node);
  }

  // Admins (ldap-admins.ts).

  listAdmins(): Promise<AdminEntry[]> {
    return this.admins.listAdmins();
  }

  getAdmin(uid: string): Promise<AdminEntry | undefined> {
    return this.admins.getAdmin(uid);
  }

  verifyAdminPassword(uid: string, password: string): Promise<boolean> {
    return this.admins.verifyAdminPassword(uid, password);
  }

  // Mail domains, their DKIM keys and spam policy (ldap-mail-domains.ts).

  listDomains(): Promise<MailDomainEntry[]> {
    return this.domains.listDomains();
  }

  setDomainDkimKeys(domain: string, values: string[]): Promise<void> {
    return this.domains.setDomainDkimKeys(domain, values);
  }

  setDomainSpamPolicy(domain: string, value: string | undefined): Promise<void> {
    return this.domains.setDomainSpamPolicy(domain, value);
  }

  // Mail users, their self-service settings, move lock and password (ldap-mail-users.ts).

  searchUsers(query: UserQuery): Promise<MailUserEntry[]> {
    return this.users.searchUsers(query);
  }

  findUserByAddress(address: string): Promise<MailUserEntry | undefined> {
    return this.users.findUserByAddress(address);
  }

  addUser(user: MailUserInput, password?: string): Promise<MailUserEntry> {
    return this.users.addUser(user, password);
  }

  modifyUser(address: string, change: Partial<MailUserInput>): Promise<MailUserEntry> {
    return this.users.modifyUser(address, change);
  }

  setUserSelfService(address: string, settings: UserSelfService): Promise<MailUserEntry> {
    return this.users.setUserSelfService(address, settings);
  }

  changeMoveState(address: string, change: MoveStateChange): Promise<MailUserEntry> {
    return this.users.changeMoveState(address, change);
  }

  deleteUser(address: string): Promise<void> {
    return this.users.deleteUser(address);
  }

  setPassword(address: string, newPassword: string): Promise<void> {
    return this.users.setPassword(address, newPassword);
  }

  verifyPassword(address: string, password: string): Promise<boolean> {
    return this.users.verifyPassword(address, password);
  }

  // Aliases and groups (ldap-mail-lists.ts).

  listAliases(domain: string): Promise<MailAliasEntry[]> {
    return this.mailLists.listAliases(domain);
  }

  listGroups(domain: string): Promise<MailGroupEntry[]> {
    return this.mailLists.listGroups(domain);
  }

  addAlias(alias: MailAliasInput): Promise<MailAliasEntry> {
    return this.mailLists.addAlias(alias);
  }

  setAliasTargets(mail: string, forwardTo: string[]): Promise<MailAliasEntry> {
    return this.mailLists.setAliasTargets(mail, forwardTo);
  }

  deleteAlias(mail: string): Promise<void> {
    return this.mailLists.deleteAlias(mail);
  }

  addGroup(group: MailGroupInput): Promise<MailGroupEntry> {
    return this.mailLists.addGroup(group);
  }

  setGroupMembers(domain: string, name: string, memberDns: string[]): Promise<MailGroupEntry> {
    return this.mailLists.setGroupMembers(domain, name, memberDns);
  }

  deleteGroup(domain: string, name: string): Promise<void> {
    return this.mailLists.deleteGroup(domain, name);
  }

  // The link.

  linkStatus(): DirectoryLinkStatus {
    return this.link.status();
  }

  async close(): Promise<void> {
    await this.link.close();
  }
}
