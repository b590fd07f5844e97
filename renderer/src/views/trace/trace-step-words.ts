/**
 * A Mail Trace step in words: what this node did with the mail and, for a wait, what happens next
 * (the same sentences as the Queues view and the CLI's `mailfleet why`, main/console/mail-story.ts).
 */
import { traceStepWords as stepWords } from '../../../../main/console/mail-story';
import type { Translator } from '../../i18n/translate';
import type { TraceStep } from '../../store/trace/trace-store';

/** The sentence of one step. */
export function traceStepWords(tr: Translator, step: TraceStep): string {
  return stepWords(tr, step);
}
