/**
 * The directory calls of the console contract (`directory.*`): each is a call of main/core's
 * DirectoryAdmin with its own input schema as params and its result, a value or an error in words
 * (English and Japanese), as the result. So a refusal of the directory reaches the renderer as data
 * it shows, not as a transport failure. Plus `directory.mailbox`: quota use and last login of a
 * user, asked of the store node that serves the user's logical store.
 *
 * `directory.resetPassword` and `directory.addUser` carry a password in: it goes to the directory
 * (LDAP Password Modify) and is never in a result, a log line or an event.
 */
import { z } from 'zod';
import {
  directoryAdminCalls,
  resultSchema,
  userRefSchema,
} from '../core/directory-admin/directory-admin-contract.js';
import type { directoryAdminErrorSchema } from '../core/directory-admin/directory-admin-error-words.js';

function adminCall<I extends z.ZodType, V extends z.ZodType>(spec: { input: I; value: V }, summary: string) {
  return { params: spec.input, result: resultSchema(spec.value), summary };
}

/** Quota use and last login of a user's mailbox, from the store that serves it. */
export const mailboxUsageSchema = z.object({
  address: z.string(),
  logicalStore: z.string(),
  /** The node serving the logical store now. */
  node: z.string(),
  /** False when the mailbox is not made yet (first delivery or login makes it). */
  exists: z.boolean(),
  usedBytes: z.number(),
  messages: z.number().int(),
  /** 0: no limit. */
  limitBytes: z.number(),
  lastLoginAt: z.number().nullable(),
});
/** Quota use and last login of a user's mailbox. */
export type MailboxUsage = z.infer<typeof mailboxUsageSchema>;

/** Every `directory.*` call, merged into `consoleCalls`. */
export const directoryConsoleCalls = {
  'directory.overview': adminCall(
    directoryAdminCalls.overview,
    'Mail domains (with user counts) and logical stores.',
  ),
  'directory.search': adminCall(
    directoryAdminCalls.search,
    'One window of the users matching a text, domain, store.',
  ),
  'directory.refreshIndex': adminCall(
    directoryAdminCalls.refreshIndex,
    'Reload the user index from the directory.',
  ),
  'directory.user': adminCall(directoryAdminCalls.user, "A user's page, read fresh from the directory."),
  'directory.updateUser': adminCall(
    directoryAdminCalls.updateUser,
    'Edit a user (display name, quota, addresses, forwarding).',
  ),
  'directory.resetPassword': adminCall(
    directoryAdminCalls.resetPassword,
    "Set a user's password (never returned).",
  ),
  'directory.addUser': adminCall(
    directoryAdminCalls.addUser,
    'Add a user on a logical store with a first password.',
  ),
  'directory.deleteUser': adminCall(
    directoryAdminCalls.deleteUser,
    'Delete a user; the address must be typed again.',
  ),
  'directory.aliases': adminCall(directoryAdminCalls.aliases, "A domain's aliases."),
  'directory.addAlias': adminCall(directoryAdminCalls.addAlias, 'Add an alias.'),
  'directory.setAliasTargets': adminCall(directoryAdminCalls.setAliasTargets, "Replace an alias's targets."),
  'directory.deleteAlias': adminCall(directoryAdminCalls.deleteAlias, 'Delete an alias.'),
  'directory.groups': adminCall(directoryAdminCalls.groups, "A domain's groups."),
  'directory.addGroup': adminCall(directoryAdminCalls.addGroup, 'Add a group.'),
  'directory.setGroupMembers': adminCall(directoryAdminCalls.setGroupMembers, "Replace a group's members."),
  'directory.deleteGroup': adminCall(directoryAdminCalls.deleteGroup, 'Delete a group.'),
  'directory.spamPolicy': adminCall(directoryAdminCalls.spamPolicy, "A domain's spam policy at the gateway."),
  'directory.setSpamPolicy': adminCall(
    directoryAdminCalls.setSpamPolicy,
    "Set a domain's spam policy: tag, or reject, and the scores (its department admin or the system tier).",
  ),
  'directory.userMailSettings': adminCall(
    directoryAdminCalls.userMailSettings,
    "A user's forwarding, vacation reply and spam handling (the self-service settings).",
  ),
  'directory.setUserMailSettings': adminCall(
    directoryAdminCalls.setUserMailSettings,
    "Set a user's forwarding, vacation reply and spam handling (its department admin, helpdesk or system tier).",
  ),
  'directory.mailbox': {
    params: userRefSchema,
    result: resultSchema(mailboxUsageSchema),
    summary: "A user's quota use and last login, from the store serving the user's logical store.",
  },
} as const;

/** An error in words of a directory call. */
export type DirectoryCallError = z.infer<typeof directoryAdminErrorSchema>;
