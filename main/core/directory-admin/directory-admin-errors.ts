/**
 * Errors of directory administration in plain words, English and Japanese: the LDAP result codes
 * and connection failures of the directory client, and refused input, each mapped to one code the
 * console shows (and may branch on).
 */
import { z } from 'zod';
import {
  DirectoryError,
  DirectoryOutcomeUnknown,
  isConnectionError,
} from '../../../agent/common/directory/directory-errors.js';
import {
  type PasswordPolicyReason,
  passwordPolicyProblem,
  passwordPolicyReasonIn,
  passwordPolicyWords,
} from '../../../agent/common/directory/password-policy.js';
import {
  type DirectoryAdminError,
  type DirectoryAdminErrorCode,
  directoryAdminErrorTexts,
} from './directory-admin-error-words.js';

export {
  type DirectoryAdminError,
  type DirectoryAdminErrorCode,
  directoryAdminErrorCodes,
  directoryAdminErrorSchema,
  directoryAdminErrorTexts,
} from './directory-admin-error-words.js';

// LDAP result codes (RFC 4511) by the code they map to.
const codesByLdapResult: Record<number, DirectoryAdminErrorCode> = {
  19: 'constraint', // constraintViolation
  20: 'constraint', // attributeOrValueExists
  66: 'constraint', // notAllowedOnNonLeaf
  17: 'invalid-value', // undefinedAttributeType
  21: 'invalid-value', // invalidAttributeSyntax
  34: 'invalid-value', // invalidDNSyntax
  64: 'invalid-value', // namingViolation
  65: 'invalid-value', // objectClassViolation
  32: 'not-found', // noSuchObject
  49: 'bad-credentials', // invalidCredentials
  50: 'not-allowed', // insufficientAccessRights
  68: 'already-exists', // entryAlreadyExists
  51: 'directory-down', // busy
  52: 'directory-down', // unavailable
};

/** An error of a code, with details. */
export function directoryAdminError(
  code: DirectoryAdminErrorCode,
  detail: string | null = null,
  field: string | null = null,
): DirectoryAdminError {
  return { code, message: { ...directoryAdminErrorTexts[code] }, detail, field };
}

/** A failure already in words: refused before the directory was asked. */
export class AdminRefusal extends Error {
  constructor(readonly error: DirectoryAdminError) {
    super(error.detail ?? error.code);
    this.name = 'AdminRefusal';
  }
}

/** Throws a refusal already in words. */
export function refuse(code: DirectoryAdminErrorCode, detail: string, field: string | null = null): never {
  throw new AdminRefusal(directoryAdminError(code, detail, field));
}

/**
 * A password refused by the password policy: the reason's own words (not the code's), so the
 * person reads what to change. `field` is the input that carried it, when known.
 */
export function passwordError(
  reason: PasswordPolicyReason,
  field: string | null,
  detail: string = `password policy: ${reason}`,
): DirectoryAdminError {
  return { code: 'password-policy', message: { ...passwordPolicyWords[reason] }, detail, field };
}

/**
 * Refuses a password that breaks the policy's rules this side can see (all but "not the current
 * one", which the directory checks), before the directory is asked; the directory checks again.
 */
export function checkPassword(password: string, addresses: string[], uid: string, field: string): void {
  const reason = passwordPolicyProblem(password, { addresses, uid });
  if (reason) throw new AdminRefusal(passwordError(reason, field));
}

/** Fields that exist on a user but are written by other operations, and which operation. */
const notEditableHere: Record<string, string> = {
  logicalStore: 'the logical store is changed by a mailbox move, not by an edit',
  mailHost: 'the logical store is changed by a mailbox move, not by an edit',
  mail: 'the primary address cannot be changed: add the new address as a further address',
};

/** Refused input, from the first zod issue (a wrong confirmation gets its own code). */
export function inputError(error: z.ZodError): DirectoryAdminError {
  const issue = error.issues[0];
  if (!issue) return directoryAdminError('invalid-input');
  if (issue.code === 'unrecognized_keys') {
    const field = issue.keys[0] ?? null;
    const why = (field && notEditableHere[field]) ?? 'not a field of this operation';
    return directoryAdminError('invalid-input', `${field}: ${why}`, field);
  }
  const field = issue.path.map(String).join('.') || null;
  const code = field === 'confirm' ? 'not-confirmed' : 'invalid-input';
  // zod's messages name the rule, never the refused value, so a password cannot leak through here.
  return directoryAdminError(code, `${field ?? 'input'}: ${issue.message}`, field);
}

/** Any failure of a directory operation, in words. */
export function toDirectoryAdminError(error: unknown): DirectoryAdminError {
  if (error instanceof AdminRefusal) return error.error;
  if (error instanceof z.ZodError) return inputError(error);
  if (error instanceof DirectoryOutcomeUnknown) return directoryAdminError('outcome-unknown', error.message);
  if (error instanceof DirectoryError) {
    if (error.code === 19 && /non-unique/i.test(error.message)) return secondHolder(error.message);
    // The embedded directory's own budget check (domain-quota-budget.ts), for writes not checked here first.
    if (error.code === 19 && /quota budget of \S+ exceeded/.test(error.message))
      return directoryAdminError('quota-over-budget', error.message, 'quotaBytes');
    const passwordReason = error.code === 19 ? passwordPolicyReasonIn(error.message) : undefined;
    if (passwordReason) return passwordError(passwordReason, null, error.message);
    if (error.code === 50) {
      const foreign = foreignAddress(error.message);
      if (foreign) return foreign;
    }
    const mapped = error.code === undefined ? undefined : codesByLdapResult[error.code];
    if (mapped) return directoryAdminError(mapped, error.message);
    if (error.code === undefined && isConnectionError(error.cause)) {
      return directoryAdminError('directory-down', error.message);
    }
    return directoryAdminError('directory-error', error.message);
  }
  if (isConnectionError(error)) return directoryAdminError('directory-down', (error as Error).message);
  return directoryAdminError('directory-error', error instanceof Error ? error.message : String(error));
}

/**
 * The directory refused an address in a domain the writer does not administer (the embedded
 * directory says which and why; slapd's access rules refuse it with no reason, which stays
 * `not-allowed`).
 */
function foreignAddress(message: string): DirectoryAdminError | undefined {
  // embedded: "... may not give the address a@x to <dn>: x is not one of its mail domains"
  const found =
    /may not give the address (\S+) to .*: (?:(\S+) is not one of its mail domains|it has no domain)$/.exec(
      message,
    );
  if (!found) return undefined;
  const [, address, domain] = found;
  return directoryAdminError(
    'address-not-administered',
    domain
      ? `${address} is in ${domain}, which is not one of the mail domains this login administers`
      : `${address} has no mail domain`,
  );
}

/**
 * The directory refused a second holder of an address (slapd's unique overlay, the embedded
 * directory's same rule; both answer constraintViolation, 19). The holder may be in a domain this
 * login cannot read, so the words say so rather than naming it.
 */
function secondHolder(message: string): DirectoryAdminError {
  // slapd: "non-unique attributes found with (|(mail=a@x))"; embedded: "... the address a@x is already held ...".
  const addresses = [
    ...[...message.matchAll(/\((?:mail|mailLocalAddress)=([^()]+)\)/gi)].map((m) => m[1]),
    ...[...message.matchAll(/the address (\S+) is already held/gi)].map((m) => m[1]),
  ];
  // slapd names every address the write carries, not the one held: then it is "one of" them.
  const distinct = [...new Set(addresses)];
  const which =
    distinct.length === 0
      ? 'an address'
      : distinct.length === 1
        ? distinct[0]
        : `one of ${distinct.join(', ')}`;
  return directoryAdminError(
    'already-exists',
    `${which} is already used by another user, alias or group (perhaps in a domain this login cannot read)`,
  );
}
