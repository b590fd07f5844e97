/**
 * What the Queues view shows and of what: the chosen node's whole queue (from its queue summary,
 * whatever the filter), and the filter in force in words with a way to clear it, so a filtered list
 * is never read as the whole queue.
 */
import { useShallow } from 'zustand/react/shallow';
import { useTranslator } from '../../i18n/use-translator';
import { viewServices } from '../../services/view-services';
import { useQueuesStore } from '../../store/queues/queues-store';
import { filterWords } from './filter-words';

/** The whole-queue line and the filter-in-force line. */
export function QueueScope({ node }: { node: string }) {
  const tr = useTranslator();
  const { whole, applied, total } = useQueuesStore(
    useShallow((s) => ({
      whole: s.fleetQueues?.queues.find((q) => q.node === node)?.summary,
      applied: s.entriesFilter,
      total: s.entriesTotal,
    })),
  );
  const filtered = applied !== undefined && Object.keys(applied).length > 0;
  return (
    <div className="queue-scope">
      {whole && (
        <p data-testid="queue-whole">
          {tr.t('queues.whole', {
            node,
            n: whole.messages,
            deferred: tr.number(whole.recipients.deferred),
            pending: tr.number(whole.recipients.pending),
            held: tr.number(whole.recipients.held),
          })}
        </p>
      )}
      {filtered && (
        <p className="filter-in-force" data-testid="queue-filter-in-force" role="status">
          {tr.t('queues.filterInForce', { filter: filterWords(tr, applied), n: total })}{' '}
          <button
            type="button"
            className="button"
            onClick={() => {
              useQueuesStore.getState().clearFilter();
              void viewServices.refreshQueueEntries();
            }}
          >
            {tr.t('queues.filterClear')}
          </button>
        </p>
      )}
    </div>
  );
}
