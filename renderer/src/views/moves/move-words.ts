/**
 * A move job and a refusal in words, in the chosen language: the phase, the progress figures, the
 * result ("Moved 1,204 messages (88 MB) to store07, all checked"), and why a user cannot move. The
 * agents' own sentences are English; they stay as the detail for the technical staff.
 */
import type { MoveJob, MoveRefusal } from '../../../../main/console/console-contract';
import type { Translator } from '../../i18n/translate';

/** The share of a job copied, 0..1: by bytes, or by messages while no byte count is known. */
export function copiedShare(job: Pick<MoveJob, 'progress' | 'phase'>): number {
  if (job.phase === 'done') return 1;
  const { bytesCopied, bytesTotal, messagesCopied, messagesTotal } = job.progress;
  if (bytesTotal > 0) return Math.min(1, bytesCopied / bytesTotal);
  if (messagesTotal > 0) return Math.min(1, messagesCopied / messagesTotal);
  return 0;
}

/** The figures of a job's row, as text. */
export interface JobFigures {
  phase: string;
  percent: string;
  bytes: string;
  messages: string;
  /** Empty when not copying. */
  rate: string;
  timeLeft: string;
  pause: string;
}

const copying = new Set<MoveJob['phase']>(['copy', 'catch-up', 'cutover']);

/** A job's row figures. */
export function jobFigures(tr: Translator, job: MoveJob): JobFigures {
  const { progress } = job;
  return {
    phase: tr.t(`moves.phase.${job.phase}`),
    percent: tr.percent(copiedShare(job)),
    bytes: tr.t('moves.progressBytes', {
      copied: tr.bytes(progress.bytesCopied),
      total: tr.bytes(progress.bytesTotal),
    }),
    messages: tr.t('moves.progressMessages', {
      copied: tr.number(progress.messagesCopied),
      total: progress.messagesTotal,
    }),
    rate:
      copying.has(job.phase) && progress.rateBytesPerSecond > 0
        ? tr.t('moves.rateValue', { rate: tr.bytes(progress.rateBytesPerSecond) })
        : '',
    timeLeft:
      copying.has(job.phase) && progress.etaSeconds !== undefined
        ? tr.t('moves.timeLeftValue', { duration: tr.duration(progress.etaSeconds * 1000) })
        : '',
    pause:
      job.cutoverPauseMs === undefined
        ? ''
        : tr.t('moves.pauseValue', { seconds: tr.number(job.cutoverPauseMs / 1000, 1) }),
  };
}

/** What became of a job, in words ('' while it runs). */
export function jobResult(tr: Translator, job: MoveJob, jobs: readonly MoveJob[]): string {
  const undone = jobs.find((other) => other.rollbackOf === job.job && other.phase === 'done');
  switch (job.phase) {
    case 'done': {
      const words = job.rollbackOf
        ? tr.t('moves.result.movedBack', { target: job.target })
        : job.verified
          ? tr.t('moves.result.doneVerified', {
              messages: job.verified.messages,
              bytes: tr.bytes(job.verified.bytes),
              target: job.target,
            })
          : tr.t('moves.result.done', {
              target: job.target,
              time: tr.dateTime(job.finishedAt ?? job.createdAt),
            });
      return undone ? `${words} ${tr.t('moves.result.rolledBack', { source: job.source })}` : words;
    }
    case 'failed':
      return tr.t('moves.result.failed', {
        user: job.user,
        source: job.source,
        error: job.error ?? job.result,
      });
    case 'cancelled':
      return tr.t('moves.result.cancelled', { user: job.user, source: job.source });
    default:
      return '';
  }
}

/** Why a user cannot move, in words; `source` is the store the user is on, when known. */
export function refusalWords(tr: Translator, refusal: MoveRefusal, store: string, source?: string): string {
  return tr.t(`move.refusal.${refusal.code}`, {
    user: refusal.user,
    store,
    source: source ?? '—',
  });
}
