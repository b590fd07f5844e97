/** A director's or gateway's queue on its node page: counts, ages, holds; a link to the Queues view. */
import { useShallow } from 'zustand/react/shallow';
import { errorWords } from '../../components/error-words';
import { useRefresh } from '../../components/use-refresh';
import { useTranslator } from '../../i18n/use-translator';
import { viewServices } from '../../services/view-services';
import { useNodeStore } from '../../store/nodes/node-store';
import { queueAgeBuckets } from '../../store/queues/queue-shape';
import { holdWords } from '../queues/hold-words';

/** The queue panel of one node. */
export function NodeQueue({ node }: { node: string }) {
  const tr = useTranslator();
  const { summary, status, absent, error } = useNodeStore(
    useShallow((s) => ({
      summary: s.queueSummary,
      status: s.queueStatus,
      absent: s.queueAbsent,
      error: s.queueError,
    })),
  );
  useRefresh(() => viewServices.refreshNodeQueue(node), 5000, node);
  return (
    <section className="panel" aria-labelledby="node-queue-title">
      <h3 id="node-queue-title">{tr.t('node.queue.title')}</h3>
      {status === 'idle' && <p className="view-state">{tr.t('state.loading')}</p>}
      {status === 'error' && error && (
        <p className="view-state view-state-error" role="alert">
          {errorWords(tr, error)}
        </p>
      )}
      {status === 'ready' && absent && <p className="view-state">{tr.t('node.queue.none')}</p>}
      {status === 'ready' && summary && (
        <>
          <dl className="figures-row" data-testid="node-queue">
            <div>
              <dt>{tr.t('queues.messages')}</dt>
              <dd>{tr.number(summary.messages)}</dd>
            </div>
            <div>
              <dt>{tr.t('queues.pending')}</dt>
              <dd>{tr.number(summary.recipients.pending)}</dd>
            </div>
            <div>
              <dt>{tr.t('queues.deferred')}</dt>
              <dd>{tr.number(summary.recipients.deferred)}</dd>
            </div>
            <div>
              <dt>{tr.t('queues.held')}</dt>
              <dd>{tr.number(summary.recipients.held)}</dd>
            </div>
            {queueAgeBuckets.map((bucket) => (
              <div key={bucket}>
                <dt>{tr.t(`age.${bucket}`)}</dt>
                <dd>{tr.number(summary.ages[bucket])}</dd>
              </div>
            ))}
          </dl>
          <p>
            {summary.holds.length === 0
              ? tr.t('queues.holds.none')
              : tr.t('queues.holds.list', {
                  holds: summary.holds.map((h) => holdWords(tr, h)).join(tr.t('list.separator')),
                })}
          </p>
          <a href="#/queues">{tr.t('node.queue.open')}</a>
        </>
      )}
    </section>
  );
}
