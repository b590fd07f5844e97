/** 日本語: 部局管理者のキュー・迷惑メール画面 (messages-ja.ts に展開)。 */
import type { departmentMessagesEn } from './department-messages-en';

export const departmentMessagesJa = {
  'department.queues.intro':
    'あなたのドメイン ({domains}) 宛て・発のメールで、ディレクターで待っているものです。どこにあり、なぜ待っているかを示します。保留・再送・削除はシステム管理者とヘルプデスクだけができます。',
  'department.queues.director': 'ディレクター',
  'department.queues.noDirector': 'ディレクターがまだ見つかりません。',
  'department.spam.intro':
    'あなたのドメイン ({domains}) 宛てのメールについて、このゲートウェイが直近 1 時間に判定した迷惑メールの数です。他の部局のメールは数えていません。',
  'department.policy.title': 'あなたのドメインの迷惑メール対策',
  'department.policy.domain': 'ドメイン',
  'department.policy.mode': '迷惑メールの扱い',
  'department.policy.mode.tag': '迷惑メールの印を付けて配送する',
  'department.policy.mode.reject': '印を付け、さらに高い点数では受け取りを断る',
  'department.policy.tagScore': '迷惑メールの印を付ける点数',
  'department.policy.rejectScore': '受け取りを断る点数',
  'department.policy.save': '保存',
  'department.policy.saved': '保存しました。次のメールから適用されます。',
  'department.policy.now.default':
    '現在: ゲートウェイの既定 (ゲートウェイ自身の点数で、それを超えると断る)。',
  'department.policy.now': '現在: {mode}、{tag} 点から印を付ける{reject}。',
  'department.policy.now.rejectFrom': '、{reject} 点から断る',
  'department.policy.rspamd': 'ゲートウェイ自身の点数',
  'department.policy.failed': '保存できませんでした: {detail}',
} as const satisfies Record<keyof typeof departmentMessagesEn, string>;
