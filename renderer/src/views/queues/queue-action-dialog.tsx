/**
 * The confirmation of a queue action: while the agent counts, "counting…"; then the count in a
 * sentence ("12 messages will be held"); acting; the outcome, or the refusal in words.
 */
import { useShallow } from 'zustand/react/shallow';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { errorWords } from '../../components/error-words';
import { useTranslator } from '../../i18n/use-translator';
import { viewServices } from '../../services/view-services';
import { useQueuesStore } from '../../store/queues/queues-store';
import { filterWords } from './filter-words';
import { holdWords } from './hold-words';

/** The dialog (one for the whole view). */
export function QueueActionDialog() {
  const tr = useTranslator();
  const { phase, request, count, error } = useQueuesStore(
    useShallow((s) => ({
      phase: s.actionPhase,
      request: s.actionRequest,
      count: s.actionCount,
      error: s.actionError,
    })),
  );
  const what = !request
    ? ''
    : 'hold' in request
      ? holdWords(tr, request.hold)
      : filterWords(tr, request.filter);
  const node = request?.node ?? '';
  const n = count ?? 0;
  const kind = request?.kind ?? 'hold';
  const bulk = request !== undefined && 'filter' in request;
  return (
    <ConfirmDialog
      open={phase !== 'idle'}
      title={tr.t(`queues.action.${kind}.title`)}
      // A bulk action over no message has nothing to confirm; a hold also covers mail still to come.
      confirmLabel={
        phase === 'confirming' && (n > 0 || !bulk) ? tr.t(`queues.action.${kind}.confirm`) : undefined
      }
      danger={kind === 'delete' || kind === 'deleteBounce'}
      busy={phase === 'counting' || phase === 'acting'}
      onConfirm={() => void viewServices.runQueueAction()}
      onClose={() => useQueuesStore.getState().dismissAction()}
    >
      <p data-testid="queue-action-message">
        {phase === 'counting' && tr.t('queues.action.counting')}
        {phase === 'confirming' &&
          (n > 0 || !bulk
            ? tr.t(`queues.action.${kind}.question`, { n, what, node })
            : tr.t('queues.action.nothing', { what, node }))}
        {phase === 'acting' && tr.t('queues.action.acting')}
        {phase === 'done' && tr.t(`queues.action.${kind}.done`, { n, what, node })}
        {phase === 'error' && error && errorWords(tr, error)}
      </p>
      {phase === 'confirming' && request?.kind === 'hold' && 'user' in request.hold && (
        <p className="hint">{tr.t('queues.action.hold.future')}</p>
      )}
    </ConfirmDialog>
  );
}
