/**
 * The core every part of the LDAP directory client stands on: the one reused connection
 * ({@link LdapSession}, bound as the client's identity), the tree of DNs, paged searches, and the
 * lookups by entry kind. The entry-kind files (ldap-servers.ts, ldap-logical-stores.ts,
 * ldap-admins.ts, ldap-mail-domains.ts, ldap-mail-users.ts, ldap-mail-lists.ts) share one link, so
 * the whole client still holds a single connection.
 */
import { readFile } from 'node:fs/promises';
import { Attribute, Change } from 'ldapts';
import { DirectoryError } from './directory-errors.js';
import { type DirectoryLinkStatus, type DirectoryUrls, directoryUrlList } from './directory-urls.js';
import type { EntryKind } from './entry-kinds.js';
import type { LdapRecord } from './entry-mapping.js';
import type { DirectoryConnection } from './fleet-directory.js';
import { FleetTree } from './fleet-entries.js';
import { and, equals } from './ldap-filter.js';
import { LdapSession } from './ldap-session.js';
import { pagedSearch, type SearchSpec } from './paged-search.js';

/** Tuning of the LDAP directory client (LdapFleetDirectory). */
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

/** How the client binds: a password file (agents, CLI) or the password itself. */
export type LdapDirectoryConnection =
  | DirectoryConnection
  | (Omit<DirectoryConnection, 'bindPasswordFile'> & { bindPassword: string });

/** The connection, tree and searches shared by the entry-kind parts of the directory client. */
export class LdapDirectoryLink {
  readonly tree: FleetTree;
  readonly session: LdapSession;
  private readonly pageSize: number;
  private readonly timeoutMs: number;

  /** Binds as `connection.bindDn` with the password given or read from `connection.bindPasswordFile`. */
  constructor(
    private readonly connection: LdapDirectoryConnection,
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

  /** A paged search (big result sets are read a page at a time). */
  search(spec: SearchSpec): Promise<LdapRecord[]> {
    return pagedSearch(this.session, spec, this.pageSize);
  }

  /** All entries of a kind directly below `base`. */
  async list<T>(kind: EntryKind<T>, base: string): Promise<T[]> {
    const filter = equals('objectClass', kind.objectClass);
    const what = `the list of ${kind.label}s`;
    return (await this.search({ what, base, scope: 'one', filter, attributes: kind.attributes })).map(
      kind.parse,
    );
  }

  /** The entry of a kind below `base` named `name`, if any. */
  async one<T>(kind: EntryKind<T>, base: string, name: string): Promise<T | undefined> {
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

  /** Which directory server the link uses now, and which did not answer. */
  status(): DirectoryLinkStatus {
    return this.session.status();
  }

  /** Closes the connection. */
  async close(): Promise<void> {
    await this.session.close();
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
}

/** Writes made only of replace modifications: the same entry however often they are applied. */
export const idempotent = { idempotent: true } as const;

/** A replace modification; an empty list removes the attribute. */
export function replaceValues(type: string, values: string[]): Change {
  return new Change({ operation: 'replace', modification: new Attribute({ type, values }) });
}

/** Orders two strings by code unit (the same order on every node, whatever its locale). */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Orders entries by their name. */
export function byName(a: { name: string }, b: { name: string }): number {
  return compare(a.name, b.name);
}
