/** 事務担当者向けの文言(issue 17): メールが待っている理由、メール追跡、応答しないノードのページ。 */
import type { clerkMessagesEn } from './clerk-messages-en';

export const clerkMessagesJa = {
  'story.place.store': 'メール格納先 {store}',
  'story.place.remote': '{domain} の受信サーバー',
  'story.place.unknown': '次の配送先',
  'story.delivered': '{place} に配達しました。',
  'story.bounced': '差出人に返送しました（{why}）。',
  'story.held': '管理者が保留にしています。解除されるまで配送しません。',
  'story.pending': '{place} への最初の配送を待っています。',
  'story.nextAt': '次は {next} に配送を試みます。',
  'story.nextNow': 'まもなく配送を試みます。',
  'story.until': '届かないままの場合、{expires} までここで待ち、その後差出人に返送します。',
  'story.deferred.no-answer': '{place} が応答していません。',
  'story.deferred.busy': '{place} が混み合っていて、後で送り直すよう求められました。',
  'story.deferred.mailbox-full': '受信者のメールボックスがいっぱいです（{place} が今は受け取れません）。',
  'story.deferred.no-such-user': '{place} から、今はその利用者がいないと返されました。',
  'story.deferred.expired': '待ち時間が長くなりすぎました。',
  'story.deferred.no-mail-domain': '{place} の場所が今は見つかりません。',
  'story.deferred.refused': '{place} に今は受け取りを断られました。',
  'story.deferred.try-later': '{place} から、後で送り直すよう求められました。',
  'story.deferred.permanent': '{place} に受け取りを断られました。',
  'story.deferred.other': '{place} への前回の配送はうまくいきませんでした。',
  'story.why.no-answer': '受信サーバーが応答しませんでした',
  'story.why.busy': '受信サーバーが混み合ったままでした',
  'story.why.mailbox-full': 'メールボックスがいっぱいです',
  'story.why.no-such-user': '受信側にその利用者がいません',
  'story.why.expired': '配送できないまま待ち時間が長くなりすぎました',
  'story.why.no-mail-domain': '宛先のドメインはメールを受け取りません',
  'story.why.refused': '受信サーバーに受け取りを断られました',
  'story.why.try-later': '受信サーバーから後で送り直すよう求められ続けました',
  'story.why.permanent': '受信サーバーに受け取りを断られました（再送しても届きません）',
  'story.why.other': '配送できませんでした',
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
  'trace.step.greylisted':
    '{node}（ゲートウェイ）が送信元のサーバーに数分後の再送を求めました。初めての送信元からのメールは一度だけ保留する仕組み（グレイリスト）で、正規のメールサーバーは再送しますが、迷惑メールの多くは再送しません。',
  'trace.step.refusedUnknownUser':
    '{node}（ゲートウェイ）が受け取りを拒否しました。この宛先の利用者はいません。',
  'trace.step.refusedForgedSender':
    '{node}（ゲートウェイ）が受け取りを拒否しました。送信者のドメインが公開している方針(DMARC)で、確認に通らないメールは拒否するよう求めているためです。',
  'trace.step.refusedVirus': '{node}（ゲートウェイ）が受け取りを拒否しました。ウイルスが含まれていました。',
  'trace.step.refusedSpam': '{node}（ゲートウェイ）が迷惑メールとして受け取りを拒否しました。',
  'trace.step.relayedScanned':
    '{node}（ゲートウェイ）が {client} から受け取り、迷惑メール検査をしてから振り分けサーバーに渡しました。',
  'trace.step.relayedUnscanned':
    '{node}（ゲートウェイ）が {client} から受け取り、振り分けサーバーに渡しました（内容検査が無効のため、迷惑メール検査はしていません）。',
  'trace.step.received': '{node}（振り分けサーバー）が配送待ちキューに受け付けました。',
} as const satisfies Record<keyof typeof clerkMessagesEn, string>;
