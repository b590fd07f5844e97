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
} as const satisfies Record<keyof typeof failoverMessagesEn, string>;
