/**
 * One move job as a table row: who, from where to where, the phase in words, a progress bar with
 * bytes and messages copied, speed, time left, how long mail was held at the switch-over, the
 * result in words, and Cancel (before the switch-over) or Move back (while the old copy is kept,
 * with its date). Re-renders only when its job changes (a push replaces only that job's object).
 */
import { memo } from 'react';
import type { MoveJob } from '../../../../main/console/console-contract';
import { useTranslator } from '../../i18n/use-translator';
import { moveServices } from '../../services/console-services';
import { canCancel, isFinished, isRolledBack } from '../../store/moves/move-jobs-slice';
import { copiedShare, jobFigures, jobResult } from './move-words';

interface MoveJobRowProps {
  job: MoveJob;
  /** Every job, for the result of a move later moved back (only read when the row draws). */
  jobs: readonly MoveJob[];
  rollBackable: boolean;
  /** A Cancel or Move back of this user that was refused, in words. */
  actionError?: string | undefined;
}

/** A job's row. */
export const MoveJobRow = memo(
  function MoveJobRow({ job, jobs, rollBackable, actionError }: MoveJobRowProps) {
    const tr = useTranslator();
    const figures = jobFigures(tr, job);
    const finished = isFinished(job);
    return (
      <tr
        data-job={job.job}
        data-user={job.user}
        data-phase={job.phase}
        className={`move-row move-${job.phase}`}
      >
        <td className="detail">{job.user}</td>
        <td className="move-route">{tr.t('moves.routeValue', { source: job.source, target: job.target })}</td>
        <td className="move-phase">{figures.phase}</td>
        <td className="move-progress-cell">
          <progress
            className="move-progress"
            max={1}
            value={copiedShare(job)}
            aria-label={tr.t('moves.progressLabel', { user: job.user, percent: figures.percent })}
          />
          <span className="move-progress-figures">
            <span className="move-percent">{figures.percent}</span> · {figures.bytes} · {figures.messages}
          </span>
        </td>
        <td className="number">{figures.rate}</td>
        <td className="number">{figures.timeLeft}</td>
        <td className="number move-pause">{figures.pause}</td>
        <td className="move-result">
          {jobResult(tr, job, jobs)}
          {job.phase === 'done' &&
            job.sourceCopyKeptUntil !== undefined &&
            !job.rollbackOf &&
            !isRolledBack(job, jobs) && (
              <span className="muted move-kept">
                {' '}
                {tr.t('moves.kept', { source: job.source, date: tr.dateTime(job.sourceCopyKeptUntil) })}
              </span>
            )}
        </td>
        <td className="move-actions">
          {actionError && (
            <p className="move-action-error" role="alert">
              {actionError}
            </p>
          )}
          {!finished && canCancel(job) && (
            <button
              type="button"
              className="button"
              aria-label={tr.t('moves.cancelLabel', { user: job.user })}
              onClick={() => void moveServices()?.cancel(job)}
            >
              {tr.t('moves.cancel')}
            </button>
          )}
          {rollBackable && (
            <button
              type="button"
              className="button"
              aria-label={tr.t('moves.rollbackLabel', { user: job.user, source: job.source })}
              onClick={() => void moveServices()?.rollBack(job)}
            >
              {tr.t('moves.rollback')}
            </button>
          )}
        </td>
      </tr>
    );
  },
  (before, after) =>
    before.job === after.job &&
    before.rollBackable === after.rollBackable &&
    before.actionError === after.actionError &&
    // A finished move's result names a later move back: redraw when the list changes then.
    (!isFinished(after.job) || before.jobs === after.jobs),
);
