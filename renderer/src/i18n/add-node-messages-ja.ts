/** 「ノードを追加」のボタンと画面の日本語 (messages-ja.ts にまとめて入る)。 */
import type { addNodeMessagesEn } from './add-node-messages-en';

export const addNodeMessagesJa = {
  'addNode.button': 'ノードを追加',
  'addNode.title': 'ノードの追加',
  'addNode.intro':
    'コンソールがあなたの ssh でサーバーにログインし（そこで sudo が使える必要があります）、mailfleet エージェントを入れて設定を書き、鍵とともにサーバーをディレクトリに登録して起動します。',
  'addNode.host': 'サーバー（ssh に渡す形で。例: admin@store36.example.edu）',
  'addNode.name': 'ノード名（小文字。例: store36）',
  'addNode.role': '役割',
  'addNode.role.store': 'メールストア（メールボックスを持ちます。同じ名前の論理ストアを作ります）',
  'addNode.role.spare': '予備機（故障したストアを引き継ぎます）',
  'addNode.address': 'コンソールの接続先アドレス（空欄: 上のサーバー）',
  'addNode.listen': '待ち受けるアドレス（空欄: すべて）',
  'addNode.controlPort': 'コンソール用ポート（空欄: 40123）',
  'addNode.mailPorts': 'LMTP・IMAP・POP3 のポート（空欄: 24, 143, 110）',
  'addNode.prefix': '代わりにこのフォルダーの下に入れる（試用。空欄: システムに入れる）',
  'addNode.sshConfig': 'ssh の設定ファイル（空欄: あなたの設定）',
  'addNode.confirm': 'ノードを追加',
  'addNode.adding': '{name} を追加しています。{host} に入れて応答を待っています。1 分ほどかかります…',
  'addNode.added':
    '{name} がフリートに加わり、{address}:{port} で応答しています。鍵はディレクトリに登録しました（{fingerprint}）。',
  'addNode.addedStore':
    '論理ストア {store} を用意しました。利用者のメールストアを {store} にするか、そこへ移動してください。',
  'addNode.failed': '{name} を追加できませんでした: {reason}',
  'addNode.badPorts':
    'ポートは 1〜65535 の数字です。メールのポートは 3 つとも書くか、すべて空欄にしてください。',
} as const satisfies Record<keyof typeof addNodeMessagesEn, string>;
