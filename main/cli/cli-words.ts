/**
 * The CLI's words in English and Japanese: Japanese when LC_ALL, LC_MESSAGES or LANG (in that
 * order) says so, as the console chooses its language (system-locale.ts). The sentences about
 * queued mail and the Mail Trace come from the console's table (main/console/mail-story.ts), the
 * directory's refusals from directory administration's own words; only the CLI's own lines are here.
 */
import { consoleErrorOf } from '../console/console-call-error.js';
import type { ConsoleLocale } from '../console/console-contract.js';
import {
  type MailStoryKey,
  mailStoryWordsEn,
  mailStoryWordsJa,
  type StoryTranslator,
} from '../console/mail-story.js';
import { consoleLocaleFor, environmentLanguages } from '../console/system-locale.js';
import type { DirectoryAdminError } from '../core/directory-admin/directory-admin-error-words.js';

const cliWordsEn = {
  'password.prompt': 'New password for {address}: ',
  'password.again': 'The same password again: ',
  'password.differ': 'the two passwords differ: nothing was changed',
  'password.empty': 'no password was given (type it at the prompt, or give it on standard input)',
  'password.changed': 'the password of {address} is changed',
  'user.added': 'added {address} on {store}',
  'user.disabled': '{address} is disabled: it cannot log in, and mail to it is refused',
  'user.enabled': '{address} is active again',
  'user.none': 'no user matches',
  'user.matched': '{shown} of {total} users shown',
  'alias.added': '{address} forwards to {targets}',
  'alias.removed': 'the alias {address} is removed',
  'alias.none': 'no aliases in {domain}',
  'queue.empty': 'no queued message matches',
  'queue.notFound': 'no queue holds a message {id}',
  'queue.held': 'held on {nodes}',
  'queue.released': 'released on {nodes}',
  'queue.notHeld': 'there was no such hold on {nodes}',
  'queue.wouldTouch': 'would touch {messages} message(s), {recipients} recipient(s) on {node}',
  'queue.touched': '{messages} message(s), {recipients} recipient(s) on {node}',
  'queue.chooseBounce':
    'say what the senders hear: --bounce (each unfinished recipient is returned to the sender) or --no-bounce (removed silently)',
  'queue.nameMessages': 'name the messages: queue ids, or at least one filter (--sender, --recipient, ...)',
  'why.nothing': 'no gateway or director has seen mail like this (they remember the last 50,000 steps each)',
  'why.truncated': 'only the newest steps are shown: narrow the search to see older ones',
  'why.failures': 'these servers did not answer, so their part is missing: {nodes}',
  'why.pair': 'from {sender} to {recipient}',
  'why.queued': 'now in the queue of {node} as {id}',
  'error.unknownCommand': 'unknown command {command}',
  'error.usage': 'this is not how the command is used',
  'error.noNode': 'no node named {node} in the directory',
  'agent.forbidden': 'not allowed for this administrator: {detail}',
  'agent.not-found': 'not found: {detail}',
  'agent.unavailable': 'the node does not answer now: {detail}',
  'agent.refused': 'refused: {detail}',
  'agent.bad-request': 'the node refused the request: {detail}',
  'agent.failed': 'failed: {detail}',
} as const;

type CliWordKey = keyof typeof cliWordsEn;

const cliWordsJa = {
  'password.prompt': '{address} の新しいパスワード: ',
  'password.again': '確認のため、同じパスワードをもう一度: ',
  'password.differ': '2 つのパスワードが違います。何も変更していません',
  'password.empty': 'パスワードが入力されていません（プロンプトで入力するか、標準入力から渡してください）',
  'password.changed': '{address} のパスワードを変更しました',
  'user.added': '{address} を {store} に追加しました',
  'user.disabled': '{address} を無効にしました。ログインできず、この宛先のメールは受け取りを拒否します',
  'user.enabled': '{address} を再び有効にしました',
  'user.none': '該当する利用者はいません',
  'user.matched': '{total} 人中 {shown} 人を表示しています',
  'alias.added': '{address} は {targets} に転送されます',
  'alias.removed': '別名 {address} を削除しました',
  'alias.none': '{domain} に別名はありません',
  'queue.empty': '該当する配送待ちメールはありません',
  'queue.notFound': 'どのキューにもメッセージ {id} はありません',
  'queue.held': '{nodes} で保留にしました',
  'queue.released': '{nodes} で保留を解除しました',
  'queue.notHeld': '{nodes} にそのような保留はありませんでした',
  'queue.wouldTouch': '{node} の {messages} 通（宛先 {recipients} 件）が対象になります',
  'queue.touched': '{node} の {messages} 通（宛先 {recipients} 件）',
  'queue.chooseBounce':
    '差出人への扱いを指定してください: --bounce（未配送の宛先を差出人に返送）または --no-bounce（通知せずに削除）',
  'queue.nameMessages':
    '対象のメッセージを指定してください: キュー ID、または 1 つ以上の条件（--sender、--recipient など）',
  'why.nothing':
    'このようなメールを扱ったゲートウェイや振り分けサーバーはありません（各サーバーは直近 50,000 件の記録を保持しています）',
  'why.truncated': '新しい記録だけを表示しています。古い記録を見るには条件を絞ってください',
  'why.failures': '次のサーバーが応答しないため、その部分が欠けています: {nodes}',
  'why.pair': '{sender} から {recipient} へ',
  'why.queued': '現在 {node} のキューに {id} としてあります',
  'error.unknownCommand': '{command} というコマンドはありません',
  'error.usage': 'コマンドの使い方が正しくありません',
  'error.noNode': 'ディレクトリに {node} というノードはありません',
  'agent.forbidden': 'この管理者には許可されていません: {detail}',
  'agent.not-found': '見つかりません: {detail}',
  'agent.unavailable': 'ノードが今は応答しません: {detail}',
  'agent.refused': '拒否されました: {detail}',
  'agent.bad-request': 'ノードが要求を受け付けませんでした: {detail}',
  'agent.failed': '失敗しました: {detail}',
} as const satisfies Record<CliWordKey, string>;

/** The CLI's words and the shared mail sentences in one language. */
export interface CliWords extends StoryTranslator {
  locale: ConsoleLocale;
  say(key: CliWordKey, values?: Record<string, string | number>): string;
  /** A directory refusal in words: what it means, then the directory's detail. */
  directoryError(error: DirectoryAdminError): string;
  /** An agent's refusal or a node that does not answer, in words (the agent's detail kept). */
  agentError(error: unknown): string;
}

function fill(text: string, values: Record<string, string | number> = {}): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/** The words for a language (by default the one the environment asks for). */
export function cliWords(locale: ConsoleLocale = consoleLocaleFor(environmentLanguages())): CliWords {
  const intlLocale = locale === 'ja' ? 'ja-JP' : 'en-US';
  const story: Record<MailStoryKey, string> = locale === 'ja' ? mailStoryWordsJa : mailStoryWordsEn;
  const own: Record<CliWordKey, string> = locale === 'ja' ? cliWordsJa : cliWordsEn;
  const time = new Intl.DateTimeFormat(intlLocale, { timeStyle: 'medium', hourCycle: 'h23' });
  const dateTime = new Intl.DateTimeFormat(intlLocale, {
    dateStyle: 'medium',
    timeStyle: 'medium',
    hourCycle: 'h23',
  });
  return {
    locale,
    t: (key, values) => fill(story[key], values),
    say: (key, values) => fill(own[key], values),
    time: (ms) => time.format(ms),
    dateTime: (ms) => dateTime.format(ms),
    agentError: (error) => {
      const { code, message } = consoleErrorOf(error);
      return fill(own[`agent.${code}`], { detail: message });
    },
    directoryError: (error) =>
      error.detail ? `${error.message[locale]} (${error.detail})` : error.message[locale],
  };
}
