/** A queued message's envelope and headers (`queue.show`; the body is never shown here). */
import { ConfirmDialog } from '../../components/confirm-dialog';
import { errorWords } from '../../components/error-words';
import { useTranslator } from '../../i18n/use-translator';
import { useQueuesStore } from '../../store/queues/queues-store';

/** The dialog (one for the whole view). */
export function QueueHeadersDialog() {
  const tr = useTranslator();
  const shown = useQueuesStore((s) => s.messageShown);
  const result = shown?.result;
  return (
    <ConfirmDialog
      open={shown !== undefined}
      title={tr.t('queues.headers.title', { id: shown?.id ?? '' })}
      onConfirm={() => {}}
      onClose={() => useQueuesStore.getState().closeMessage()}
    >
      {shown && !result && !shown.error && <p>{tr.t('state.loading')}</p>}
      {shown?.error && <p role="alert">{errorWords(tr, shown.error)}</p>}
      {result && (
        <div data-testid="queue-headers">
          <p>
            <strong>{tr.t('queues.headers.subject')}</strong> {result.subject ?? '—'}
          </p>
          <p>
            <strong>{tr.t('queues.headers.sender')}</strong>{' '}
            {result.entry.sender || tr.t('queues.msg.nullSender')}
          </p>
          <table className="table headers-table">
            <tbody>
              {result.headers.map((header, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: header fields repeat (Received) and keep their order
                <tr key={index}>
                  <th scope="row" className="mono">
                    {header.name}
                  </th>
                  <td className="mono detail">{header.value}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {result.headersTruncated && <p className="muted">{tr.t('queues.headers.truncated')}</p>}
        </div>
      )}
    </ConfirmDialog>
  );
}
