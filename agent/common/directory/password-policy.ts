/**
 * The password policy of mailfleet's directory: what a new password for a user must be. The
 * embedded directory enforces it on every Password Modify (RFC 3062), whoever sends it (the
 * console, the CLI or a raw LDAP client), and answers constraintViolation (19) with the reason in
 * {@link passwordPolicyRefusal}'s words; the console core checks the rules it can see before asking
 * (every rule but "not the current password", which only the directory knows).
 *
 * In the shared floor because both sides use it: the directory (agent) and the console core (main).
 */

/** The bounds of a password, in characters (Unicode code points). */
export const passwordLimits = { minCharacters: 8, maxCharacters: 128 } as const;

/** Why a password is refused. */
export const passwordPolicyReasons = [
  'too-short',
  'too-long',
  'blank',
  'control-characters',
  'is-address',
  'is-old',
] as const;
/** Why a password is refused (also the message key). */
export type PasswordPolicyReason = (typeof passwordPolicyReasons)[number];

/** What each reason says to the person who typed the password, English and Japanese. */
export const passwordPolicyWords: Record<PasswordPolicyReason, { en: string; ja: string }> = {
  'too-short': {
    en: `The password is too short: use at least ${passwordLimits.minCharacters} characters (spaces do not count).`,
    ja: `パスワードが短すぎます。空白以外の文字で ${passwordLimits.minCharacters} 文字以上にしてください。`,
  },
  'too-long': {
    en: `The password is too long: use at most ${passwordLimits.maxCharacters} characters.`,
    ja: `パスワードが長すぎます。${passwordLimits.maxCharacters} 文字以内にしてください。`,
  },
  blank: {
    en: 'The password is only spaces: use letters, digits or signs.',
    ja: 'パスワードが空白だけです。文字・数字・記号を使ってください。',
  },
  'control-characters': {
    en: 'The password contains a control character (such as a line break or a tab).',
    ja: 'パスワードに改行やタブなどの制御文字が含まれています。',
  },
  'is-address': {
    en: "The password is the user's mail address or login name: anyone who knows the address could guess it.",
    ja: 'パスワードが利用者のメールアドレスまたはログイン名と同じです。アドレスを知っている人に推測されてしまいます。',
  },
  'is-old': {
    en: "This is the user's current password: choose a different one.",
    ja: '現在のパスワードと同じです。別のパスワードにしてください。',
  },
};

/** Who the password is for: their addresses (primary and further) and login name. */
export interface PasswordOwner {
  addresses: readonly string[];
  uid?: string | undefined;
}

/** Folded for comparing with an address: NFKC, lower case, no white space (`Ｔａｒｏ＠…` is `taro@…`). */
function folded(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/gu, '');
}

/**
 * The first rule `password` breaks, or undefined when it may be set. "Not the current password" is
 * not checked here: the caller that holds the stored hash checks it (the directory).
 */
export function passwordPolicyProblem(
  password: string,
  owner: PasswordOwner,
): Exclude<PasswordPolicyReason, 'is-old'> | undefined {
  // A control character cannot be typed in a login dialog; one in a password is a paste gone wrong.
  if (/\p{Cc}/u.test(password)) return 'control-characters';
  const characters = [...password].length;
  if (characters > passwordLimits.maxCharacters) return 'too-long';
  const visible = [...password.replace(/\s+/gu, '')].length;
  if (visible === 0) return 'blank';
  if (visible < passwordLimits.minCharacters) return 'too-short';
  const typed = folded(password);
  const guessable = new Set<string>();
  for (const address of owner.addresses) {
    const lower = folded(address);
    guessable.add(lower);
    guessable.add(lower.slice(0, lower.lastIndexOf('@')));
  }
  if (owner.uid) guessable.add(folded(owner.uid));
  guessable.delete('');
  for (const text of guessable) if (typed === text) return 'is-address';
  // The whole address inside it (`taro@example.ac.jp1`) is as guessable as the address.
  for (const address of owner.addresses) if (typed.includes(folded(address))) return 'is-address';
  return undefined;
}

const refusalPrefix = 'password policy';

/** The directory's diagnostic message for a refused password: the reason's code, then its words. */
export function passwordPolicyRefusal(reason: PasswordPolicyReason): string {
  return `${refusalPrefix} (${reason}): ${passwordPolicyWords[reason].en}`;
}

/**
 * slapo-ppolicy's messages for the rules it enforces (its policy entry carries pwdMinLength,
 * pwdCheckQuality 2 and pwdInHistory 1: agent/directory/slapd/database-rules.ts).
 */
const slapdRefusals: ReadonlyArray<[RegExp, PasswordPolicyReason]> = [
  [/Password fails quality checking policy/i, 'too-short'],
  [/Password is not being changed from existing value/i, 'is-old'],
  [/Password is in history of old passwords/i, 'is-old'],
];

/**
 * The reason named in a directory's diagnostic message, if it is a password policy refusal: the
 * embedded directory's own words, or slapd's ppolicy's.
 */
export function passwordPolicyReasonIn(message: string): PasswordPolicyReason | undefined {
  const found = /password policy \(([a-z-]+)\)/.exec(message)?.[1];
  const named = passwordPolicyReasons.find((reason) => reason === found);
  return named ?? slapdRefusals.find(([pattern]) => pattern.test(message))?.[1];
}
