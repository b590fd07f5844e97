/**
 * Errors of directory administration in plain words, English and Japanese: the LDAP result codes
 * and connection failures of the directory client, and refused input, each mapped to one code the
 * console shows (and may branch on).
 */
import { z } from 'zod';
import { DirectoryError, isConnectionError } from '../../../agent/directory/directory-errors.js';

/** The error codes, which are also the message keys. */
export const directoryAdminErrorCodes = [
  'invalid-input',
  'not-confirmed',
  'not-allowed',
  'not-found',
  'already-exists',
  'constraint',
  'invalid-value',
  'bad-credentials',
  'directory-down',
  'directory-error',
] as const;
/** An error code (also its message key). */
export type DirectoryAdminErrorCode = (typeof directoryAdminErrorCodes)[number];

/** What each code says, in English and Japanese. */
export const directoryAdminErrorTexts: Record<DirectoryAdminErrorCode, { en: string; ja: string }> = {
  'invalid-input': { en: 'The input is not valid.', ja: '入力内容が正しくありません。' },
  'not-confirmed': {
    en: 'Type the address again exactly to confirm.',
    ja: '確認のため、アドレスをもう一度正確に入力してください。',
  },
  'not-allowed': {
    en: 'You are not allowed to do this: the directory refused it.',
    ja: 'この操作は許可されていません（ディレクトリが拒否しました）。',
  },
  'not-found': {
    en: 'There is no such entry in the directory.',
    ja: 'ディレクトリに該当する項目がありません。',
  },
  'already-exists': {
    en: 'This address or name is already in use.',
    ja: 'このアドレスまたは名前は既に使われています。',
  },
  constraint: {
    en: 'The directory refused the values: they break one of its rules.',
    ja: 'ディレクトリの規則に反するため、値が受け付けられませんでした。',
  },
  'invalid-value': {
    en: 'The directory refused a value as invalid.',
    ja: 'ディレクトリが値を不正として受け付けませんでした。',
  },
  'bad-credentials': {
    en: "The directory refused this console's login.",
    ja: 'ディレクトリがこのコンソールのログインを拒否しました。',
  },
  'directory-down': {
    en: 'The directory cannot be reached. Try again in a moment.',
    ja: 'ディレクトリに接続できません。しばらくしてから再度お試しください。',
  },
  'directory-error': { en: 'The directory refused the operation.', ja: 'ディレクトリが操作を拒否しました。' },
};

/** An error as the console receives it. */
export const directoryAdminErrorSchema = z.object({
  code: z.enum(directoryAdminErrorCodes),
  message: z.object({ en: z.string(), ja: z.string() }),
  /** The details in words (English): what was refused, or which input and why. Never a password. */
  detail: z.string().nullable(),
  /** For refused input: the field, e.g. `quotaBytes` or `aliases.2`. */
  field: z.string().nullable(),
});
/** An error as the console receives it. */
export type DirectoryAdminError = z.infer<typeof directoryAdminErrorSchema>;

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
  if (error instanceof DirectoryError) {
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
