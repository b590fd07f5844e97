/** What the self-service page says, in Japanese and English (plain words, docs/self-service.md). */

/** The page's languages. */
export type PageLanguage = 'ja' | 'en';

const words = {
  title: { ja: 'メール設定', en: 'Mail settings' },
  signInTitle: { ja: 'メール設定にサインイン', en: 'Sign in to your mail settings' },
  address: { ja: 'メールアドレス', en: 'Mail address' },
  password: { ja: 'パスワード', en: 'Password' },
  signIn: { ja: 'サインイン', en: 'Sign in' },
  signOut: { ja: 'サインアウト', en: 'Sign out' },
  signedInAs: { ja: 'サインイン中:', en: 'Signed in as' },
  forwarding: { ja: '転送', en: 'Forwarding' },
  forwardTo: { ja: '転送先（1行に1アドレス）', en: 'Forward to (one address per line)' },
  keepCopy: { ja: 'このメールボックスにも残す', en: 'Keep a copy in this mailbox' },
  vacation: { ja: '不在通知', en: 'Vacation reply' },
  vacationOn: { ja: '不在通知を送る', en: 'Send a vacation reply' },
  subject: { ja: '件名', en: 'Subject' },
  body: { ja: '本文', en: 'Text' },
  start: { ja: '開始日', en: 'From' },
  end: { ja: '終了日（この日の0時まで）', en: 'Until (midnight starting this day)' },
  spam: { ja: '迷惑メール', en: 'Spam' },
  spamNone: { ja: '何もしない（受信箱へ）', en: 'Nothing (into the inbox)' },
  spamJunk: { ja: '迷惑メールフォルダへ入れる', en: 'Put it in the Junk folder' },
  spamReject: { ja: 'スコアがこの値以上なら受け取らない', en: 'Refuse it at or above this score' },
  save: { ja: '保存', en: 'Save' },
  saved: { ja: '保存しました。', en: 'Saved.' },
  quota: { ja: '容量', en: 'Mailbox size' },
  quotaLimit: { ja: '上限', en: 'Limit' },
  quotaDomainDefault: { ja: '部局の既定値', en: 'the department default' },
  quotaInUse: { ja: '使用中', en: 'In use' },
  quotaNoLimit: { ja: '上限なし', en: 'no limit' },
  quotaUseUnavailable: {
    ja: '使用量はいま確認できません（メールボックスのサーバーが応答しません）。しばらくしてから再読み込みしてください。',
    en: 'The use is not available right now (the mailbox server does not answer). Reload the page later.',
  },
  changePassword: { ja: 'パスワードの変更', en: 'Change your password' },
  currentPassword: { ja: '現在のパスワード', en: 'Current password' },
  newPassword: { ja: '新しいパスワード', en: 'New password' },
  newPasswordAgain: { ja: '新しいパスワード（確認）', en: 'New password again' },
  passwordChanged: { ja: 'パスワードを変更しました。', en: 'Your password is changed.' },
  language: { ja: 'English', en: '日本語' },
  // Refusals: nothing was changed.
  wrongPassword: {
    ja: 'メールアドレスまたはパスワードが違います。',
    en: 'The mail address or the password is wrong.',
  },
  throttled: {
    ja: '失敗が続いたため、しばらく待ってからやり直してください。',
    en: 'Too many failed attempts: wait a while, then try again.',
  },
  unavailable: {
    ja: 'いまはディレクトリに接続できません。しばらくしてからやり直してください。',
    en: 'The directory cannot be reached now. Try again later.',
  },
  expired: {
    ja: '一定時間操作がなかったため、サインアウトしました。もう一度サインインしてください。',
    en: 'You were signed out after a while without use. Sign in again.',
  },
  badForm: {
    ja: 'フォームが古いか、別のページから送られました。何も変更していません。',
    en: 'The form is out of date or came from another page. Nothing was changed.',
  },
  forwardLoop: {
    ja: 'この転送先はあなた自身に戻ってくるため設定できません。何も変更していません。',
    en: 'That forwarding comes back to you (a loop), so it is refused. Nothing was changed.',
  },
  vacationDates: {
    ja: '終了日は開始日より後にしてください。何も変更していません。',
    en: 'The vacation must end after it starts. Nothing was changed.',
  },
  badSetting: {
    ja: '入力に誤りがあります。何も変更していません:',
    en: 'Something is wrong in the form. Nothing was changed:',
  },
  passwordsDiffer: {
    ja: '新しいパスワードが2回とも同じではありません。何も変更していません。',
    en: 'The two new passwords are not the same. Nothing was changed.',
  },
  currentPasswordWrong: {
    ja: '現在のパスワードが違います。何も変更していません。',
    en: 'The current password is wrong. Nothing was changed.',
  },
} as const;

/** A word's key. */
export type WordKey = keyof typeof words;

/** The word in the page's language. */
export function say(language: PageLanguage, key: WordKey): string {
  return words[key][language];
}
