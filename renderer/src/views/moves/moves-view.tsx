/**
 * The Moves view: every move job of every store server, newest first, with live progress (the
 * nodes push each change; the list is read again every 5 s for jobs other consoles start); the
 * batches still running, with "Cancel the rest"; and the old copies kept after moves, with the
 * date each server deletes them and "Delete now".
 */
import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { errorWords } from '../../components/error-words';
import { LoadStatusPanel } from '../../components/load-status';
import { useRefresh } from '../../components/use-refresh';
import { useTranslator } from '../../i18n/use-translator';
import { moveServices } from '../../services/console-services';
import { useFleetStore } from '../../store/fleet/fleet-store';
import { canRollBack } from '../../store/moves/move-jobs-slice';
import { useMovesStore } from '../../store/moves/moves-store';
import { KeptCopiesTable } from './kept-copies-table';
import { MoveBatches } from './move-batches';
import { MoveJobRow } from './move-job-row';

/** The view. */
export function MovesView() {
  const tr = useTranslator();
  const { jobs, failures, listStatus, listError, listedAt, lastAction } = useMovesStore(
    useShallow((s) => ({
      jobs: s.jobs,
      failures: s.failures,
      listStatus: s.listStatus,
      listError: s.listError,
      listedAt: s.listedAt,
      lastAction: s.lastAction,
    })),
  );
  useRefresh(async () => moveServices()?.refreshMoves(), 5000, 'moves');
  const nodes = useFleetStore((s) => s.snapshot?.nodes);
  const down = useMemo(
    () => new Set((nodes ?? []).filter((n) => n.state !== 'up').map((n) => n.name)),
    [nodes],
  );
  const now = Date.now();
  return (
    <section aria-labelledby="moves-title" className="moves-view">
      <div className="view-heading">
        <h2 id="moves-title">{tr.t('moves.title')}</h2>
        {listedAt !== undefined && (
          <span className="muted">{tr.t('dashboard.updated', { time: tr.time(listedAt) })}</span>
        )}
      </div>
      <p className="hint">{tr.t('moves.intro')}</p>
      {lastAction && (
        <p
          className={lastAction.error ? 'view-state view-state-error' : 'view-state'}
          role={lastAction.error ? 'alert' : 'status'}
          data-testid="move-action-message"
        >
          {lastAction.error
            ? tr.t('moves.action.failed', {
                subject: lastAction.subject,
                words: errorWords(tr, lastAction.error),
              })
            : tr.t(`moves.action.${lastAction.kind}`, { user: lastAction.subject, to: lastAction.subject })}
        </p>
      )}
      {failures.map((failure) => (
        <p key={failure.node} className="view-state view-state-error" role="alert">
          {down.has(failure.node)
            ? tr.t('moves.nodeDown', { node: failure.node })
            : tr.t('moves.nodeFailed', { node: failure.node, detail: failure.message })}
        </p>
      ))}
      <MoveBatches />
      <LoadStatusPanel status={listStatus} error={listError} empty="moves.empty" isEmpty={jobs.length === 0}>
        <table className="table moves-table" data-testid="moves">
          <thead>
            <tr>
              <th scope="col">{tr.t('moves.user')}</th>
              <th scope="col">{tr.t('moves.route')}</th>
              <th scope="col">{tr.t('moves.state')}</th>
              <th scope="col">{tr.t('moves.progress')}</th>
              <th scope="col" className="number">
                {tr.t('moves.rate')}
              </th>
              <th scope="col" className="number">
                {tr.t('moves.timeLeft')}
              </th>
              <th scope="col" className="number">
                {tr.t('moves.pause')}
              </th>
              <th scope="col">{tr.t('moves.result')}</th>
              <th scope="col">
                <span className="visually-hidden">{tr.t('moves.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {jobs.map((job) => (
              <MoveJobRow
                key={job.job}
                job={job}
                jobs={jobs}
                rollBackable={canRollBack(job, jobs, now)}
                // A refused Cancel or Move back is said in the row pressed too, where the clerk looks.
                actionError={
                  lastAction?.error && lastAction.subject === job.user
                    ? errorWords(tr, lastAction.error)
                    : undefined
                }
              />
            ))}
          </tbody>
        </table>
      </LoadStatusPanel>
      <KeptCopiesTable />
    </section>
  );
}
