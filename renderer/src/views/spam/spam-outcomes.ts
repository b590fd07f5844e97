/** The gateway's decisions, in the order of the funnel, each with a stable colour. */
import type { SpamOutcome } from '../../../../main/console/console-contract';
import type { MessageKey } from '../../i18n/messages-en';

/**
 * Colour per decision, in the funnel's order: red for refused, amber for delayed or tagged, green
 * for clean. Typed by the agent's list of decisions (gateway-figures.ts), so a new one does not
 * compile here until it has a colour.
 */
export const spamOutcomeColors: Record<SpamOutcome, string> = {
  greylisted: '#8a5a00',
  rejectedUnknownRecipient: '#7a3fb0',
  rejectedAuthentication: '#9f1239',
  rejectedVirus: '#7f1d1d',
  rejectedSpam: '#b3261e',
  quarantined: '#b45309',
  tagged: '#d97706',
  clean: '#1e7a46',
};

/** The decisions in the order of the funnel. */
export const spamOutcomes = Object.keys(spamOutcomeColors) as SpamOutcome[];

/** The label key of a decision. */
export function spamOutcomeLabel(outcome: SpamOutcome): MessageKey {
  return `spam.outcome.${outcome}`;
}
