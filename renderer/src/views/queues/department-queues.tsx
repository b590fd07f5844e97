/**
 * The Queues view of a department administrator (issue 15): its domains' mail waiting on a
 * director, read-only. The agent lists only messages with a sender or recipient in its domains
 * (queue.list's domain scope); there is no fleet table (queue summaries are staff's), no holds, no
 * actions: hidden, not greyed out. Each recipient says where the message is and why, in words.
 */
import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { LoadStatusPanel } from '../../components/load-status';
import { useRefresh } from '../../components/use-refresh';
import { useTranslator } from '../../i18n/use-translator';
import { viewServices } from '../../services/view-services';
import { useFleetStore } from '../../store/fleet/fleet-store';
import { useQueuesStore } from '../../store/queues/queues-store';
import { QueueFilters } from './queue-filters';
import { QueueHeadersDialog } from './queue-headers-dialog';
import { QueueMessagesTable } from './queue-messages-table';
import { QueueScope } from './queue-scope';

/** The view, for the domains given. */
export function DepartmentQueues({ domains }: { domains: readonly string[] }) {
  const tr = useTranslator();
  const directors = useFleetStore(
    useShallow((s) => (s.snapshot?.nodes ?? []).filter((n) => n.role === 'director').map((n) => n.name)),
  );
  const { node, entries, total, status, error, at } = useQueuesStore(
    useShallow((s) => ({
      node: s.entriesNode,
      entries: s.entries,
      total: s.entriesTotal,
      status: s.entriesStatus,
      error: s.entriesError,
      at: s.entriesAt,
    })),
  );
  useEffect(() => useQueuesStore.getState().clearFilter(), []);
  useEffect(() => {
    if ((!node || !directors.includes(node)) && directors[0])
      useQueuesStore.getState().chooseEntriesNode(directors[0]);
  }, [node, directors]);
  useRefresh(() => viewServices.refreshQueueEntries(), 5000, node ?? '');
  const now = at ?? Date.now();
  return (
    <section aria-labelledby="queues-title" className="queues-view department-queues">
      <div className="view-heading">
        <h2 id="queues-title">{tr.t('queues.title')}</h2>
        {directors.length > 1 && (
          <label>
            {tr.t('department.queues.director')}
            <select
              value={node ?? ''}
              onChange={(e) => {
                useQueuesStore.getState().chooseEntriesNode(e.target.value);
                void viewServices.refreshQueueEntries();
              }}
            >
              {directors.map((d) => (
                <option key={d}>{d}</option>
              ))}
            </select>
          </label>
        )}
      </div>
      <p className="muted">
        {tr.t('department.queues.intro', { domains: domains.join(tr.t('list.separator')) })}
      </p>
      {!node ? (
        <p className="view-state">{tr.t('department.queues.noDirector')}</p>
      ) : (
        <section className="panel" aria-labelledby="queue-messages-title">
          <h3 id="queue-messages-title">{tr.t('queues.msg.title', { node })}</h3>
          <QueueScope node={node} />
          <QueueFilters />
          <LoadStatusPanel
            status={status}
            error={error}
            empty="queues.msg.empty"
            isEmpty={entries.length === 0}
          >
            <p className="muted" data-testid="queue-messages-count">
              {tr.t('queues.msg.count', { shown: tr.number(entries.length), total: tr.number(total) })}
            </p>
            <QueueMessagesTable node={node} entries={entries} now={now} readOnly />
          </LoadStatusPanel>
        </section>
      )}
      <QueueHeadersDialog />
    </section>
  );
}
