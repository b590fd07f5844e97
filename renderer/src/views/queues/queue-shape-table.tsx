/** qshape of the listed messages: recipients by destination or by last reply, in age columns. */
import { useState } from 'react';
import { useTranslator } from '../../i18n/use-translator';
import type { QueueEntry } from '../../store/queues/queue-filter';
import {
  notTriedYet,
  type QueueShapeGrouping,
  queueAgeBuckets,
  queueShape,
} from '../../store/queues/queue-shape';

const groupings: readonly QueueShapeGrouping[] = ['destination', 'reason'];

/** The table with its grouping switch. */
export function QueueShapeTable({ entries, now }: { entries: QueueEntry[]; now: number }) {
  const tr = useTranslator();
  const [grouping, setGrouping] = useState<QueueShapeGrouping>('destination');
  const rows = queueShape(entries, grouping, now);
  return (
    <section className="panel" aria-labelledby="queue-shape-title">
      <div className="view-heading">
        <h3 id="queue-shape-title">{tr.t('queues.shape.title')}</h3>
        <fieldset className="segmented">
          <legend className="visually-hidden">{tr.t('queues.shape.groupBy')}</legend>
          {groupings.map((g) => (
            <button
              key={g}
              type="button"
              className="button"
              aria-pressed={grouping === g}
              onClick={() => setGrouping(g)}
            >
              {tr.t(`queues.shape.by.${g}`)}
            </button>
          ))}
        </fieldset>
      </div>
      {rows.length === 0 ? (
        <p className="view-state">{tr.t('queues.shape.empty')}</p>
      ) : (
        <table className="table" data-testid="queue-shape">
          <thead>
            <tr>
              <th scope="col" title={grouping === 'destination' ? tr.t('term.destination') : undefined}>
                {tr.t(`queues.shape.key.${grouping}`)}
              </th>
              <th scope="col" className="number">
                {tr.t('queues.shape.total')}
              </th>
              {queueAgeBuckets.map((bucket) => (
                <th key={bucket} scope="col" className="number">
                  {tr.t(`age.${bucket}`)}
                </th>
              ))}
              <th scope="col" className="number">
                {tr.t('queues.held')}
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.key}>
                <th scope="row" className="detail">
                  {row.key === notTriedYet ? tr.t('queues.shape.notTried') : row.key}
                </th>
                <td className="number">{tr.number(row.total)}</td>
                {queueAgeBuckets.map((bucket) => (
                  <td key={bucket} className="number">
                    {row.ages[bucket] === 0 ? '' : tr.number(row.ages[bucket])}
                  </td>
                ))}
                <td className="number">{row.held === 0 ? '' : tr.number(row.held)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
