/** 用語の説明(マウスを重ねると出る)、内容検査が無効のとき、メール格納サーバーが応答しないときのメールボックス数の注記の日本語。 */
import type { plainWordsMessagesEn } from './plain-words-messages-en';

export const plainWordsMessagesJa = {
  'term.node':
    'ノードとは、メールシステムを構成する1台1台のサーバー(メール格納、振り分け、ゲートウェイの各サーバー)のことです。',
  'term.directory':
    'ディレクトリとは、利用者・メールアドレス・グループ・サーバーを記録した台帳(LDAP)で、すべてのサーバーがここを見て動きます。',
  'term.greylist':
    'グレイリスト: 初めての送信元からのメールを一度だけ保留し、数分後の再送を待つ仕組みです。正規のメールサーバーは再送しますが、迷惑メールの多くは再送しません。',
  'term.destination':
    '「lmtp:」は学内のメール格納サーバー(そこへ渡します)、「smtp:」は学外のメールサーバー(宛先のドメイン)です。',
  'chart.funnel.scanningOff':
    'ゲートウェイでメールの内容検査が無効です。迷惑メールの検査をしていないため、何が届いても「迷惑メール」は 0 のままです。',
  'chart.funnel.scanningOffSome':
    '{gateways} でメールの内容検査が無効です。そこを通るメールは迷惑メールの検査をしておらず、迷惑メール 0 として数えられます。',
  'totals.usersPartial': '応答しているメール格納サーバーの分のみ({n} 台が応答していません)',
} as const satisfies Record<keyof typeof plainWordsMessagesEn, string>;
