/**
 * The kinds of entry the directory client lists and looks up: their object class, naming
 * attribute, the attributes to request and the parser to the typed entry.
 */
import {
  entryAttributes,
  type LdapRecord,
  toAdminEntry,
  toLogicalStoreEntry,
  toMailAliasEntry,
  toMailDomainEntry,
  toMailGroupEntry,
  toServerEntry,
} from './entry-mapping.js';
import type {
  AdminEntry,
  LogicalStoreEntry,
  MailAliasEntry,
  MailDomainEntry,
  MailGroupEntry,
  ServerEntry,
} from './fleet-entries.js';

/** One kind of entry. */
export interface EntryKind<T> {
  /** In messages: "the server store01", "the list of servers". */
  label: string;
  objectClass: string;
  /** Attribute whose value names the entry below its container. */
  naming: string;
  attributes: readonly string[];
  parse: (record: LdapRecord) => T;
}

export const serverKind: EntryKind<ServerEntry> = {
  label: 'server',
  objectClass: 'mailfleetServer',
  naming: 'cn',
  attributes: entryAttributes.server,
  parse: toServerEntry,
};

export const logicalStoreKind: EntryKind<LogicalStoreEntry> = {
  label: 'logical store',
  objectClass: 'mailfleetLogicalStore',
  naming: 'cn',
  attributes: entryAttributes.logicalStore,
  parse: toLogicalStoreEntry,
};

export const adminKind: EntryKind<AdminEntry> = {
  label: 'admin',
  objectClass: 'mailfleetAdmin',
  naming: 'uid',
  attributes: entryAttributes.admin,
  parse: toAdminEntry,
};

export const mailDomainKind: EntryKind<MailDomainEntry> = {
  label: 'mail domain',
  objectClass: 'mailfleetMailDomain',
  naming: 'cn',
  attributes: entryAttributes.domain,
  parse: toMailDomainEntry,
};

export const mailAliasKind: EntryKind<MailAliasEntry> = {
  label: 'alias',
  objectClass: 'mailfleetMailAlias',
  naming: 'cn',
  attributes: entryAttributes.alias,
  parse: toMailAliasEntry,
};

export const mailGroupKind: EntryKind<MailGroupEntry> = {
  label: 'group',
  objectClass: 'mailfleetMailGroup',
  naming: 'cn',
  attributes: entryAttributes.group,
  parse: toMailGroupEntry,
};
