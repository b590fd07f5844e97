/**
 * The fleet directory over LDAP (ldapts): OpenLDAP loaded with our schema in production, the
 * embedded `directory` role in the lab. One connection is reused and re-bound after a loss;
 * big result sets are read with paged searches; filter values are always escaped; passwords are
 * set with Password Modify so the server hashes them, and checked by a bind on a separate
 * short-lived connection.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Attribute, Change } from 'ldapts';
import { DirectoryError, DirectoryOutcomeUnknown, ldapResultCodes } from './directory-errors.js';
import { type DirectoryLinkStatus, type DirectoryUrls, directoryUrlList } from './directory-urls.js';
import {
  adminKind,
  type EntryKind,
  logicalStoreKind,
  mailAliasKind,
  mailDomainKind,
  mailGroupKind,
  serverKind,
} from './entry-kinds.js';
import { entryAttributes, type LdapRecord, toMailUserEntry } from './entry-mapping.js';
import type {
  DirectoryConnection,
  FleetDirectory,
  MailAliasInput,
  MailGroupInput,
  MailUserInput,
  NewServer,
  UserQuery,
} from './fleet-directory.js';
import {
  type AdminEntry,
  FleetTree,
  type LogicalStoreEntry,
  type MailAliasEntry,
  type MailDomainEntry,
  type MailGroupEntry,
  type MailUserEntry,
  type NodeRole,
  type NodeState,
  type ServerEntry,
  splitAddress,
} from './fleet-entries.js';
import { and, equals, type LdapFilter, or, startsWith } from './ldap-filter.js';
import { LdapSession } from './ldap-session.js';
import {
  isMoveLockConflict,
  MoveLockConflict,
  type MoveStateChange,
  moveStateChanges,
  sameMoveState,
} from './move-state.js';
import { pagedSearch, type SearchSpec } from './paged-search.js';
import {
  endpointValues,
  logicalStoreEntry,
  mailAliasEntry,
  mailGroupEntry,
  serverEntry,
} from './seed-entries.js';
import {
  StoreEpochConflict,
  type StoreStateChange,
  storeStateApplied,
  storeStateChanges,
} from './store-state.js';
import { newUserAttributes, userChanges } from './user-changes.js';
import { selfServiceClass, selfServiceValues, type UserSelfService } from './user-self-service.js';

/** Tuning of {@link LdapFleetDirectory}. */
export interface LdapFleetDirectoryOptions {
  /** Entries per page of a paged search (default 500, slapd's default size limit). */
  pageSize?: number;
  /** Milliseconds before an operation times out (default 30 s). */
  timeoutMs?: number;
  /** Milliseconds on a less preferred server before the preferred ones are tried again (default 60 s). */
  returnAfterMs?: number;
  /** Told when the server in use changes or one stops answering (LdapSessionOptions.onLinkChange). */
  onLinkChange?: (status: DirectoryLinkStatus) => void;
}

/** Connection details with the password itself (tests, tools that already hold it). */
export interface DirectoryCredentials {
  /** One URL, or several in order of preference. */
  url: DirectoryUrls;
  baseDn: string;
  bindDn: string;
  bindPassword: string;
}

/** {@link FleetDirectory} over LDAP. */
export class LdapFleetDirectory implements FleetDirectory {
  readonly tree: FleetTree;
  private readonly session: LdapSession;
  private readonly pageSize: number;
  private readonly timeoutMs: number;

  /** Binds as `connection.bindDn` with the password read from `connection.bindPasswordFile`. */
  constructor(
    private readonly connection:
      | DirectoryConnection
      | (Omit<DirectoryConnection, 'bindPasswordFile'> & { bindPassword: string }),
    options: LdapFleetDirectoryOptions = {},
  ) {
    this.tree = new FleetTree(connection.baseDn);
    this.pageSize = options.pageSize ?? 500;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.session = new LdapSession({
      urls: directoryUrlList(connection.url),
      baseDn: connection.baseDn,
      bindDn: connection.bindDn,
      password: () => this.bindPassword(),
      timeoutMs: this.timeoutMs,
      ...(options.returnAfterMs === undefined ? {} : { returnAfterMs: options.returnAfterMs }),
      ...(options.onLinkChange ? { onLinkChange: options.onLinkChange } : {}),
    });
  }

  /** A client bound with a password given directly instead of a password file. */
  static withPassword(
    credentials: DirectoryCredentials,
    options: LdapFleetDirectoryOptions = {},
  ): LdapFleetDirectory {
    return new LdapFleetDirectory(credentials, options);
  }

  async listServers(): Promise<ServerEntry[]> {
    return (await this.list(serverKind, this.tree.servers)).sort(byName);
  }

  async getServer(name: string): Promise<ServerEntry | undefined> {
    return this.one(serverKind, this.tree.servers, name);
  }

  async updateServer(
    name: string,
    change: {
      role?: NodeRole;
      state?: NodeState;
      hostKeys?: string[];
      endpoints?: Record<string, string>;
      address?: string;
      controlPort?: number;
    },
  ): Promise<void> {
    const changes: Change[] = [];
    const replace = (type: string, values: string[]) =>
      changes.push(new Change({ operation: 'replace', modification: new Attribute({ type, values }) }));
    if (change.role !== undefined) replace('mailfleetRole', [change.role]);
    if (change.state !== undefined) replace('mailfleetNodeState', [change.state]);
    if (change.hostKeys !== undefined) replace('sshPublicKey', change.hostKeys);
    if (change.endpoints !== undefined) replace('mailfleetEndpoint', endpointValues(change.endpoints));
    if (change.address !== undefined) replace('mailfleetAddress', [change.address]);
    if (change.controlPort !== undefined) replace('mailfleetControlPort', [String(change.controlPort)]);
    if (changes.length === 0) return;
    const dn = this.tree.server(name);
    // Replace modifications only: sending them again on another server leaves the same entry.
    await this.session.write(
      `the update of server ${name}`,
      (c) => c.modify(dn, changes),
      `no such server ${name}`,
      idempotent,
    );
  }

  async addServer(server: NewServer, bindPassword: string): Promise<ServerEntry> {
    // simpleSecurityObject needs a userPassword: a throwaway random one, replaced at once by
    // Password Modify so the server hashes the real one (slapd stores an added value as given).
    const { attributes } = serverEntry(this.tree, {
      ...server,
      password: randomBytes(32).toString('base64url'),
    });
    await this.session.write(`adding the server ${server.name}`, (c) =>
      c.add(this.tree.server(server.name), attributes),
    );
    await this.session.changePassword(
      this.tree.server(server.name),
      bindPassword,
      `no such server ${server.name}`,
    );
    const added = await this.getServer(server.name);
    if (!added) throw new DirectoryError(`the server ${server.name} was added but cannot be read back`);
    return added;
  }

  async deleteServer(name: string): Promise<void> {
    await this.session.write(
      `deleting the server ${name}`,
      (c) => c.del(this.tree.server(name)),
      `no such server ${name}`,
    );
  }

  async addLogicalStore(store: { name: string; servedBy: string }): Promise<LogicalStoreEntry> {
    const { dn, attributes } = logicalStoreEntry(this.tree, store);
    await this.session.write(`adding the logical store ${store.name}`, (c) => c.add(dn, attributes));
    const added = await this.getLogicalStore(store.name);
    if (!added) throw new DirectoryError(`the logical store ${store.name} was added but cannot be read back`);
    return added;
  }

  async deleteLogicalStore(name: string): Promise<void> {
    await this.session.write(
      `deleting the logical store ${name}`,
      (c) => c.del(this.tree.store(name)),
      `no such logical store ${name}`,
    );
  }

  async listLogicalStores(): Promise<LogicalStoreEntry[]> {
    return (await this.list(logicalStoreKind, this.tree.stores)).sort(byName);
  }

  async getLogicalStore(name: string): Promise<LogicalStoreEntry | undefined> {
    return this.one(logicalStoreKind, this.tree.stores, name);
  }

  async setReplicaNode(store: string, replicaNode: string | undefined): Promise<void> {
    const modification = new Attribute({
      type: 'mailfleetReplicaNode',
      values: replicaNode === undefined ? [] : [replicaNode],
    });
    // A replace (of nothing, for a removal): sent again on another server, it leaves the same entry.
    await this.session.write(
      `placing the replica of ${store}`,
      (c) => c.modify(this.tree.store(store), [new Change({ operation: 'replace', modification })]),
      `no such logical store ${store}`,
      idempotent,
    );
  }

  async changeStoreState(store: string, change: StoreStateChange): Promise<LogicalStoreEntry> {
    try {
      await this.writeStoreState(store, change);
    } catch (error) {
      if (!(error instanceof DirectoryOutcomeUnknown)) throw error;
      // The answer was lost: read the entry where it is now before anything is sent again (a
      // change sent twice would be refused as a conflict with itself).
      const entry = await this.getLogicalStore(store);
      if (entry && storeStateApplied(entry, change)) return entry;
      if (entry?.epoch === change.fromEpoch) await this.writeStoreState(store, change);
      else throw new StoreEpochConflict(store, change.fromEpoch, entry?.epoch, { cause: error });
    }
    const entry = await this.getLogicalStore(store);
    if (!entry) throw new StoreEpochConflict(store, change.fromEpoch, undefined);
    return entry;
  }

  /** One compare-and-set modify of a store's epoch and state; a conflict names the epoch in place. */
  private async writeStoreState(store: string, change: StoreStateChange): Promise<void> {
    try {
      await this.session.write(
        `the failover state of ${store}`,
        (c) => c.modify(this.tree.store(store), storeStateChanges(change)),
        `no such logical store ${store}`,
      );
    } catch (error) {
      if (!isMoveLockConflict(error)) throw error;
      throw new StoreEpochConflict(store, change.fromEpoch, (await this.getLogicalStore(store))?.epoch, {
        cause: error,
      });
    }
  }

  async setFailoverNode(store: string, node: string | undefined): Promise<void> {
    const modification = new Attribute({
      type: 'mailfleetFailoverNode',
      values: node === undefined ? [] : [node],
    });
    await this.session.write(
      `naming the failover node of ${store}`,
      (c) => c.modify(this.tree.store(store), [new Change({ operation: 'replace', modification })]),
      `no such logical store ${store}`,
      idempotent,
    );
  }

  async listAdmins(): Promise<AdminEntry[]> {
    return (await this.list(adminKind, this.tree.admins)).sort((a, b) => compare(a.uid, b.uid));
  }

  async getAdmin(uid: string): Promise<AdminEntry | undefined> {
    return this.one(adminKind, this.tree.admins, uid);
  }

  async listDomains(): Promise<MailDomainEntry[]> {
    return (await this.list(mailDomainKind, this.tree.domains)).sort(byName);
  }

  async setDomainDkimKeys(domain: string, values: string[]): Promise<void> {
    const modification = new Attribute({ type: 'mailfleetDkimKey', values });
    // A replace of the whole set: sent again on another server, it leaves the same entry.
    await this.session.write(
      `writing the DKIM keys of ${domain}`,
      (c) => c.modify(this.tree.domain(domain), [new Change({ operation: 'replace', modification })]),
      `no such mail domain ${domain}`,
      idempotent,
    );
  }

  async setDomainSpamPolicy(domain: string, value: string | undefined): Promise<void> {
    await this.session.write(
      `writing the spam policy of ${domain}`,
      (c) =>
        c.modify(this.tree.domain(domain), [
          replaceValues('mailfleetSpamPolicy', value === undefined ? [] : [value]),
        ]),
      `no such mail domain ${domain}`,
      idempotent,
    );
  }

  async searchUsers(query: UserQuery): Promise<MailUserEntry[]> {
    const parts: LdapFilter[] = [equals('objectClass', 'mailfleetMailUser')];
    if (query.text) {
      // mailLocalAddress has no substring rule in misc.schema: it matches on the whole address only.
      parts.push(
        or(
          startsWith('mail', query.text),
          startsWith('uid', query.text),
          startsWith('cn', query.text),
          equals('mailLocalAddress', query.text),
        ),
      );
    }
    if (query.mailHost) parts.push(equals('mailHost', query.mailHost));
    const base = query.domain ? this.tree.domain(query.domain) : this.tree.domains;
    try {
      const records = await this.search({
        what: 'a user search',
        base: base,
        scope: 'sub',
        filter: and(...parts),
        attributes: entryAttributes.user,
        limit: query.limit,
      });
      return records.map(toMailUserEntry);
    } catch (error) {
      // A domain that does not exist has no users.
      if (query.domain && error instanceof DirectoryError && error.code === ldapResultCodes.noSuchObject)
        return [];
      throw error;
    }
  }

  async findUserByAddress(address: string): Promise<MailUserEntry | undefined> {
    const filter = and(
      equals('objectClass', 'mailfleetMailUser'),
      or(equals('mail', address), equals('mailLocalAddress', address)),
    );
    const [record] = await this.search({
      what: `the user ${address}`,
      base: this.tree.domains,
      scope: 'sub',
      filter: filter,
      attributes: entryAttributes.user,
      limit: 1,
    });
    return record ? toMailUserEntry(record) : undefined;
  }

  async addUser(user: MailUserInput, password?: string): Promise<MailUserEntry> {
    const dn = this.tree.user(user.mail);
    const attributes = newUserAttributes(user);
    const [, domain] = splitAddress(user.mail);
    await this.session.write(
      `adding the user ${user.mail}`,
      (c) => c.add(dn, attributes),
      `no such mail domain ${domain}`,
    );
    // The password goes in separately, by Password Modify, so the server hashes it (slapd does not hash an add).
    if (password !== undefined) await this.setPassword(user.mail, password);
    return this.requireUser(user.mail);
  }

  async modifyUser(address: string, change: Partial<MailUserInput>): Promise<MailUserEntry> {
    const changes = userChanges(address, change);
    const dn = this.tree.user(address);
    if (changes.length > 0) {
      await this.session.write(
        `the change of user ${address}`,
        (c) => c.modify(dn, changes),
        `no such user ${address}`,
        idempotent,
      );
    }
    return this.requireUser(address);
  }

  async setUserSelfService(address: string, settings: UserSelfService): Promise<MailUserEntry> {
    const user = await this.findUserByAddress(address);
    if (!user) throw new DirectoryError(`no such user ${address}`, ldapResultCodes.noSuchObject);
    // Replaces of the whole setting: sent again, they leave the same entry.
    const changes = Object.entries(selfServiceValues(settings)).map(
      ([type, values]) => new Change({ operation: 'replace', modification: new Attribute({ type, values }) }),
    );
    const what = `the self-service settings of ${user.mail}`;
    const write = (withClass: boolean) =>
      this.session.write(
        what,
        (c) =>
          c.modify(user.dn, [
            ...(withClass
              ? [
                  new Change({
                    operation: 'add',
                    modification: new Attribute({ type: 'objectClass', values: [selfServiceClass] }),
                  }),
                ]
              : []),
            ...changes,
          ]),
        `no such user ${address}`,
        idempotent,
      );
    try {
      await write(false);
    } catch (error) {
      // An entry made before the class existed: the class is added with the values, in one modify.
      if (!(error instanceof DirectoryError) || error.code !== ldapResultCodes.objectClassViolation)
        throw error;
      await write(true);
    }
    return this.requireUser(user.mail);
  }

  async changeMoveState(address: string, change: MoveStateChange): Promise<MailUserEntry> {
    try {
      await this.writeMoveState(address, change);
    } catch (error) {
      if (!(error instanceof DirectoryOutcomeUnknown)) throw error;
      // The answer was lost (the server stopped answering after the change was sent): read the
      // lock where it is now, on whichever server answers, before anything is sent again.
      const entry = await this.findUserByAddress(address);
      const now = entry?.moveState;
      // It landed (and reached this server): the change is done; a retry would be refused as
      // "already locked" and mistaken for another job's lock.
      if (entry && sameMoveState(now, change.to)) return entry;
      // It did not land here: sent once more, still a compare-and-set, so it can only land if the
      // lock is still the one this change expects.
      if (sameMoveState(now, change.from)) await this.writeMoveState(address, change);
      else throw new MoveLockConflict(address, now, { cause: error });
    }
    return this.requireUser(address);
  }

  /** One compare-and-set modify of the move lock; a conflict reads and names the lock in place. */
  private async writeMoveState(address: string, change: MoveStateChange): Promise<void> {
    try {
      await this.session.write(
        `the move lock of ${address}`,
        (c) => c.modify(this.tree.user(address), moveStateChanges(change)),
        `no such user ${address}`,
      );
    } catch (error) {
      if (!isMoveLockConflict(error)) throw error;
      throw new MoveLockConflict(address, (await this.findUserByAddress(address))?.moveState, {
        cause: error,
      });
    }
  }

  async deleteUser(address: string): Promise<void> {
    const dn = this.tree.user(address);
    await this.session.write(`deleting the user ${address}`, (c) => c.del(dn), `no such user ${address}`);
  }

  async setPassword(address: string, newPassword: string): Promise<void> {
    await this.session.changePassword(this.tree.user(address), newPassword, `no such user ${address}`);
  }

  async verifyPassword(address: string, password: string): Promise<boolean> {
    // An empty password would make a bind "unauthenticated", which some servers accept as anonymous.
    if (password === '') return false;
    let dn: string;
    try {
      dn = this.tree.user(address);
    } catch {
      return false;
    }
    return this.session.checkPassword(dn, password, `the password check of ${address}`);
  }

  async verifyAdminPassword(uid: string, password: string): Promise<boolean> {
    // An empty password would make a bind "unauthenticated", which some servers accept as anonymous.
    if (password === '' || uid === '') return false;
    return this.session.checkPassword(this.tree.admin(uid), password, `the password check of admin ${uid}`);
  }

  async listAliases(domain: string): Promise<MailAliasEntry[]> {
    return (await this.list(mailAliasKind, this.tree.domain(domain))).sort((a, b) => compare(a.mail, b.mail));
  }

  async listGroups(domain: string): Promise<MailGroupEntry[]> {
    return (await this.list(mailGroupKind, this.tree.domain(domain))).sort(byName);
  }

  async addAlias(alias: MailAliasInput): Promise<MailAliasEntry> {
    const entry = mailAliasEntry(this.tree, alias);
    const [, domain] = splitAddress(alias.mail);
    await this.session.write(
      `adding the alias ${alias.mail}`,
      (c) => c.add(entry.dn, entry.attributes),
      `no such mail domain ${domain}`,
    );
    return this.requireAlias(alias.mail);
  }

  async setAliasTargets(mail: string, forwardTo: string[]): Promise<MailAliasEntry> {
    const change = replaceValues('mailfleetForwardTo', forwardTo);
    await this.session.write(
      `the change of alias ${mail}`,
      (c) => c.modify(this.tree.alias(mail), change),
      `no such alias ${mail}`,
      idempotent,
    );
    return this.requireAlias(mail);
  }

  async deleteAlias(mail: string): Promise<void> {
    const dn = this.tree.alias(mail);
    await this.session.write(`deleting the alias ${mail}`, (c) => c.del(dn), `no such alias ${mail}`);
  }

  async addGroup(group: MailGroupInput): Promise<MailGroupEntry> {
    const entry = mailGroupEntry(this.tree, group);
    await this.session.write(
      `adding the group ${group.name} of ${group.domain}`,
      (c) => c.add(entry.dn, entry.attributes),
      `no such mail domain ${group.domain}`,
    );
    return this.requireGroup(group.domain, group.name);
  }

  async setGroupMembers(domain: string, name: string, memberDns: string[]): Promise<MailGroupEntry> {
    const change = replaceValues('member', memberDns);
    await this.session.write(
      `the change of group ${name} of ${domain}`,
      (c) => c.modify(this.tree.group(name, domain), change),
      `no such group ${name} in ${domain}`,
      idempotent,
    );
    return this.requireGroup(domain, name);
  }

  async deleteGroup(domain: string, name: string): Promise<void> {
    const dn = this.tree.group(name, domain);
    await this.session.write(
      `deleting the group ${name} of ${domain}`,
      (c) => c.del(dn),
      `no such group ${name} in ${domain}`,
    );
  }

  linkStatus(): DirectoryLinkStatus {
    return this.session.status();
  }

  async close(): Promise<void> {
    await this.session.close();
  }

  private async requireUser(address: string): Promise<MailUserEntry> {
    const user = await this.findUserByAddress(address);
    if (!user) throw new DirectoryError(`no such user ${address}`, ldapResultCodes.noSuchObject);
    return user;
  }

  private async requireAlias(mail: string): Promise<MailAliasEntry> {
    const [, domain] = splitAddress(mail);
    const alias = await this.one(mailAliasKind, this.tree.domain(domain), mail);
    if (!alias) throw new DirectoryError(`no such alias ${mail}`, ldapResultCodes.noSuchObject);
    return alias;
  }

  private async requireGroup(domain: string, name: string): Promise<MailGroupEntry> {
    const group = await this.one(mailGroupKind, this.tree.domain(domain), name);
    if (!group) throw new DirectoryError(`no such group ${name} in ${domain}`, ldapResultCodes.noSuchObject);
    return group;
  }

  private async bindPassword(): Promise<string> {
    if ('bindPassword' in this.connection) return this.connection.bindPassword;
    try {
      return (await readFile(this.connection.bindPasswordFile, 'utf8')).replace(/\r?\n$/, '');
    } catch (error) {
      throw new DirectoryError(
        `cannot read the directory password file ${this.connection.bindPasswordFile}: ${(error as Error).message}`,
      );
    }
  }

  private search(spec: SearchSpec): Promise<LdapRecord[]> {
    return pagedSearch(this.session, spec, this.pageSize);
  }

  /** All entries of a kind directly below `base`. */
  private async list<T>(kind: EntryKind<T>, base: string): Promise<T[]> {
    const filter = equals('objectClass', kind.objectClass);
    const what = `the list of ${kind.label}s`;
    return (await this.search({ what, base, scope: 'one', filter, attributes: kind.attributes })).map(
      kind.parse,
    );
  }

  /** The entry of a kind below `base` named `name`, if any. */
  private async one<T>(kind: EntryKind<T>, base: string, name: string): Promise<T | undefined> {
    const filter = and(equals('objectClass', kind.objectClass), equals(kind.naming, name));
    const what = `the ${kind.label} ${name}`;
    const [record] = await this.search({
      what,
      base,
      scope: 'one',
      filter,
      attributes: kind.attributes,
      limit: 1,
    });
    return record ? kind.parse(record) : undefined;
  }
}

/** Writes made only of replace modifications: the same entry however often they are applied. */
const idempotent = { idempotent: true } as const;

/** A replace modification; an empty list removes the attribute. */
function replaceValues(type: string, values: string[]): Change {
  return new Change({ operation: 'replace', modification: new Attribute({ type, values }) });
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byName(a: { name: string }, b: { name: string }): number {
  return compare(a.name, b.name);
}
