/** 「ログイン制限」画面の日本語 (messages-ja.ts にまとめて入る)。 */
import type { lockoutMessagesEn } from './lockout-messages-en';

export const lockoutMessagesJa = {
  'nav.lockouts': 'ログイン制限',
  'lockouts.title': 'ログイン制限',
  'lockouts.intro':
    'パスワードの誤りが続いたユーザー名・ディレクトリのエントリ・接続元アドレスです（IMAP・POP3 でのメール受信、メール送信、ディレクトリ）。メールのユーザーは3回誤ると、次の試行まで 1秒、2秒、4秒…と待つ必要があり、15分間に10回誤ると5分間ログインできません。接続元アドレスは10回まで待ちなしで、30回で停止します（1つのアドレスを大勢で使っていることがあります）。ディレクトリのエントリは10回誤ると5分間停止します。メールのログインはディレクトリでパスワードを確かめるため、何度も誤ったユーザーは両方で停止していることがあります。その場合は両方の行を解除してください。解除は本人確認ができたときだけにしてください。',
  'lockouts.empty': '現在、停止中や待機中のユーザー・アドレスはありません。',
  'lockouts.count': '{n} 件',
  'lockouts.node': 'ノード',
  'lockouts.service': '確認した仕組み',
  'lockouts.service.mail': 'メールのログイン',
  'lockouts.service.directory': 'ディレクトリ (LDAP)',
  'lockouts.kind.dn': 'ディレクトリのエントリ',
  'lockouts.kind': '種類',
  'lockouts.name': 'ユーザー名またはアドレス',
  'lockouts.failures': '誤ったパスワード（15分間）',
  'lockouts.until': '再試行できる時刻',
  'lockouts.state': '状態',
  'lockouts.kind.user': 'ユーザー',
  'lockouts.kind.address': '接続元アドレス',
  'lockouts.locked': '停止中',
  'lockouts.waiting': '待機中',
  'lockouts.unlock': '解除',
  'lockouts.unlockLabel': '{node} の {name} の制限を解除',
  'lockouts.unlocked': '{node} の {name} の制限を解除しました。すぐにログインできます。',
  'lockouts.unlockFailed': '{node} の {name} の制限を解除できませんでした。',
  'lockouts.nodeFailed': '{node} が応答しません: {detail}',
} as const satisfies Record<keyof typeof lockoutMessagesEn, string>;
