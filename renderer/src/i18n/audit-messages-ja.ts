/** 操作記録の対象とディレクトリ(利用者情報の台帳)の変更の日本語(issue 17 の 10)。 */
import type { auditMessagesEn } from './audit-messages-en';

export const auditMessagesJa = {
  'audit.target': '対象',
  'audit.target.user': '利用者 {name}',
  'audit.target.alias': '別名アドレス {name}',
  'audit.target.group': 'グループ {name}',
  'audit.target.domain': 'ドメイン {name}',
  'audit.target.admin': '管理者 {name}',
  'audit.target.server': 'ノード {name}',
  'audit.target.store': 'メール保管サーバー {name}',
  'audit.target.message': 'メール {name}',
  'audit.target.entry': '{name}',
  'audit.changed': '変更した項目: {list}',
  'audit.attribute.userpassword': 'パスワード(値は記録しません)',
  'audit.attribute.displayname': '氏名',
  'audit.attribute.mailfleetquota': '容量制限',
  'audit.attribute.maillocaladdress': '別のアドレス',
  'audit.attribute.member': 'メンバー',
  'tier.directory': 'ディレクトリ',
  'tier.directory-root': 'ディレクトリの管理用アカウント',
  'method.directory.add': 'ディレクトリへの追加',
  'method.directory.modify': 'ディレクトリの変更',
  'method.directory.delete': 'ディレクトリからの削除',
  'method.directory.rename': 'ディレクトリの名前変更',
  'method.directory.password': 'パスワードの再設定',
  'method.auth.unlock': 'ログイン制限の解除',
} as const satisfies Record<keyof typeof auditMessagesEn, string>;
