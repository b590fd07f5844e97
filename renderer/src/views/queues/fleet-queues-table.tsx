/**
 * Every queue of the fleet in one table (one row per director or gateway that runs one): counts by
 * state, qshape age columns, holds; "Show messages" opens that node's messages below.
 */
import { useShallow } from 'zustand/react/shallow';
import { LoadStatusPanel } from '../../components/load-status';
import { useTranslator } from '../../i18n/use-translator';
import { viewServices } from '../../services/view-services';
import { queueAgeBuckets } from '../../store/queues/queue-shape';
import { useQueuesStore } from '../../store/queues/queues-store';
import { holdKey, holdWords } from './hold-words';

/** The table, with the nodes that run no queue and those that did not answer under it. */
export function FleetQueuesTable() {
  const tr = useTranslator();
  const { result, status, error, chosen } = useQueuesStore(
    useShallow((s) => ({
      result: s.fleetQueues,
      status: s.fleetQueuesStatus,
      error: s.fleetQueuesError,
      chosen: s.entriesNode,
    })),
  );
  const choose = (node: string) => {
    useQueuesStore.getState().chooseEntriesNode(node);
    void viewServices.refreshQueueEntries();
  };
  return (
    <section className="panel" aria-labelledby="fleet-queues-title">
      <h3 id="fleet-queues-title">{tr.t('queues.fleet.title')}</h3>
      <LoadStatusPanel
        status={status}
        error={error}
        empty="queues.fleet.empty"
        isEmpty={!result || result.queues.length === 0}
      >
        <table className="table" data-testid="fleet-queues">
          <thead>
            <tr>
              <th scope="col">{tr.t('queues.node')}</th>
              <th scope="col" className="number">
                {tr.t('queues.messages')}
              </th>
              <th scope="col" className="number">
                {tr.t('queues.pending')}
              </th>
              <th scope="col" className="number">
                {tr.t('queues.deferred')}
              </th>
              <th scope="col" className="number">
                {tr.t('queues.held')}
              </th>
              {queueAgeBuckets.map((bucket) => (
                <th key={bucket} scope="col" className="number">
                  {tr.t(`age.${bucket}`)}
                </th>
              ))}
              <th scope="col">{tr.t('queues.holds')}</th>
              <th scope="col">
                <span className="visually-hidden">{tr.t('queues.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {result?.queues.map(({ node, role, summary }) => (
              <tr key={node} data-node={node} className={node === chosen ? 'row-chosen' : undefined}>
                <th scope="row">
                  {node} <span className="muted">({tr.t(`roleOne.${role as 'director'}`)})</span>
                </th>
                <td className="number">{tr.number(summary.messages)}</td>
                <td className="number">{tr.number(summary.recipients.pending)}</td>
                <td className="number">{tr.number(summary.recipients.deferred)}</td>
                <td className="number" data-testid="held-count">
                  {tr.number(summary.recipients.held)}
                </td>
                {queueAgeBuckets.map((bucket) => (
                  <td key={bucket} className="number">
                    {tr.number(summary.ages[bucket])}
                  </td>
                ))}
                <td>
                  {summary.holds.length === 0 ? (
                    <span className="muted">{tr.t('queues.holds.none')}</span>
                  ) : (
                    <ul className="plain-list">
                      {summary.holds.map((hold) => (
                        <li key={holdKey(hold)}>{holdWords(tr, hold)}</li>
                      ))}
                    </ul>
                  )}
                </td>
                <td>
                  <button
                    type="button"
                    className="button"
                    aria-pressed={node === chosen}
                    onClick={() => choose(node)}
                  >
                    {tr.t('queues.showMessages', { node })}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {result && result.withoutQueue.length > 0 && (
          <p className="muted">
            {tr.t('queues.withoutQueue', { nodes: result.withoutQueue.join(tr.t('list.separator')) })}
          </p>
        )}
        {result?.failures.map((failure) => (
          <p key={failure.node} className="view-state view-state-error" role="alert">
            {tr.t('queues.nodeFailed', { node: failure.node, detail: failure.message })}
          </p>
        ))}
      </LoadStatusPanel>
    </section>
  );
}
