/**
 * The error codes of directory administration, their words in English and Japanese, and the error
 * schema the console receives. Only zod here: the console contract (and so the Electron preload's
 * bundle) imports this, and must not pull in the LDAP client.
 */
import { z } from 'zod';

/** The error codes, which are also the message keys. */
export const directoryAdminErrorCodes = [
  'invalid-input',
  'not-confirmed',
  'not-allowed',
  'address-not-administered',
  'not-found',
  'already-exists',
  'constraint',
  'password-policy',
  'invalid-value',
  'bad-credentials',
  'directory-down',
  'outcome-unknown',
  'directory-error',
  'quota-over-budget',
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
  'address-not-administered': {
    en: 'This address is in a mail domain this login does not administer: the directory refused it.',
    ja: 'このアドレスは、このログインが管理していないメールドメインのものです（ディレクトリが拒否しました）。',
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
  'password-policy': {
    en: 'The directory refused the password: it breaks the password rules.',
    ja: 'パスワードの規則に合わないため、ディレクトリがパスワードを受け付けませんでした。',
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
  'outcome-unknown': {
    en: 'The directory stopped answering while the change was being made: it may or may not have been saved. Look at the entry before trying again.',
    ja: '変更の途中でディレクトリが応答しなくなりました。変更が保存されたかどうかは分かりません。もう一度行う前に、項目を確認してください。',
  },
  'directory-error': { en: 'The directory refused the operation.', ja: 'ディレクトリが操作を拒否しました。' },
  'quota-over-budget': {
    en: 'This quota would take the department over its quota budget: nothing was changed. Give a smaller quota, or ask the system administrator for a larger budget.',
    ja: 'この容量では部局の容量枠を超えるため、何も変更していません。より小さい容量を指定するか、システム管理者に容量枠の拡大を依頼してください。',
  },
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
