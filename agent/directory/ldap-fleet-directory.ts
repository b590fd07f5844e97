/**
 * The fleet directory over LDAP (ldapts): OpenLDAP loaded with our schema in production, the
 * embedded `directory` role in the lab. One connection is reused and re-bound after a loss;
 * big result sets are read with paged searches; filter values are always escaped; passwords are
 * set with Password Modify so the server hashes them, and checked by a bind on a separate
 * short-lived connection.
 */
import { readFile } from 'node:fs/promises';
import { Attribute, Change, Client, InvalidCredentialsError } from 'ldapts';
import { DirectoryError, ldapResultCodes, toDirectoryError } from './directory-errors.js';
import {
  entryAttributes,
  type LdapRecord,
  toAdminEntry,
  toLdapRecord,
  toLogicalStoreEntry,
  toMailAliasEntry,
  toMailDomainEntry,
  toMailGroupEntry,
  toMailUserEntry,
  toServerEntry,
} from './entry-mapping.js';
import type { DirectoryConnection, FleetDirectory, MailUserInput, UserQuery } from './fleet-directory.js';
import {
  type AdminEntry,
  FleetTree,
  type LogicalStoreEntry,
  type MailAliasEntry,
  type MailDomainEntry,
  type MailGroupEntry,
  type MailUserEntry,
  type NodeState,
  type ServerEntry,
  splitAddress,
} from './fleet-entries.js';
import { and, equals, type LdapFilter, or, startsWith } from './ldap-filter.js';
import { LdapSession } from './ldap-session.js';
import { endpointValues, mailUserAttributes } from './seed-entries.js';
import { userChanges } from './user-changes.js';

/** Tuning of {@link LdapFleetDirectory}. */
export interface LdapFleetDirectoryOptions {
  /** Entries per page of a paged search (default 500, slapd's default size limit). */
  pageSize?: number;
  /** Milliseconds before an operation times out (default 30 s). */
  timeoutMs?: number;
}

/** Connection details with the password itself (tests, tools that already hold it). */
export interface DirectoryCredentials {
  url: string;
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
      url: connection.url,
      bindDn: connection.bindDn,
      password: () => this.bindPassword(),
      timeoutMs: this.timeoutMs,
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
    const records = await this.search(
      'the list of servers',
      this.tree.servers,
      'one',
      equals('objectClass', 'mailfleetServer'),
      entryAttributes.server,
    );
    return records.map(toServerEntry).sort(byName);
  }

  async getServer(name: string): Promise<ServerEntry | undefined> {
    const filter = and(equals('objectClass', 'mailfleetServer'), equals('cn', name));
    const [record] = await this.search(
      `the server ${name}`,
      this.tree.servers,
      'one',
      filter,
      entryAttributes.server,
      1,
    );
    return record ? toServerEntry(record) : undefined;
  }

  async updateServer(
    name: string,
    change: {
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
    if (change.state !== undefined) replace('mailfleetNodeState', [change.state]);
    if (change.hostKeys !== undefined) replace('sshPublicKey', change.hostKeys);
    if (change.endpoints !== undefined) replace('mailfleetEndpoint', endpointValues(change.endpoints));
    if (change.address !== undefined) replace('mailfleetAddress', [change.address]);
    if (change.controlPort !== undefined) replace('mailfleetControlPort', [String(change.controlPort)]);
    if (changes.length === 0) return;
    const dn = this.tree.server(name);
    await this.session.write(
      `the update of server ${name}`,
      (c) => c.modify(dn, changes),
      `no such server ${name}`,
    );
  }

  async listLogicalStores(): Promise<LogicalStoreEntry[]> {
    const filter = equals('objectClass', 'mailfleetLogicalStore');
    const records = await this.search(
      'the list of logical stores',
      this.tree.stores,
      'one',
      filter,
      entryAttributes.logicalStore,
    );
    return records.map(toLogicalStoreEntry).sort(byName);
  }

  async getLogicalStore(name: string): Promise<LogicalStoreEntry | undefined> {
    const filter = and(equals('objectClass', 'mailfleetLogicalStore'), equals('cn', name));
    const [record] = await this.search(
      `the logical store ${name}`,
      this.tree.stores,
      'one',
      filter,
      entryAttributes.logicalStore,
      1,
    );
    return record ? toLogicalStoreEntry(record) : undefined;
  }

  async listAdmins(): Promise<AdminEntry[]> {
    const filter = equals('objectClass', 'mailfleetAdmin');
    const records = await this.search(
      'the list of admins',
      this.tree.admins,
      'one',
      filter,
      entryAttributes.admin,
    );
    return records.map(toAdminEntry).sort((a, b) => compare(a.uid, b.uid));
  }

  async getAdmin(uid: string): Promise<AdminEntry | undefined> {
    const filter = and(equals('objectClass', 'mailfleetAdmin'), equals('uid', uid));
    const [record] = await this.search(
      `the admin ${uid}`,
      this.tree.admins,
      'one',
      filter,
      entryAttributes.admin,
      1,
    );
    return record ? toAdminEntry(record) : undefined;
  }

  async listDomains(): Promise<MailDomainEntry[]> {
    const filter = equals('objectClass', 'mailfleetMailDomain');
    const records = await this.search(
      'the list of mail domains',
      this.tree.domains,
      'one',
      filter,
      entryAttributes.domain,
    );
    return records.map(toMailDomainEntry).sort(byName);
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
      const records = await this.search(
        'a user search',
        base,
        'sub',
        and(...parts),
        entryAttributes.user,
        query.limit,
      );
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
    const [record] = await this.search(
      `the user ${address}`,
      this.tree.domains,
      'sub',
      filter,
      entryAttributes.user,
      1,
    );
    return record ? toMailUserEntry(record) : undefined;
  }

  async addUser(user: MailUserInput, password?: string): Promise<MailUserEntry> {
    const dn = this.tree.user(user.mail);
    const attributes = mailUserAttributes({
      mail: user.mail,
      displayName: user.displayName,
      mailHost: user.mailHost,
      ...(user.mailLocalAddress ? { mailLocalAddress: user.mailLocalAddress } : {}),
      ...(user.mailRoutingAddress ? { mailRoutingAddress: user.mailRoutingAddress } : {}),
      ...(user.quotaBytes !== undefined && user.quotaBytes !== null ? { quotaBytes: user.quotaBytes } : {}),
      ...(user.mailboxState ? { mailboxState: user.mailboxState } : {}),
    });
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
      );
    }
    return this.requireUser(address);
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
    const client = new Client({ url: this.connection.url, timeout: this.timeoutMs, connectTimeout: 5_000 });
    try {
      await client.bind(dn, password);
      return true;
    } catch (error) {
      if (error instanceof InvalidCredentialsError) return false;
      throw toDirectoryError(error, `the password check of ${address}`, this.connection.url);
    } finally {
      await client.unbind().catch(() => {});
    }
  }

  async listAliases(domain: string): Promise<MailAliasEntry[]> {
    const filter = equals('objectClass', 'mailfleetMailAlias');
    const records = await this.search(
      `the aliases of ${domain}`,
      this.tree.domain(domain),
      'one',
      filter,
      entryAttributes.alias,
    );
    return records.map(toMailAliasEntry).sort((a, b) => compare(a.mail, b.mail));
  }

  async listGroups(domain: string): Promise<MailGroupEntry[]> {
    const filter = equals('objectClass', 'mailfleetMailGroup');
    const records = await this.search(
      `the groups of ${domain}`,
      this.tree.domain(domain),
      'one',
      filter,
      entryAttributes.group,
    );
    return records.map(toMailGroupEntry).sort(byName);
  }

  async close(): Promise<void> {
    await this.session.close();
  }

  private async requireUser(address: string): Promise<MailUserEntry> {
    const user = await this.findUserByAddress(address);
    if (!user) throw new DirectoryError(`no such user ${address}`, ldapResultCodes.noSuchObject);
    return user;
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

  /** A paged search; stops after `limit` entries. */
  private search(
    what: string,
    base: string,
    scope: 'one' | 'sub',
    filter: LdapFilter,
    attributes: readonly string[],
    limit?: number,
  ): Promise<LdapRecord[]> {
    return this.session.read(what, async (client) => {
      const records: LdapRecord[] = [];
      const pages = client.searchPaginated(base, {
        scope,
        filter,
        attributes: [...attributes],
        paged: { pageSize: limit ? Math.min(limit, this.pageSize) : this.pageSize },
      });
      for await (const page of pages) {
        for (const entry of page.searchEntries) {
          records.push(toLdapRecord(entry));
          if (limit !== undefined && records.length >= limit) return records;
        }
      }
      return records;
    });
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byName(a: { name: string }, b: { name: string }): number {
  return compare(a.name, b.name);
}
