/**
 * The Queues view: the fleet's queues in one table, then the chosen node's holds, the qshape of its
 * messages, the filter and the messages themselves. Queues are read every 5 s while shown.
 */
import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { LoadStatusPanel } from '../../components/load-status';
import { useRefresh } from '../../components/use-refresh';
import { useTranslator } from '../../i18n/use-translator';
import { queuePageSize } from '../../services/queue-service';
import { viewServices } from '../../services/view-services';
import { useQueuesStore } from '../../store/queues/queues-store';
import { departmentDomains, useSessionStore } from '../../store/session/session-store';
import { DepartmentQueues } from './department-queues';
import { FleetQueuesTable } from './fleet-queues-table';
import { QueueActionDialog } from './queue-action-dialog';
import { QueueBulkActions } from './queue-bulk-actions';
import { QueueFilters } from './queue-filters';
import { QueueHeadersDialog } from './queue-headers-dialog';
import { QueueHoldsPanel } from './queue-holds-panel';
import { QueueMessagesTable } from './queue-messages-table';
import { QueueScope } from './queue-scope';
import { QueueShapeTable } from './queue-shape-table';

/** The chosen node's messages under the filter. */
function QueueMessages({ node }: { node: string }) {
  const tr = useTranslator();
  const { entries, total, status, error, at } = useQueuesStore(
    useShallow((s) => ({
      entries: s.entries,
      total: s.entriesTotal,
      status: s.entriesStatus,
      error: s.entriesError,
      at: s.entriesAt,
    })),
  );
  const now = at ?? Date.now();
  // The agent matched the whole filter, so what is listed is what a bulk action touches.
  const shown = entries;
  return (
    <>
      <QueueScope node={node} />
      <QueueShapeTable entries={shown} now={now} />
      <section className="panel" aria-labelledby="queue-messages-title">
        <h3 id="queue-messages-title">{tr.t('queues.msg.title', { node })}</h3>
        <QueueFilters />
        <QueueBulkActions node={node} />
        <LoadStatusPanel status={status} error={error} empty="queues.msg.empty" isEmpty={shown.length === 0}>
          <p className="muted" data-testid="queue-messages-count">
            {tr.t('queues.msg.count', { shown: tr.number(shown.length), total: tr.number(total) })}
            {total > queuePageSize && ` ${tr.t('queues.msg.page', { n: tr.number(queuePageSize) })}`}
          </p>
          <QueueMessagesTable node={node} entries={shown} now={now} />
        </LoadStatusPanel>
      </section>
    </>
  );
}

/** The view: a department administrator gets its read-only view of its own domains' mail. */
export function QueuesView() {
  const domains = useSessionStore((s) => departmentDomains(s.session));
  return domains ? <DepartmentQueues domains={domains} /> : <StaffQueues />;
}

/** The staff's view: every queue, holds and actions. */
function StaffQueues() {
  const tr = useTranslator();
  const node = useQueuesStore((s) => s.entriesNode);
  const firstQueue = useQueuesStore((s) => s.fleetQueues?.queues[0]?.node);
  // Every visit starts without a filter: one left from an earlier visit would hide mail unseen.
  // (Before the refreshes below, which read the filter.)
  useEffect(() => useQueuesStore.getState().clearFilter(), []);
  useRefresh(() => viewServices.refreshFleetQueues(), 5000, 'fleet');
  useRefresh(() => viewServices.refreshQueueEntries(), 5000, node ?? '');
  // The first director is where mail waits; show its messages until the user picks another queue.
  useEffect(() => {
    if (!node && firstQueue) useQueuesStore.getState().chooseEntriesNode(firstQueue);
  }, [node, firstQueue]);
  return (
    <section aria-labelledby="queues-title" className="queues-view">
      <div className="view-heading">
        <h2 id="queues-title">{tr.t('queues.title')}</h2>
      </div>
      <FleetQueuesTable />
      {node && <QueueHoldsPanel node={node} />}
      {node && <QueueMessages node={node} />}
      <QueueActionDialog />
      <QueueHeadersDialog />
    </section>
  );
}
