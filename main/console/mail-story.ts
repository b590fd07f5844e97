/**
 * "Why is this mail waiting?" in words, shared by the console's Queues and Mail Trace views and the
 * CLI (`mailfleet queue show`, `mailfleet why`): one sentence per recipient of a queued message
 * (and per step of a Mail Trace) saying what happened and what happens next — which store or
 * receiving server, the next try, when the message is given up and returned to the sender. The
 * words, English and Japanese, are here so both read the same table; the renderer's catalogs
 * spread them. No imports but types: the renderer bundles this file as it is.
 */
import type { MailTraceStepKind } from '../../agent/common/contract/mail-trace-contract.js';

/** The sentences' words in English. */
export const mailStoryWordsEn = {
  'story.place.store': 'mail store {store}',
  'story.place.remote': 'the receiving server of {domain}',
  'story.place.unknown': 'the next server',
  'story.delivered': 'Delivered to {place}.',
  'story.bounced': 'Returned to the sender: {why}.',
  'story.held': 'Held by an administrator: it is not delivered until someone releases it.',
  'story.pending': 'Waiting for its first delivery to {place}.',
  'story.nextAt': 'The next try is at {next}.',
  'story.nextNow': 'The next try is now.',
  'story.until':
    'If it still cannot be delivered, it stays here until {expires} and is then returned to the sender.',
  'story.deferred.no-answer': '{place} does not answer.',
  'story.deferred.busy': '{place} is busy and asked to try again later.',
  'story.deferred.mailbox-full': 'The mailbox is full ({place} cannot take more for now).',
  'story.deferred.no-such-user': '{place} says there is no such user, for now.',
  'story.deferred.expired': 'It has waited too long.',
  'story.deferred.no-mail-domain': 'The address of {place} cannot be found for now.',
  'story.deferred.refused': '{place} refused it for now.',
  'story.deferred.try-later': '{place} asked to try again later.',
  'story.deferred.permanent': '{place} refused it.',
  'story.deferred.other': 'The last try at {place} did not work.',
  'story.why.no-answer': 'the receiving server never answered',
  'story.why.busy': 'the receiving server stayed busy',
  'story.why.mailbox-full': 'the mailbox is full',
  'story.why.no-such-user': 'there is no such user at the receiving end',
  'story.why.expired': 'it waited too long without being delivered',
  'story.why.no-mail-domain': 'the recipient’s domain does not receive mail',
  'story.why.refused': 'the receiving server refused it',
  'story.why.try-later': 'the receiving server kept asking to try later',
  'story.why.permanent': 'the receiving server refused it for good',
  'story.why.other': 'it could not be delivered',
  'trace.step.greylisted':
    '{node} (the gateway) asked the sending server to try again in a few minutes: a first message from a new sender is held back once (greylisting), which real mail servers retry and most spam does not.',
  'trace.step.refusedUnknownUser': '{node} (the gateway) refused it: there is no such user here.',
  'trace.step.refusedForgedSender':
    '{node} (the gateway) refused it: the sender claims a domain whose published policy (DMARC) says mail failing its checks must be refused.',
  'trace.step.refusedVirus': '{node} (the gateway) refused it: it contains a virus.',
  'trace.step.refusedSpam': '{node} (the gateway) refused it as spam.',
  'trace.step.relayedScanned':
    '{node} (the gateway) received it from {client}, checked it for spam and passed it to the director.',
  'trace.step.relayedUnscanned':
    '{node} (the gateway) received it from {client} and passed it to the director (content scanning is off, so it was not checked for spam).',
  'trace.step.received': '{node} (the director) took it into its queue for delivery.',
} as const;

/** The sentences' words in Japanese. */
export const mailStoryWordsJa = {
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
} as const satisfies Record<MailStoryKey, string>;

/** A key of the sentences' words. */
export type MailStoryKey = keyof typeof mailStoryWordsEn;

/** What the sentences need of a translator (the console's Translator is one). */
export interface StoryTranslator {
  t(key: MailStoryKey, values?: Record<string, string | number>): string;
  /** A time of today (the next try). */
  time(ms: number): string;
  /** A date and time (when a message is given up). */
  dateTime(ms: number): string;
}

/** What a delivery reply means, as a clerk would say it. */
export type ReplyMeaning =
  | 'no-answer'
  | 'busy'
  | 'mailbox-full'
  | 'no-such-user'
  | 'expired'
  | 'no-mail-domain'
  | 'refused'
  | 'try-later'
  | 'permanent'
  | 'other';

// Order matters: the first pattern that fits a reply names it (a 4.2.2 reply says "busy" too).
const meanings: ReadonlyArray<[RegExp, ReplyMeaning]> = [
  [
    /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE|timed? ?out|connection (?:closed|lost)/i,
    'no-answer',
  ],
  [/\b[45]\.2\.2\b|quota|mailbox (?:is )?full/i, 'mailbox-full'],
  [/\b5\.1\.1\b|user unknown|no such user|unknown user/i, 'no-such-user'],
  [/\b4\.4\.7\b|expired|queue lifetime/i, 'expired'],
  [/ENOTFOUND|NXDOMAIN|null MX|no MX|\b5\.1\.2\b|\b5\.1\.10\b/i, 'no-mail-domain'],
  [/\b4\.2\.1\b|busy|too many connections/i, 'busy'],
  [/\b5\.7\.\d+\b|relay(?:ing)? denied|refused|rejected/i, 'refused'],
  [/\b4\d\d\b|\b4\.\d+\.\d+\b/, 'try-later'],
  [/\b5\d\d\b|\b5\.\d+\.\d+\b/, 'permanent'],
];

/** What a raw delivery reply means. */
export function replyMeaning(reply: string | undefined): ReplyMeaning {
  if (!reply) return 'other';
  return meanings.find(([pattern]) => pattern.test(reply))?.[1] ?? 'other';
}

/**
 * A destination in words: `lmtp:store03` is "mail store store03", `smtp:example.com` is "the
 * receiving server of example.com" (the queue's own keys, docs/director.md).
 */
export function placeWords(tr: StoryTranslator, destination: string | undefined): string {
  if (!destination) return tr.t('story.place.unknown');
  const colon = destination.indexOf(':');
  const kind = destination.slice(0, colon);
  const name = destination.slice(colon + 1);
  if (kind === 'lmtp') return tr.t('story.place.store', { store: name });
  if (kind === 'smtp') return tr.t('story.place.remote', { domain: name });
  return destination;
}

/** One recipient of a queued message, as much as the sentence needs. */
export interface StoryRecipient {
  state: 'pending' | 'deferred' | 'delivered' | 'bounced';
  held: boolean;
  attempts: number;
  /** ms since the epoch; 0: due now. */
  nextAttemptAt: number;
  lastReason?: string | undefined;
  destination?: string | undefined;
}

/** The sentence for one recipient: what happened, and what happens next. */
export function recipientStory(
  tr: StoryTranslator,
  recipient: StoryRecipient,
  expiresAt: number | undefined,
  now: number,
): string {
  const place = placeWords(tr, recipient.destination);
  const until = expiresAt === undefined ? '' : ` ${tr.t('story.until', { expires: tr.dateTime(expiresAt) })}`;
  if (recipient.state === 'delivered') return tr.t('story.delivered', { place });
  if (recipient.state === 'bounced') {
    return tr.t('story.bounced', {
      why: tr.t(`story.why.${replyMeaning(recipient.lastReason)}` as MailStoryKey),
    });
  }
  if (recipient.held) return tr.t('story.held') + until;
  const next =
    recipient.nextAttemptAt <= now
      ? tr.t('story.nextNow')
      : tr.t('story.nextAt', { next: tr.time(recipient.nextAttemptAt) });
  if (recipient.state === 'pending' && recipient.attempts === 0) {
    return `${tr.t('story.pending', { place })} ${next}`;
  }
  const meaning = replyMeaning(recipient.lastReason);
  return `${tr.t(`story.deferred.${meaning}` as MailStoryKey, { place })} ${next}${until}`;
}

/** A Mail Trace step as much as its sentence needs (the console adds the node that noted it). */
export interface StoryTraceStep {
  node: string;
  kind: MailTraceStepKind;
  at: number;
  destination?: string | undefined;
  reason?: string | undefined;
  nextAttemptAt?: number | undefined;
  scanned?: boolean | undefined;
  client?: string | undefined;
}

/** The sentence of one Mail Trace step: what this node did with the mail and, for a wait, what next. */
export function traceStepWords(tr: StoryTranslator, step: StoryTraceStep): string {
  const node = step.node;
  switch (step.kind) {
    case 'greylisted':
      return tr.t('trace.step.greylisted', { node });
    case 'refused-unknown-user':
      return tr.t('trace.step.refusedUnknownUser', { node });
    case 'refused-forged-sender':
      return tr.t('trace.step.refusedForgedSender', { node });
    case 'refused-virus':
      return tr.t('trace.step.refusedVirus', { node });
    case 'refused-spam':
      return tr.t('trace.step.refusedSpam', { node });
    case 'relayed':
      return tr.t(step.scanned ? 'trace.step.relayedScanned' : 'trace.step.relayedUnscanned', {
        node,
        client: step.client ?? '—',
      });
    case 'received':
      return tr.t('trace.step.received', { node });
    case 'delivered':
      return tr.t('story.delivered', { place: placeWords(tr, step.destination) });
    case 'deferred':
    case 'bounced':
      return recipientStory(
        tr,
        {
          state: step.kind,
          held: false,
          attempts: 1,
          nextAttemptAt: step.nextAttemptAt ?? step.at,
          lastReason: step.reason,
          destination: step.destination,
        },
        undefined,
        // A past step says the try it planned then ("the next try is at 07:14"), not "now".
        step.at,
      );
  }
}

/**
 * What the Mail Trace searches for, from what was typed: an address has an @ and no angle brackets
 * or spaces; anything else is read as a Message-ID.
 */
export function traceQuery(text: string): { address: string } | { messageId: string } {
  const trimmed = text.trim();
  return /^[^\s<>@]*@[^\s<>@]*$/.test(trimmed) && !trimmed.includes('$')
    ? { address: trimmed }
    : { messageId: trimmed };
}
