/**
 * Bulk actions on the messages the filter matches: retry now, re-route, delete, delete and tell the
 * sender. Each asks the agent for its count first (the dry run) and shows it before acting.
 * Deleting needs a filter: "everything" is never one click away.
 */
import { useTranslator } from '../../i18n/use-translator';
import { viewServices } from '../../services/view-services';
import { type QueueBulkKind, queueBulkKinds } from '../../store/queues/queue-action-slice';
import { agentFilterOf, filterNamesMessages } from '../../store/queues/queue-filter';
import { useQueuesStore } from '../../store/queues/queues-store';

/** The action buttons for one node. */
export function QueueBulkActions({ node }: { node: string }) {
  const tr = useTranslator();
  const filter = useQueuesStore((s) => s.filter);
  const named = filterNamesMessages(filter);
  const ask = (kind: QueueBulkKind) =>
    void viewServices.askQueueAction({ kind, node, filter: agentFilterOf(filter) });
  return (
    <fieldset className="bulk-actions">
      <legend className="visually-hidden">{tr.t('queues.bulk.title')}</legend>
      <span className="muted">{tr.t(named ? 'queues.bulk.forFilter' : 'queues.bulk.forAll')}</span>
      {queueBulkKinds.map((kind) => {
        const needsFilter = kind === 'delete' || kind === 'deleteBounce';
        return (
          <button
            key={kind}
            type="button"
            className={needsFilter ? 'button button-danger-outline' : 'button'}
            disabled={needsFilter && !named}
            title={needsFilter && !named ? tr.t('queues.bulk.deleteNeedsFilter') : undefined}
            onClick={() => ask(kind)}
            data-action={kind}
          >
            {tr.t(`queues.bulk.${kind}`)}
          </button>
        );
      })}
      {!named && <span className="hint">{tr.t('queues.bulk.deleteNeedsFilter')}</span>}
    </fieldset>
  );
}
