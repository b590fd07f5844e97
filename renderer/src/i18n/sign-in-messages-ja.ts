/** 日本語: サインインページとサインイン中のヘッダー (messages-ja.ts に展開)。 */
import type { signInMessagesEn } from './sign-in-messages-en';

export const signInMessagesJa = {
  'signIn.title': 'メールコンソールにサインイン',
  'signIn.intro':
    'ディレクトリのユーザー名とパスワード (システム管理者から渡されたもの) でサインインしてください。コンソールには、あなたの役割でできることだけが表示されます。',
  'signIn.uid': 'ユーザー名',
  'signIn.password': 'パスワード',
  'signIn.submit': 'サインイン',
  'signIn.working': 'サインインしています…',
  'signIn.loading': 'コンソールを開いています…',
  'signIn.reason.signed-out': 'サインアウトしました。',
  'signIn.reason.idle': 'コンソールが {time} 使われなかったため、サインアウトしました。',
  'signIn.reason.password-refused':
    'パスワードが受け付けられなくなったため、サインアウトしました (変更された、またはアカウントがロック・削除された可能性があります)。現在のパスワードでサインインしてください。',
  'signIn.failed': 'サインインできませんでした: {detail}',
  'session.signedInAs': '{name} ({tier}) としてサインイン中',
  'session.tier.system': 'システム管理者',
  'session.tier.helpdesk': 'ヘルプデスク',
  'session.tier.domain': '部局管理者: {domains}',
  'session.signOut': 'サインアウト',
  'session.viewHidden': 'このページはコンソールでのあなたの役割に含まれていません。',
} as const satisfies Record<keyof typeof signInMessagesEn, string>;
