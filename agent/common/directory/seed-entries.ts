/**
 * Builders of the LDAP entries of the fleet tree from typed inputs, for seeding a directory (the
 * lab seeds 40,000 users with these) and for the directory client's writes. Each returns a
 * {@link DirectoryEntry}: feed them to `importDirectoryEntries`, to an LDIF file, or to an LDAP add.
 * Passwords are given in cleartext (the server or the import hashes them) or already hashed.
 */
import type { DirectoryEntry } from './directory-entry.js';
import { parseDn } from './distinguished-name.js';
import type { AdminTier, FleetTree, MailUserEntry, NodeRole, NodeState } from './fleet-entries.js';

/** The suffix entry and the four containers (servers, stores, admins, domains). */
export function directoryBaseEntries(tree: FleetTree, organization = 'mailfleet'): DirectoryEntry[] {
  const first = parseDn(tree.baseDn)[0]?.[0];
  const suffix: DirectoryEntry = { dn: tree.baseDn, attributes: {} };
  if (first?.type.toLowerCase() === 'dc') {
    suffix.attributes = {
      objectClass: ['top', 'dcObject', 'organization'],
      dc: [first.value],
      o: [organization],
    };
  } else if (first?.type.toLowerCase() === 'ou') {
    suffix.attributes = { objectClass: ['top', 'organizationalUnit'], ou: [first.value] };
  } else {
    suffix.attributes = { objectClass: ['top', 'organization'], o: [first?.value ?? organization] };
  }
  const container = (dn: string, ou: string): DirectoryEntry => ({
    dn,
    attributes: { objectClass: ['top', 'organizationalUnit'], ou: [ou] },
  });
  return [
    suffix,
    container(tree.servers, 'servers'),
    container(tree.stores, 'stores'),
    container(tree.admins, 'admins'),
    container(tree.domains, 'domains'),
  ];
}

/** A machine of the fleet. Its agent binds as this entry with `password`. */
export interface ServerSeed {
  name: string;
  role: NodeRole;
  state?: NodeState;
  address: string;
  controlPort: number;
  /** OpenSSH one-line host keys. */
  hostKeys?: string[];
  /** Endpoints by service name: `{ smtp: '10.0.0.5:25' }`. */
  endpoints?: Record<string, string>;
  description?: string;
  password: string;
}

/** `cn=<name>,ou=servers,<base>`: device + simpleSecurityObject + ldapPublicKey + mailfleetServer. */
export function serverEntry(tree: FleetTree, server: ServerSeed): DirectoryEntry {
  const attributes: Record<string, string[]> = {
    objectClass: ['top', 'device', 'simpleSecurityObject', 'ldapPublicKey', 'mailfleetServer'],
    cn: [server.name],
    mailfleetRole: [server.role],
    mailfleetNodeState: [server.state ?? 'active'],
    mailfleetAddress: [server.address],
    mailfleetControlPort: [String(server.controlPort)],
    userPassword: [server.password],
  };
  setIfAny(attributes, 'sshPublicKey', server.hostKeys ?? []);
  setIfAny(attributes, 'mailfleetEndpoint', endpointValues(server.endpoints ?? {}));
  setIfAny(attributes, 'description', server.description ? [server.description] : []);
  return { dn: tree.server(server.name), attributes };
}

/** `name=host:port` values of an endpoint map, sorted by name. */
export function endpointValues(endpoints: Record<string, string>): string[] {
  return Object.entries(endpoints)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, hostPort]) => `${name}=${hostPort}`);
}

/** `cn=<name>,ou=stores,<base>`: the logical store users' mailHost names. */
export function logicalStoreEntry(
  tree: FleetTree,
  store: { name: string; servedBy: string; replicaNode?: string },
): DirectoryEntry {
  const attributes: Record<string, string[]> = {
    objectClass: ['top', 'mailfleetLogicalStore'],
    cn: [store.name],
    mailfleetServedBy: [store.servedBy],
  };
  setIfAny(attributes, 'mailfleetReplicaNode', store.replicaNode ? [store.replicaNode] : []);
  return { dn: tree.store(store.name), attributes };
}

/** A console administrator. */
export interface AdminSeed {
  uid: string;
  displayName: string;
  tier: AdminTier;
  /** Delegated mail domains (lower case), for the `domain` tier. */
  domains?: string[];
  sshPublicKeys?: string[];
  password?: string;
}

/** `uid=<uid>,ou=admins,<base>`: inetOrgPerson + ldapPublicKey + mailfleetAdmin. */
export function adminEntry(tree: FleetTree, admin: AdminSeed): DirectoryEntry {
  const attributes: Record<string, string[]> = {
    objectClass: [
      'top',
      'person',
      'organizationalPerson',
      'inetOrgPerson',
      'ldapPublicKey',
      'mailfleetAdmin',
    ],
    uid: [admin.uid],
    cn: [admin.displayName],
    sn: [surname(admin.displayName, admin.uid)],
    displayName: [admin.displayName],
    mailfleetAdminTier: [admin.tier],
  };
  setIfAny(
    attributes,
    'mailfleetAdminDomain',
    (admin.domains ?? []).map((d) => d.toLowerCase()),
  );
  setIfAny(attributes, 'sshPublicKey', admin.sshPublicKeys ?? []);
  setIfAny(attributes, 'userPassword', admin.password ? [admin.password] : []);
  return { dn: tree.admin(admin.uid), attributes };
}

/** `cn=<domain>,ou=domains,<base>`: a mail domain (name in lower case). */
export function mailDomainEntry(
  tree: FleetTree,
  domain: {
    name: string;
    description?: string;
    defaultQuotaBytes?: number;
    quotaBudgetBytes?: number;
    spamPolicy?: string;
    dkimKeys?: string[];
  },
): DirectoryEntry {
  const name = domain.name.toLowerCase();
  const attributes: Record<string, string[]> = { objectClass: ['top', 'mailfleetMailDomain'], cn: [name] };
  setIfAny(attributes, 'description', domain.description ? [domain.description] : []);
  setIfAny(
    attributes,
    'mailfleetDefaultQuota',
    domain.defaultQuotaBytes !== undefined ? [String(domain.defaultQuotaBytes)] : [],
  );
  setIfAny(
    attributes,
    'mailfleetDomainQuota',
    domain.quotaBudgetBytes !== undefined ? [String(domain.quotaBudgetBytes)] : [],
  );
  setIfAny(attributes, 'mailfleetSpamPolicy', domain.spamPolicy ? [domain.spamPolicy] : []);
  setIfAny(attributes, 'mailfleetDkimKey', domain.dkimKeys ?? []);
  return { dn: tree.domain(name), attributes };
}

/** A mail user. */
export interface MailUserSeed {
  /** Primary address, `local@domain`. */
  mail: string;
  displayName: string;
  /** The reading of the display name (`msDS-PhoneticDisplayName`), in kana. */
  reading?: string;
  /** Logical store name. */
  mailHost: string;
  mailLocalAddress?: string[];
  mailRoutingAddress?: string;
  quotaBytes?: number;
  mailboxState?: MailUserEntry['mailboxState'];
  password?: string;
}

/** `uid=<local>,cn=<domain>,ou=domains,<base>`: inetOrgPerson + inetLocalMailRecipient + mailfleetMailUser. */
export function mailUserEntry(tree: FleetTree, user: MailUserSeed): DirectoryEntry {
  return { dn: tree.user(user.mail), attributes: mailUserAttributes(user) };
}

/** The attributes of a mail user entry (also what the directory client writes). */
export function mailUserAttributes(user: MailUserSeed): Record<string, string[]> {
  const at = user.mail.lastIndexOf('@');
  const uid = user.mail.slice(0, at);
  const attributes: Record<string, string[]> = {
    objectClass: [
      'top',
      'person',
      'organizationalPerson',
      'inetOrgPerson',
      'inetLocalMailRecipient',
      'mailfleetMailUser',
    ],
    uid: [uid],
    mail: [user.mail],
    cn: [user.displayName],
    sn: [surname(user.displayName, uid)],
    displayName: [user.displayName],
    mailHost: [user.mailHost],
    mailfleetMailboxState: [user.mailboxState ?? 'active'],
  };
  setIfAny(attributes, 'msDS-PhoneticDisplayName', user.reading ? [user.reading] : []);
  setIfAny(attributes, 'mailLocalAddress', user.mailLocalAddress ?? []);
  setIfAny(attributes, 'mailRoutingAddress', user.mailRoutingAddress ? [user.mailRoutingAddress] : []);
  setIfAny(attributes, 'mailfleetQuota', user.quotaBytes !== undefined ? [String(user.quotaBytes)] : []);
  setIfAny(attributes, 'userPassword', user.password ? [user.password] : []);
  return attributes;
}

/** `cn=<address>,cn=<domain>,ou=domains,<base>`: an alias forwarding to other addresses. */
export function mailAliasEntry(
  tree: FleetTree,
  alias: { mail: string; forwardTo: string[] },
): DirectoryEntry {
  return {
    dn: tree.alias(alias.mail),
    attributes: {
      objectClass: ['top', 'mailfleetMailAlias'],
      cn: [alias.mail],
      mail: [alias.mail],
      mailfleetForwardTo: [...alias.forwardTo],
    },
  };
}

/** `cn=<name>,cn=<domain>,ou=domains,<base>`: a mail group whose members are user DNs. */
export function mailGroupEntry(
  tree: FleetTree,
  group: { name: string; domain: string; mail: string; memberDns?: string[] },
): DirectoryEntry {
  const attributes: Record<string, string[]> = {
    objectClass: ['top', 'mailfleetMailGroup'],
    cn: [group.name],
    mail: [group.mail],
  };
  setIfAny(attributes, 'member', group.memberDns ?? []);
  return { dn: tree.group(group.name, group.domain), attributes };
}

function surname(displayName: string, fallback: string): string {
  return displayName.trim().split(/\s+/).pop() || fallback;
}

function setIfAny(attributes: Record<string, string[]>, name: string, values: string[]): void {
  if (values.length > 0) attributes[name] = values;
}
