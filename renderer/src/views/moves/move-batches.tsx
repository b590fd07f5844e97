/** The batches with moves still to run: how far each is, and "Cancel the rest" (before the switch-over). */

import { useMemo } from 'react';
import { useTranslator } from '../../i18n/use-translator';
import { moveServices } from '../../services/console-services';
import { runningBatches } from '../../store/moves/move-jobs-slice';
import { useMovesStore } from '../../store/moves/moves-store';

/** Running batches, or nothing when none runs. */
export function MoveBatches() {
  const tr = useTranslator();
  const jobs = useMovesStore((s) => s.jobs);
  // From the jobs, which pushes keep current (a listing's batch counts are as old as the listing).
  const running = useMemo(() => runningBatches(jobs), [jobs]);
  if (running.length === 0) return null;
  return (
    <section className="panel move-batches" aria-labelledby="move-batches-title">
      <h3 id="move-batches-title">{tr.t('moves.batches')}</h3>
      <ul className="plain-list">
        {running.map((batch) => (
          <li key={batch.batch} className="move-batch" data-batch={batch.batch}>
            <span>
              {tr.t('moves.batchLine', {
                to: batch.target,
                time: tr.time(batch.createdAt),
                by: batch.requestedBy,
                done: tr.number(batch.done),
                jobs: tr.number(batch.jobs),
                running: tr.number(batch.running),
                waiting: tr.number(batch.waiting),
              })}
            </span>{' '}
            <button
              type="button"
              className="button"
              aria-label={tr.t('moves.cancelBatchLabel', { to: batch.target })}
              onClick={() => void moveServices()?.cancelBatch(batch)}
            >
              {tr.t('moves.cancelBatch')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
