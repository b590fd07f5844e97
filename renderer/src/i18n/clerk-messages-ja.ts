/** 事務担当者向けの文言(issue 17): メールが待っている理由、メール追跡、応答しないノードのページ。 */
import { mailStoryWordsJa } from '../../../main/console/mail-story';
import type { clerkMessagesEn } from './clerk-messages-en';

export const clerkMessagesJa = {
  // Why mail waits and the Mail Trace's steps: shared with the CLI (main/console/mail-story.ts).
  ...mailStoryWordsJa,
  'story.rawReply': 'サーバーの応答（技術担当者向け）',
  'nav.trace': 'メール追跡',
  'dir.search.limit':
    '検索できるのは {n} 文字までです（どのアドレスや氏名よりも長い長さです）。最初の {n} 文字で検索しています。',
  'queues.msg.subject': '件名',
  'queues.msg.noSubject': '（件名なし）',
  'queues.whole':
    '{node} のキュー全体: {n} 通（再送待ちの宛先 {deferred} 件、初回配送待ち {pending} 件、保留中 {held} 件）。',
  'queues.filterInForce': '絞り込み中: {filter}。下の表と一覧は、条件に合う {n} 通だけを表示しています。',
  'queues.filterClear': 'キュー全体を表示',
  'nodeDown.title': '{node} は {time} から応答していません（{age}前から）。',
  'nodeDown.meaning.store':
    'このサーバーの利用者はメールを読めません（メールボックスへのログインができません）。新しいメールは振り分けサーバーの配送待ちキューで待ち、サーバーが応答すれば配達されます。待っている間にメールが失われることはありません。',
  'nodeDown.meaning.spare':
    'このサーバーに利用者のメールはありませんが、停止中は故障したメール格納先の切り替え先がありません。',
  'nodeDown.meaning.director':
    'メールボックスへの配達が止まり、メールソフトからログインできません（振り分けサーバーがメールとログインを振り分けています）。外部からのメールは送信元のサーバーで待ち、再送されます。',
  'nodeDown.meaning.gateway':
    '外部からのメールが届きません。送信元のサーバーがメールを保持して再送します（通常は数日間）。学内どうしのメールには影響しません。',
  'nodeDown.meaning.directory':
    '利用者ディレクトリを使うログインやメールの振り分けができません（他のディレクトリサーバーが応答する場合を除く）。',
  'nodeDown.todo': '対処方法',
  'nodeDown.restart':
    '{node} を再起動してください（マシン、またはその上の mailfleet-agent サービス）。できない場合は技術担当者に依頼してください。',
  'nodeDown.failover':
    'すぐに復旧できない場合は、このメール格納先を予備サーバーに切り替え（フェイルオーバー）て、利用者がメールを読めるようにしてください。',
  'nodeDown.back': 'サーバーが応答すれば、このページは自動的に切り替わります。',
  'nodeDown.noCharts': '{node} は応答していないため、グラフの数値は届きません。',
  'node.services.notKnown': '現在は不明（最後の報告: {state}）',
  'dir.edit.reading': '氏名の読み（かな）',
  'dir.edit.readingHint':
    '姓を先に（例: さとう ひろし）。ひらがな・カタカナ・ローマ字のどれでも検索できます。',
  'dir.sort.label': '並び順',
  'dir.sort.mail': 'アドレス順',
  'dir.sort.displayName': '氏名順',
  'dir.sort.reading': '読み順（あいうえお順）',
  'dir.sort.logicalStore': 'メール格納先順',
  'dir.fact.reading': '読み',
  'trace.title': 'メール追跡: このメールはどこにある？',
  'trace.hint':
    'メールアドレス（差出人または宛先）か Message-ID を入力してください。各ゲートウェイと振り分けサーバーが、そのメールをどう扱ったかを示します。',
  'trace.search.label': 'メールアドレスまたは Message-ID',
  'trace.search.submit': '追跡',
  'trace.search.again': 'もう一度調べる',
  'trace.empty':
    'このようなメールを扱ったゲートウェイ・振り分けサーバーはありません（各サーバーは直近の 50,000 件の記録を覚えています）。',
  'trace.truncated': '新しい記録だけを表示しています。古い記録を見るには条件を絞ってください。',
  'trace.failures': '次のサーバーが応答しなかったため、その部分は表示できません: {nodes}',
  'trace.pair': '{sender} から {recipient} へ',
  'trace.details': '詳細（技術担当者向け）',
} as const satisfies Record<keyof typeof clerkMessagesEn, string>;
