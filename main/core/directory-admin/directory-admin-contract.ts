/**
 * Every input and result of directory administration (`DirectoryAdmin`) as zod schemas, so the
 * console's typed contract (Electron IPC and the browser-mode bridge) reuses them as they are.
 * Inputs arrive as `unknown` and are parsed here; results are plain serialisable data.
 */
import { z } from 'zod';
import { directoryAdminErrorSchema } from './directory-admin-error-words.js';
import {
  userMailSettingsRefSchema,
  userMailSettingsSchema,
  userMailSettingsWriteSchema,
} from './user-mail-settings-contract.js';

/** Longest address accepted (RFC 5321: 254 octets in a path). */
const maxAddressLength = 254;

// Dot-atom local part (RFC 5322) and an LDH domain of at least two labels: what the directory's IA5
// `mail` can hold and what the director routes. Quoted local parts are refused on purpose.
const addressPattern =
  /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** A mail address, trimmed and lower-cased (the directory compares addresses without case). */
export const mailAddressSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(maxAddressLength, 'an address has at most 254 characters')
  .regex(addressPattern, 'not a mail address (local@domain)');

/** A mail domain name, lower case. */
export const mailDomainNameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'not a domain name');

/** A logical store name (`store07`): what users' `mailHost` holds. */
export const logicalStoreNameSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'not a logical store name');

/** A display name: 1 to 128 characters (Japanese included), no control characters. */
export const displayNameSchema = z
  .string()
  .trim()
  .min(1, 'the display name is empty')
  .max(128, 'a display name has at most 128 characters')
  .regex(/^[^\p{Cc}\p{Cf}]+$/u, 'the display name has control characters');

/** Smallest and largest mailbox quota an admin may set, in bytes (1 MiB to 1 TiB). */
export const quotaBounds = { minBytes: 1_048_576, maxBytes: 1_099_511_627_776 } as const;

/** A mailbox quota in bytes, or `null` for the domain's default. */
export const quotaSchema = z
  .number()
  .int('the quota is a whole number of bytes')
  .min(quotaBounds.minBytes, 'the quota is at least 1 MiB')
  .max(quotaBounds.maxBytes, 'the quota is at most 1 TiB')
  .nullable();

/**
 * A new password (the password policy, agent/common/directory/password-policy.ts, says what it may
 * be; its rules are checked apart, with their own words). It is sent to the server by Password
 * Modify (the server hashes it) and never logged or returned.
 */
export const newPasswordSchema = z
  .string()
  .min(1, 'a password is required')
  // Only a bound on what is read: the password policy (length, blank, the address, the current
  // password) is the directory's, checked with its words by checkPassword and again by the directory.
  .max(1024, 'a password has at most 1024 characters');

/**
 * The reading of a display name (furigana), in kana as people type it; stored as typed
 * (`msDS-PhoneticDisplayName`), matched by hiragana, katakana and romaji alike.
 */
export const readingSchema = z
  .string()
  .trim()
  .min(1, 'the reading is empty')
  .max(128, 'a reading has at most 128 characters')
  .regex(/^[^\p{Cc}\p{Cf}]+$/u, 'the reading has control characters');

/** Further addresses of a mailbox (`mailLocalAddress`), unique, at most 50. */
export const aliasAddressesSchema = z
  .array(mailAddressSchema)
  .max(50, 'at most 50 further addresses')
  .refine((list) => new Set(list).size === list.length, 'an address is listed twice');

/** Mailbox states an admin may set; `moving` belongs to mailbox moves. */
export const settableMailboxStates = ['active', 'disabled'] as const;

/** A user as a row of the virtualised list. */
export const userSummarySchema = z.object({
  mail: z.string(),
  uid: z.string(),
  displayName: z.string(),
  /** The display name's reading in kana, `null` when the directory has none. */
  reading: z.string().nullable(),
  domain: z.string(),
  logicalStore: z.string(),
  /** `mailLocalAddress` values. */
  aliases: z.array(z.string()),
  /** `mailRoutingAddress`, when mail is forwarded. */
  forwardTo: z.string().nullable(),
  state: z.enum(['active', 'disabled', 'moving']),
});
/** A user as a row of the virtualised list. */
export type UserSummary = z.infer<typeof userSummarySchema>;

/** Sort keys of the user list. */
export const userSortKeys = ['mail', 'displayName', 'reading', 'logicalStore'] as const;
/** A sort key of the user list. */
export type UserSortKey = (typeof userSortKeys)[number];

/** The longest search text: longer than any address or name, short enough to answer at once. */
export const userSearchMaxCharacters = 200;

/** A search of the user index: text, filters, sort, and the window the list shows. */
export const userSearchSchema = z.strictObject({
  /**
   * Substring of the address, any further address, the display name, its reading (hiragana,
   * katakana or romaji) or the uid.
   */
  text: z.string().max(userSearchMaxCharacters).default(''),
  domain: mailDomainNameSchema.optional(),
  logicalStore: logicalStoreNameSchema.optional(),
  sort: z.enum(userSortKeys).default('mail'),
  descending: z.boolean().default(false),
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(1000).default(100),
});
/** A search of the user index (input form: defaults may be left out). */
export type UserSearchInput = z.input<typeof userSearchSchema>;
/** A search of the user index, defaults filled in. */
export type UserSearch = z.output<typeof userSearchSchema>;

/** One window of search results and how many matched in all. */
export const userSearchResultSchema = z.object({
  total: z.number().int(),
  offset: z.number().int(),
  users: z.array(userSummarySchema),
  /** Users in the index (what this admin may read). */
  indexed: z.number().int(),
  /** When the index was last loaded from the directory (ms since the epoch). */
  loadedAt: z.number(),
});
/** One window of search results. */
export type UserSearchResult = z.infer<typeof userSearchResultSchema>;

/** Names a user by address (primary or further). */
export const userRefSchema = z.strictObject({ address: mailAddressSchema });

/** The user page: the list row plus quota and where it comes from. */
export const userPageSchema = userSummarySchema.extend({
  dn: z.string(),
  /** The user's own quota, `null` when the domain default applies. */
  quotaBytes: z.number().nullable(),
  /** The domain's default quota, `null` when none (no limit). */
  domainDefaultQuotaBytes: z.number().nullable(),
});
/** The user page. */
export type UserPage = z.infer<typeof userPageSchema>;

/**
 * An edit of a user. The logical store is not here: changing it is a mailbox move. Absent fields are
 * left alone; `null` removes the quota (domain default) or the forwarding.
 */
export const userUpdateSchema = z.strictObject({
  address: mailAddressSchema,
  displayName: displayNameSchema.optional(),
  /** `null` removes the reading. */
  reading: readingSchema.nullable().optional(),
  quotaBytes: quotaSchema.optional(),
  aliases: aliasAddressesSchema.optional(),
  forwardTo: mailAddressSchema.nullable().optional(),
  state: z.enum(settableMailboxStates).optional(),
});
/** An edit of a user. */
export type UserUpdate = z.infer<typeof userUpdateSchema>;

/** A password reset. */
export const passwordResetSchema = z.strictObject({
  address: mailAddressSchema,
  newPassword: newPasswordSchema,
});
/** A password reset. */
export type PasswordReset = z.infer<typeof passwordResetSchema>;

/** What a password reset returns: never the password. */
export const passwordResetResultSchema = z.object({ address: z.string(), changed: z.literal(true) });

/** A new user: an address in an existing domain, on a chosen logical store, with a first password. */
export const newUserSchema = z.strictObject({
  address: mailAddressSchema,
  displayName: displayNameSchema,
  reading: readingSchema.optional(),
  logicalStore: logicalStoreNameSchema,
  password: newPasswordSchema,
  quotaBytes: quotaSchema.optional(),
  aliases: aliasAddressesSchema.optional(),
  forwardTo: mailAddressSchema.nullable().optional(),
});
/** A new user. */
export type NewUser = z.infer<typeof newUserSchema>;

/** A deletion: the primary address typed again in `confirm`. */
export const userDeletionSchema = z
  .strictObject({ address: mailAddressSchema, confirm: z.string().trim().toLowerCase() })
  .refine((input) => input.confirm === input.address, {
    message: 'type the address again to confirm the deletion',
    path: ['confirm'],
  });
/** A deletion. */
export type UserDeletion = z.infer<typeof userDeletionSchema>;

/** What a deletion returns. */
export const userDeletionResultSchema = z.object({ address: z.string(), deleted: z.literal(true) });

/** Names a domain. */
export const domainRefSchema = z.strictObject({ domain: mailDomainNameSchema });

/** A mail domain as the directory view lists it. */
export const domainSummarySchema = z.object({
  name: z.string(),
  description: z.string().nullable(),
  defaultQuotaBytes: z.number().nullable(),
  /** The department's quota budget (`mailfleetDomainQuota`), null when it has none. */
  quotaBudgetBytes: z.number().nullable(),
  /**
   * The quotas its users have in the index, the default counted for those without one. Over the
   * budget only after a write that did not go through the console's check (with slapd, which cannot
   * sum them, an `ldapmodify` by hand; docs/delegation.md): the view says so.
   */
  quotaGivenBytes: z.number(),
  /** Users of the domain in the index. */
  users: z.number().int(),
});

/** The domains and logical stores, for the view's filters. */
export const directoryOverviewSchema = z.object({
  domains: z.array(domainSummarySchema),
  logicalStores: z.array(z.string()),
});
/** The domains and logical stores. */
export type DirectoryOverview = z.infer<typeof directoryOverviewSchema>;

/** Targets of an alias: at least one, at most 100, unique. */
const aliasTargetsSchema = z
  .array(mailAddressSchema)
  .min(1, 'an alias forwards to at least one address')
  .max(100, 'at most 100 targets')
  .refine((list) => new Set(list).size === list.length, 'a target is listed twice');

/** An alias (`mailfleetMailAlias`): an address forwarding to others. */
export const mailAliasSchema = z.object({ address: z.string(), forwardTo: z.array(z.string()) });
/** An alias. */
export type MailAlias = z.infer<typeof mailAliasSchema>;

/** Adds an alias or replaces its targets. */
export const aliasWriteSchema = z.strictObject({ address: mailAddressSchema, forwardTo: aliasTargetsSchema });
/** Adds an alias or replaces its targets. */
export type AliasWrite = z.infer<typeof aliasWriteSchema>;

/** A group name (the entry's `cn`). */
const groupNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a group name is letters, digits, dot, dash, underscore');

/** Member addresses of a group: unique, at most 5,000. */
const groupMembersSchema = z
  .array(mailAddressSchema)
  .max(5000)
  .refine((list) => new Set(list).size === list.length, 'a member is listed twice');

/** A group member: the DN the directory holds and the user's address when the DN names a user. */
export const groupMemberSchema = z.object({ dn: z.string(), address: z.string().nullable() });

/** A group (`mailfleetMailGroup`). */
export const mailGroupSchema = z.object({
  domain: z.string(),
  name: z.string(),
  address: z.string(),
  members: z.array(groupMemberSchema),
});
/** A group. */
export type MailGroup = z.infer<typeof mailGroupSchema>;

/** Names a group. */
export const groupRefSchema = z.strictObject({ domain: mailDomainNameSchema, name: groupNameSchema });

/** Adds a group. Members are user addresses; they are stored as the users' DNs. */
export const newGroupSchema = groupRefSchema.extend({
  address: mailAddressSchema,
  members: groupMembersSchema,
});
/** Adds a group. */
export type NewGroup = z.infer<typeof newGroupSchema>;

/** Replaces a group's members. */
export const groupMembersWriteSchema = groupRefSchema.extend({ members: groupMembersSchema });
/** Replaces a group's members. */
export type GroupMembersWrite = z.infer<typeof groupMembersWriteSchema>;

/** What a deletion of an alias or group returns. */
export const listDeletionResultSchema = z.object({ deleted: z.literal(true) });

/** What a refresh of the index returns. */
export const indexRefreshResultSchema = z.object({ indexed: z.number().int(), loadedAt: z.number() });

/** A domain's spam policy as the gateway applies it (the default when its entry says nothing). */
export const spamPolicySchema = z.object({
  domain: z.string(),
  mode: z.enum(['reject', 'tag', 'off']),
  /** Tag at or above this score; null: rspamd's own threshold. */
  tagScore: z.number().nullable(),
  /** Reject at or above this score; null: rspamd's own threshold. */
  rejectScore: z.number().nullable(),
  subjectPrefix: z.string(),
  /** True when the entry holds no (readable) policy and the gateway's default applies. */
  isDefault: z.boolean(),
});
/** A domain's spam policy. */
export type SpamPolicy = z.infer<typeof spamPolicySchema>;

const spamScoreSchema = z.number().finite().min(-1000).max(1000);

/** Sets a domain's spam policy: tag above a score, or also reject above a higher one. */
export const spamPolicyWriteSchema = z
  .strictObject({
    domain: mailDomainNameSchema,
    mode: z.enum(['tag', 'reject']),
    tagScore: spamScoreSchema,
    rejectScore: spamScoreSchema.nullable().optional(),
  })
  .refine((p) => p.mode === 'tag' || (p.rejectScore !== null && p.rejectScore !== undefined), {
    message: 'rejecting needs a reject score',
    path: ['rejectScore'],
  })
  .refine((p) => p.mode === 'tag' || (p.rejectScore ?? 0) > p.tagScore, {
    message: 'the reject score must be above the tag score',
    path: ['rejectScore'],
  });
/** Sets a domain's spam policy. */
export type SpamPolicyWrite = z.infer<typeof spamPolicyWriteSchema>;

/** The result of every call: the value, or an error in words (see directory-admin-errors.ts). */
export function resultSchema<T extends z.ZodType>(value: T) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: directoryAdminErrorSchema }),
  ]);
}

/** The result of a call, typed by its value. */
export type DirectoryAdminResult<T> =
  | { ok: true; value: T }
  | { ok: false; error: z.infer<typeof directoryAdminErrorSchema> };

/**
 * Every call of `DirectoryAdmin`: its input and value schemas. The console contract maps these to
 * named verbs; the result on the wire is `resultSchema(value)`.
 */
export const directoryAdminCalls = {
  overview: { input: z.strictObject({}), value: directoryOverviewSchema },
  search: { input: userSearchSchema, value: userSearchResultSchema },
  refreshIndex: { input: z.strictObject({}), value: indexRefreshResultSchema },
  user: { input: userRefSchema, value: userPageSchema },
  updateUser: { input: userUpdateSchema, value: userPageSchema },
  resetPassword: { input: passwordResetSchema, value: passwordResetResultSchema },
  addUser: { input: newUserSchema, value: userPageSchema },
  deleteUser: { input: userDeletionSchema, value: userDeletionResultSchema },
  aliases: { input: domainRefSchema, value: z.array(mailAliasSchema) },
  addAlias: { input: aliasWriteSchema, value: mailAliasSchema },
  setAliasTargets: { input: aliasWriteSchema, value: mailAliasSchema },
  deleteAlias: { input: userRefSchema, value: listDeletionResultSchema },
  groups: { input: domainRefSchema, value: z.array(mailGroupSchema) },
  addGroup: { input: newGroupSchema, value: mailGroupSchema },
  setGroupMembers: { input: groupMembersWriteSchema, value: mailGroupSchema },
  deleteGroup: { input: groupRefSchema, value: listDeletionResultSchema },
  spamPolicy: { input: domainRefSchema, value: spamPolicySchema },
  setSpamPolicy: { input: spamPolicyWriteSchema, value: spamPolicySchema },
  userMailSettings: { input: userMailSettingsRefSchema, value: userMailSettingsSchema },
  setUserMailSettings: { input: userMailSettingsWriteSchema, value: userMailSettingsSchema },
} as const;

/** The name of a call of `DirectoryAdmin`. */
export type DirectoryAdminCall = keyof typeof directoryAdminCalls;
/** The value type of a call. */
export type DirectoryAdminValue<C extends DirectoryAdminCall> = z.infer<
  (typeof directoryAdminCalls)[C]['value']
>;
