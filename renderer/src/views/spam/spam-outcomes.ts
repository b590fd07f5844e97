/** The gateway's decisions, in the order of the funnel, each with a stable colour. */
import type { MessageKey } from '../../i18n/messages-en';

export const spamOutcomes = [
  'greylisted',
  'rejectedUnknownRecipient',
  'rejectedSpam',
  'tagged',
  'clean',
] as const;
export type SpamOutcome = (typeof spamOutcomes)[number];

/** Colour per decision: red for refused, amber for delayed or tagged, green for clean. */
export const spamOutcomeColors: Record<SpamOutcome, string> = {
  greylisted: '#8a5a00',
  rejectedUnknownRecipient: '#7a3fb0',
  rejectedSpam: '#b3261e',
  tagged: '#d97706',
  clean: '#1e7a46',
};

/** The label key of a decision. */
export function spamOutcomeLabel(outcome: SpamOutcome): MessageKey {
  return `spam.outcome.${outcome}`;
}
