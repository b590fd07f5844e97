/**
 * A gateway decision's reason in words: the agent's fixed reasons (greylist steps, unknown user,
 * no scanner) are translated; a scanner's own reason (with its score) is shown as the agent wrote it.
 */
import type { MessageKey } from '../../i18n/messages-en';
import type { Translator } from '../../i18n/translate';

const knownReasons: Record<string, MessageKey> = {
  'first-attempt': 'spam.reason.first-attempt',
  'retried-too-early': 'spam.reason.retried-too-early',
  'retry-window-expired': 'spam.reason.retry-window-expired',
  'whitelisted-network': 'spam.reason.whitelisted-network',
  'known-triplet': 'spam.reason.known-triplet',
  'retried-after-delay': 'spam.reason.retried-after-delay',
  'no such user in the directory': 'spam.reason.unknown-user',
  'content scanning: not configured': 'spam.reason.not-scanned',
};

/** The words for one reason. */
export function spamReasonWords(tr: Translator, reason: string): string {
  const key = knownReasons[reason];
  return key ? tr.t(key) : reason;
}
