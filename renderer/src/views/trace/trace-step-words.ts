/**
 * A Mail Trace step in words: what this node did with the mail and, for a wait, what happens next
 * (the same sentences as the Queues view, mail-story.ts).
 */
import type { Translator } from '../../i18n/translate';
import type { TraceStep } from '../../store/trace/trace-store';
import { placeWords, recipientStory } from '../queues/mail-story';

/** The sentence of one step. */
export function traceStepWords(tr: Translator, step: TraceStep): string {
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
