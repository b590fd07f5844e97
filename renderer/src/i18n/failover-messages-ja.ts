/** フェイルオーバーのボタン・確認画面・手順の日本語 (messages-ja.ts にまとめて入る)。 */
import type { failoverMessagesEn } from './failover-messages-en';

export const failoverMessagesJa = {
  'failover.button': '{node} に切り替える（フェイルオーバー）',
  'failover.buttonOf': '{store} を {node} に切り替える（フェイルオーバー）',
  'failover.systemOnly': '{store} の {node} への切り替え（フェイルオーバー）はシステム管理者が行えます。',
  'failover.dialog.title': '{store} のフェイルオーバー',
  'failover.dialog.planning': '{store} の切り替え手順を確認しています…',
  'failover.plan.serves':
    '{takeOver} が複製から {store} をすぐに引き継ぎます。{failed} は切り離され、復旧しても {store} を扱いません。',
  'failover.plan.spare':
    '{store} の新しい複製を {spare} に裏で作ります。複製が追いついたら {spare} が {store} を引き継ぎます（メールとログインが約 2 秒止まります）。{takeOver} は複製を持ち続けます。',
  'failover.plan.noSpare': '空いている予備機がありません。複製先を決めるまで {store} には複製がありません。',
  'failover.plan.users':
    '{store} の利用者は数秒間ログインできません。その後、メールソフトが自動でつなぎ直します。',
  'failover.plan.protected':
    '失われるメールはありません。{store} が受け取ったメールはすべて {takeOver} にもあります。',
  'failover.plan.unprotected':
    '{failed} が止まったとき、{takeOver} の複製は最新ではありませんでした。{failed} にしか届いていないメールは、{failed} を修理するまでそこに残ります。',
  'failover.plan.unknown':
    '{takeOver} の複製が最新だったか分かりません。{failed} にしか届いていないメールは、{failed} を修理するまでそこに残ります。',
  'failover.ask': '{store} を {takeOver} に切り替えますか？',
  'failover.confirm': '{node} に切り替える',
  'failover.refused': '{store} は切り替えられません: {reason}',
  'failover.failed': '切り替えを始められませんでした: {reason}',
  'failover.running': '{store}: {node} に切り替え中',
  'failover.servedBy': '{store} は {node} が担当中',
  'failover.stopped': '{store} の切り替えが止まりました: {reason}',
  'failover.step.fence': '{node} を切り離す',
  'failover.step.stop-old': '{node} での提供を止める',
  'failover.step.promote': '複製を本番に切り替える',
  'failover.step.repoint': '複製から提供を始める',
  'failover.step.reroute': 'ログインとメールの行き先を変える',
  'failover.step.rebuild': '新しい複製を作る',
  'failover.step.switch': '{spare} に移す（メールとログインが約 2 秒止まります）',
  // Switch to spare (maintenance) and Make spare, on a store node's page.
  'spare.switch.button': '予備機に切り替える（保守）',
  'spare.switch.buttonOf': '{store} を予備機に切り替える（保守）',
  'spare.switch.title': '{store} を予備機に切り替える',
  'spare.switch.planning': '{store} の切り替え手順を確認しています…',
  'spare.switch.ask': '{store} を {spare} に切り替えますか？（今はノード {node} が担当）',
  'spare.switch.copyFull':
    'まず {store} のメールをすべて {spare} にコピーします（全メールボックス、裏で行います。その間も {store} は使えます）。',
  'spare.switch.copyReplica': '{spare} は {store} の複製を持っています。最後の変更だけを先にコピーします。',
  'spare.switch.pause':
    'そのあと {spare} が引き継ぐ間、メールとログインが約 2 秒止まります。何も失われません。',
  'spare.switch.after':
    '以後は {spare} が {store} を担当し、ノード {node} はその複製を持ち続けます。{node} の保守中も {store} は保護されています。',
  'spare.switch.confirm': '{spare} に切り替える',
  'spare.switch.refused': '{store} は予備機に切り替えられません: {reason}',
  'spare.switching': '{store}: {spare} に切り替え中',
  'spare.step.copy': '{spare} にコピーする',
  'spare.make.button': '予備機にする',
  'spare.make.title': '{node} を予備機にする',
  'spare.make.planning': '{node} を予備機にできるか確認しています…',
  'spare.make.ask': '{node} をこのシステムの予備機にしますか？',
  'spare.make.wipe':
    '{node} にある古いメールのコピーはすべて削除されます（以前担当していたストアのメールボックス（今は他のノードが担当）と複製）。元に戻せません。',
  'spare.make.confirm': '古いメールを削除して {node} を予備機にする',
  'spare.make.done':
    '{node} は予備機になりました。{stores} の古いメールボックス {mailboxes} 個を削除しました。',
  'spare.make.refused': '{node} は予備機にできません: {reason}',
  'spare.make.serves':
    '{node} はまだ {stores} を担当しています。先に予備機へ切り替えるかフェイルオーバーしてください',
  'spare.make.holdsReplica':
    '{node} は {stores} の複製を持っていて、それを保護しています。先に複製を別のノードに移してください',
  'spare.failed': '実行できませんでした: {reason}',
} as const satisfies Record<keyof typeof failoverMessagesEn, string>;
