/**
 * From what the LDAP server returned (read as `unknown`) to typed fleet entries, each checked
 * with zod. Attribute names are matched without regard to case, as LDAP does.
 */
import { z } from 'zod';
import { DirectoryError } from './directory-errors.js';
import {
  type AdminEntry,
  adminTiers,
  endpointValue,
  type LogicalStoreEntry,
  logicalStoreStates,
  type MailAliasEntry,
  type MailDomainEntry,
  type MailGroupEntry,
  type MailUserEntry,
  nodeRoles,
  nodeStates,
  type ServerEntry,
} from './fleet-entries.js';
import { moveState, parseMoveState } from './move-state.js';
import { readSelfService, selfServiceAttributes } from './user-self-service.js';

const attributeValue = z.union([z.string(), z.instanceof(Buffer)]);
const rawEntrySchema = z
  .object({ dn: z.string() })
  .catchall(z.union([attributeValue, z.array(attributeValue)]));

/** An entry as returned by the server: its DN and its values by lower-case attribute name. */
export interface LdapRecord {
  dn: string;
  values: Map<string, string[]>;
}

/** Parses one search result entry from ldapts. */
export function toLdapRecord(raw: unknown): LdapRecord {
  const parsed = rawEntrySchema.parse(raw);
  const values = new Map<string, string[]>();
  for (const [name, value] of Object.entries(parsed)) {
    if (name === 'dn') continue;
    const list = (Array.isArray(value) ? value : [value]).map((v) =>
      typeof v === 'string' ? v : v.toString('utf8'),
    );
    values.set(name.toLowerCase(), list);
  }
  return { dn: parsed.dn, values };
}

function all(record: LdapRecord, name: string): string[] {
  return record.values.get(name.toLowerCase()) ?? [];
}

function first(record: LdapRecord, name: string): string | undefined {
  return all(record, name)[0];
}

const integerText = z
  .string()
  .regex(/^-?\d+$/)
  .transform(Number);

function parseAs<T>(schema: z.ZodType<T>, kind: string, record: LdapRecord, input: unknown): T {
  const result = schema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.join('.') || 'entry';
    throw new DirectoryError(
      `${record.dn} is not a valid ${kind} entry: ${where}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return result.data;
}

/** Attributes to request for each kind of entry (never userPassword). */
export const entryAttributes = {
  server: [
    'cn',
    'mailfleetRole',
    'mailfleetNodeState',
    'mailfleetAddress',
    'mailfleetControlPort',
    'sshPublicKey',
    'mailfleetEndpoint',
    'description',
  ],
  logicalStore: [
    'cn',
    'mailfleetServedBy',
    'mailfleetReplicaNode',
    'mailfleetStoreState',
    'mailfleetStoreEpoch',
    'mailfleetFailoverNode',
  ],
  admin: ['uid', 'cn', 'displayName', 'mailfleetAdminTier', 'mailfleetAdminDomain', 'sshPublicKey'],
  domain: [
    'cn',
    'description',
    'mailfleetDefaultQuota',
    'mailfleetSpamPolicy',
    'mailfleetDkimKey',
    'mailfleetDomainQuota',
  ],
  user: [
    'uid',
    'mail',
    'cn',
    'displayName',
    'msDS-PhoneticDisplayName',
    'mailHost',
    'mailLocalAddress',
    'mailRoutingAddress',
    'mailfleetQuota',
    'mailfleetMailboxState',
    'mailfleetMoveState',
    ...selfServiceAttributes,
  ],
  alias: ['cn', 'mail', 'mailfleetForwardTo'],
  group: ['cn', 'mail', 'member'],
} as const;

const serverSchema = z.object({
  dn: z.string(),
  name: z.string().min(1),
  role: z.enum(nodeRoles),
  state: z.enum(nodeStates),
  address: z.string().min(1),
  controlPort: integerText.pipe(z.number().int().min(0).max(65535)),
  hostKeys: z.array(z.string()),
  endpoints: z.array(endpointValue),
  description: z.string().optional(),
});

/** A server entry (`cn=<node>,ou=servers`). */
export function toServerEntry(record: LdapRecord): ServerEntry {
  const parsed = parseAs(serverSchema, 'server', record, {
    dn: record.dn,
    name: first(record, 'cn'),
    role: first(record, 'mailfleetRole')?.toLowerCase(),
    state: first(record, 'mailfleetNodeState')?.toLowerCase(),
    address: first(record, 'mailfleetAddress'),
    controlPort: first(record, 'mailfleetControlPort'),
    hostKeys: all(record, 'sshPublicKey'),
    endpoints: all(record, 'mailfleetEndpoint'),
    description: first(record, 'description'),
  });
  const endpoints: Record<string, string> = {};
  for (const value of parsed.endpoints) {
    const eq = value.indexOf('=');
    endpoints[value.slice(0, eq)] = value.slice(eq + 1);
  }
  const entry: ServerEntry = { ...parsed, endpoints };
  if (parsed.description === undefined) delete entry.description;
  return entry;
}

const logicalStoreSchema = z.object({
  dn: z.string(),
  name: z.string().min(1),
  servedBy: z.string().min(1),
  replicaNode: z.string().min(1).optional(),
  state: z.enum(logicalStoreStates),
  epoch: integerText.pipe(z.number().int().nonnegative()),
  failoverNode: z.string().min(1).optional(),
});

/** A logical store entry (`cn=<store>,ou=stores`). */
export function toLogicalStoreEntry(record: LdapRecord): LogicalStoreEntry {
  const entry = parseAs(logicalStoreSchema, 'logical store', record, {
    dn: record.dn,
    name: first(record, 'cn'),
    servedBy: first(record, 'mailfleetServedBy'),
    replicaNode: first(record, 'mailfleetReplicaNode'),
    state: first(record, 'mailfleetStoreState')?.toLowerCase() ?? 'serving',
    epoch: first(record, 'mailfleetStoreEpoch') ?? '0',
    failoverNode: first(record, 'mailfleetFailoverNode'),
  });
  if (entry.replicaNode === undefined) delete entry.replicaNode;
  if (entry.failoverNode === undefined) delete entry.failoverNode;
  return entry;
}

const adminSchema = z.object({
  dn: z.string(),
  uid: z.string().min(1),
  displayName: z.string(),
  tier: z.enum(adminTiers),
  domains: z.array(z.string()),
  sshPublicKeys: z.array(z.string()),
});

/** An admin entry (`uid=<admin>,ou=admins`). */
export function toAdminEntry(record: LdapRecord): AdminEntry {
  return parseAs(adminSchema, 'admin', record, {
    dn: record.dn,
    uid: first(record, 'uid'),
    displayName: first(record, 'displayName') ?? first(record, 'cn') ?? '',
    tier: first(record, 'mailfleetAdminTier')?.toLowerCase(),
    domains: all(record, 'mailfleetAdminDomain').map((d) => d.toLowerCase()),
    sshPublicKeys: all(record, 'sshPublicKey'),
  });
}

const domainSchema = z.object({
  dn: z.string(),
  name: z.string().min(1),
  description: z.string().optional(),
  defaultQuotaBytes: integerText.optional(),
  quotaBudgetBytes: integerText.optional(),
  spamPolicy: z.string().optional(),
  dkimKeys: z.array(z.string()).optional(),
});

/** A mail domain entry (`cn=<domain>,ou=domains`). */
export function toMailDomainEntry(record: LdapRecord): MailDomainEntry {
  const entry = parseAs(domainSchema, 'mail domain', record, {
    dn: record.dn,
    name: first(record, 'cn')?.toLowerCase(),
    description: first(record, 'description'),
    defaultQuotaBytes: first(record, 'mailfleetDefaultQuota'),
    quotaBudgetBytes: first(record, 'mailfleetDomainQuota'),
    spamPolicy: first(record, 'mailfleetSpamPolicy'),
    dkimKeys: all(record, 'mailfleetDkimKey'),
  });
  if (entry.description === undefined) delete entry.description;
  if (entry.defaultQuotaBytes === undefined) delete entry.defaultQuotaBytes;
  if (entry.quotaBudgetBytes === undefined) delete entry.quotaBudgetBytes;
  if (entry.spamPolicy === undefined) delete entry.spamPolicy;
  if (!entry.dkimKeys?.length) delete entry.dkimKeys;
  return entry;
}

const userSchema = z.object({
  dn: z.string(),
  uid: z.string().min(1),
  mail: z.string().min(3),
  displayName: z.string(),
  reading: z.string().optional(),
  mailHost: z.string().min(1),
  mailLocalAddress: z.array(z.string()),
  mailRoutingAddress: z.string().optional(),
  quotaBytes: integerText.optional(),
  mailboxState: z.enum(['active', 'disabled', 'moving']),
  moveState: moveState.optional(),
});

/** A mail user entry (`uid=<local>,cn=<domain>,ou=domains`). */
export function toMailUserEntry(record: LdapRecord): MailUserEntry {
  const entry: MailUserEntry = parseAs(userSchema, 'mail user', record, {
    dn: record.dn,
    uid: first(record, 'uid'),
    mail: first(record, 'mail'),
    displayName: first(record, 'displayName') ?? first(record, 'cn') ?? '',
    reading: first(record, 'msDS-PhoneticDisplayName'),
    mailHost: first(record, 'mailHost'),
    mailLocalAddress: all(record, 'mailLocalAddress'),
    mailRoutingAddress: first(record, 'mailRoutingAddress'),
    quotaBytes: first(record, 'mailfleetQuota'),
    mailboxState: first(record, 'mailfleetMailboxState')?.toLowerCase() ?? 'active',
    moveState: parseMoveState(first(record, 'mailfleetMoveState')),
  });
  if (entry.moveState === undefined) delete entry.moveState;
  if (entry.reading === undefined) delete entry.reading;
  if (entry.mailRoutingAddress === undefined) delete entry.mailRoutingAddress;
  if (entry.quotaBytes === undefined) delete entry.quotaBytes;
  const selfService = readSelfService((name) => all(record, name));
  if (selfService) entry.selfService = selfService;
  return entry;
}

const aliasSchema = z.object({
  dn: z.string(),
  mail: z.string().min(3),
  forwardTo: z.array(z.string()).min(1),
});

/** A mail alias entry. */
export function toMailAliasEntry(record: LdapRecord): MailAliasEntry {
  return parseAs(aliasSchema, 'mail alias', record, {
    dn: record.dn,
    mail: first(record, 'mail'),
    forwardTo: all(record, 'mailfleetForwardTo'),
  });
}

const groupSchema = z.object({
  dn: z.string(),
  name: z.string().min(1),
  mail: z.string().min(3),
  memberDns: z.array(z.string()),
});

/** A mail group entry. */
export function toMailGroupEntry(record: LdapRecord): MailGroupEntry {
  return parseAs(groupSchema, 'mail group', record, {
    dn: record.dn,
    name: first(record, 'cn'),
    mail: first(record, 'mail'),
    memberDns: all(record, 'member'),
  });
}
