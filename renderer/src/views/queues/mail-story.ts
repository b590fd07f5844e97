/**
 * "Why is this mail waiting?" in words: one sentence per recipient of a queued message (and per
 * step of a Mail Trace) saying what happened and what happens next — which store or receiving
 * server, the next try, when the message is given up and returned to the sender. The server's
 * raw reply is shown apart, under a fold, for the technical staff.
 */
import type { MessageKey } from '../../i18n/messages-en';
import type { Translator } from '../../i18n/translate';

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
export function placeWords(tr: Translator, destination: string | undefined): string {
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
  tr: Translator,
  recipient: StoryRecipient,
  expiresAt: number | undefined,
  now: number,
): string {
  const place = placeWords(tr, recipient.destination);
  const until = expiresAt === undefined ? '' : ` ${tr.t('story.until', { expires: tr.dateTime(expiresAt) })}`;
  if (recipient.state === 'delivered') return tr.t('story.delivered', { place });
  if (recipient.state === 'bounced') {
    return tr.t('story.bounced', {
      why: tr.t(`story.why.${replyMeaning(recipient.lastReason)}` as MessageKey),
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
  return `${tr.t(`story.deferred.${meaning}` as MessageKey, { place })} ${next}${until}`;
}
