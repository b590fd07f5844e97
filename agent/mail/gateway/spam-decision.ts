/**
 * From rspamd's verdict and the recipient domain's policy to what the gateway does at end of DATA:
 * reject (550 5.7.1), tag (X-Spam-* headers and a subject prefix), defer (rspamd's soft reject, or
 * no verdict when the scanner failed) or accept.
 */
import type { DomainSpamPolicy } from './domain-spam-policy.js';
import type { RspamdVerdict } from './rspamd-verdict.js';
import type { SmtpReply } from './smtp-refusal.js';

/** Header fields to add to a message, in order. */
export type AddedHeaders = Array<[name: string, value: string]>;

/** What to do with a scanned message. */
export type SpamDecision =
  | { action: 'reject'; reason: string; reply: SmtpReply }
  | { action: 'defer'; reason: string; reply: SmtpReply }
  | { action: 'tag'; reason: string; headers: AddedHeaders; subjectPrefix: string }
  | { action: 'accept'; reason: string; headers: AddedHeaders };

// X-Spam-Status lists the strongest symbols; a header line of every symbol would be long noise.
const maxSymbolsInStatus = 20;

function formatScore(score: number): string {
  return score.toFixed(2);
}

function spamHeaders(verdict: RspamdVerdict, isSpam: boolean, required: number): AddedHeaders {
  const tests = verdict.symbols
    .filter((s) => s.score !== 0)
    .slice(0, maxSymbolsInStatus)
    .map((s) => s.name)
    .join(',');
  return [
    ['X-Spam-Flag', isSpam ? 'YES' : 'NO'],
    ['X-Spam-Score', formatScore(verdict.score)],
    [
      'X-Spam-Status',
      `${isSpam ? 'Yes' : 'No'}, score=${formatScore(verdict.score)} required=${formatScore(required)} tests=${tests || 'none'}`,
    ],
  ];
}

/** Decides for one message. `verdict` is `null` when the scanner failed (the message is deferred). */
export function decideSpamAction(
  verdict: RspamdVerdict | null,
  policy: DomainSpamPolicy,
  scannerError?: string,
): SpamDecision {
  if (!verdict) {
    // Deferring keeps the message with the sender's MTA: nothing lost, nothing unscanned let in.
    return {
      action: 'defer',
      reason: `content scanner failed: ${scannerError ?? 'no verdict'}`,
      reply: { code: 451, enhanced: '4.7.1', message: 'content scanner unavailable, please try again later' },
    };
  }
  const overReject =
    policy.rejectScore !== null ? verdict.score >= policy.rejectScore : verdict.action === 'reject';
  const overTag =
    overReject ||
    (policy.tagScore !== null
      ? verdict.score >= policy.tagScore
      : verdict.action === 'add header' || verdict.action === 'rewrite subject');
  const tagThreshold = policy.tagScore ?? policy.rejectScore ?? verdict.requiredScore;
  const scoreText = `score ${formatScore(verdict.score)}`;

  if (policy.mode === 'off') {
    return { action: 'accept', reason: `domain scans nothing (${scoreText})`, headers: [] };
  }
  if (policy.mode === 'reject' && overReject) {
    const why = verdict.smtpMessage ?? verdict.symbols[0]?.name ?? 'spam';
    return {
      action: 'reject',
      reason: `spam: ${scoreText}, reject at ${formatScore(policy.rejectScore ?? verdict.requiredScore)} (${why})`,
      reply: { code: 550, enhanced: '5.7.1', message: `message rejected as spam (${why})` },
    };
  }
  if (overTag) {
    return {
      action: 'tag',
      reason: `likely spam: ${scoreText}, tag at ${formatScore(tagThreshold)}`,
      headers: spamHeaders(verdict, true, tagThreshold),
      subjectPrefix: policy.subjectPrefix,
    };
  }
  if (verdict.action === 'soft reject') {
    return {
      action: 'defer',
      reason: `rspamd asked to try later (${scoreText})`,
      reply: { code: 451, enhanced: '4.7.1', message: 'try again later' },
    };
  }
  return {
    action: 'accept',
    reason: `clean: ${scoreText}`,
    headers: spamHeaders(verdict, false, tagThreshold),
  };
}

/**
 * Applies a tag or accept decision to the message's header: adds the X-Spam-* fields at the top and
 * prefixes the Subject (adding one if the message has none). The body is not touched.
 */
export function applySpamHeaders(message: Buffer, headers: AddedHeaders, subjectPrefix = ''): Buffer {
  const text = message.toString('latin1');
  let headerEnd = text.indexOf('\r\n\r\n');
  let newline = '\r\n';
  if (headerEnd < 0) {
    headerEnd = text.indexOf('\n\n');
    newline = '\n';
  }
  const head = headerEnd < 0 ? text : text.slice(0, headerEnd);
  const rest = headerEnd < 0 ? '' : text.slice(headerEnd);
  let newHead = head;
  if (subjectPrefix !== '') {
    const prefix = Buffer.from(subjectPrefix, 'utf8').toString('latin1');
    const subject = /^subject:[ \t]?/im.exec(newHead);
    if (subject) {
      const at = subject.index + subject[0].length;
      newHead = `${newHead.slice(0, at)}${prefix}${newHead.slice(at)}`;
    } else {
      newHead = `${newHead}${newline}Subject: ${prefix.trimEnd()}`;
    }
  }
  const added = headers.map(([name, value]) => `${name}: ${value}${newline}`).join('');
  return Buffer.from(`${added}${newHead}${rest}`, 'latin1');
}
