/**
 * The proposal of moves that even out the mail the stores hold (what a move changes of their disk
 * use): on request, which users to move where and how much mail that is, the gap between the store
 * with the most and the one with the least before and after, each store's mail before and after;
 * one button turns a proposed batch into the move dialog.
 */
import { useShallow } from 'zustand/react/shallow';
import type { MoveSuggestion } from '../../../../main/console/console-contract';
import { errorWords } from '../../components/error-words';
import { useTranslator } from '../../i18n/use-translator';
import { moveServices } from '../../services/console-services';
import { useMovesStore } from '../../store/moves/moves-store';

/** The panel. */
export function BalancePanel() {
  const tr = useTranslator();
  const { suggestion, status, error } = useMovesStore(
    useShallow((s) => ({ suggestion: s.suggestion, status: s.suggestionStatus, error: s.suggestionError })),
  );
  return (
    <section className="balance-panel" aria-labelledby="balance-title">
      <h4 id="balance-title">{tr.t('balance.title')}</h4>
      <p className="hint">{tr.t('balance.intro')}</p>
      <button
        type="button"
        className="button"
        disabled={status === 'loading'}
        onClick={() => void moveServices()?.suggest()}
      >
        {tr.t('balance.ask')}
      </button>
      {status === 'loading' && <p role="status">{tr.t('balance.asking')}</p>}
      {status === 'error' && error && (
        <p className="view-state view-state-error" role="alert">
          {errorWords(tr, error)}
        </p>
      )}
      {status === 'ready' && suggestion && <Suggestion suggestion={suggestion} />}
    </section>
  );
}

function Suggestion({ suggestion }: { suggestion: MoveSuggestion }) {
  const tr = useTranslator();
  return (
    <div className="balance-suggestion" data-testid="balance-suggestion">
      <p role="status">
        {tr.t('balance.spread', {
          before: tr.bytes(suggestion.spreadBefore),
          after: tr.bytes(suggestion.spreadAfter),
        })}
      </p>
      {suggestion.batches.length === 0 && <p className="hint">{tr.t('balance.none')}</p>}
      <ul className="plain-list balance-batches">
        {suggestion.batches.map((batch) => (
          <li key={batch.to} className="balance-batch" data-to={batch.to}>
            <p>
              {tr.t('balance.batch', {
                to: batch.to,
                n: batch.users.length,
                bytes: tr.bytes(batch.bytes),
                from: batch.from.join(', '),
              })}
            </p>
            <p className="muted balance-users">{tr.t('balance.users', { users: batch.users.join(', ') })}</p>
            <button
              type="button"
              className="button button-primary"
              aria-label={tr.t('balance.takeLabel', { n: batch.users.length, to: batch.to })}
              onClick={() => void moveServices()?.takeSuggestion(batch)}
            >
              {tr.t('balance.take')}
            </button>
          </li>
        ))}
      </ul>
      <table className="table balance-table">
        <thead>
          <tr>
            <th scope="col">{tr.t('balance.store')}</th>
            <th scope="col" className="number">
              {tr.t('balance.now')}
            </th>
            <th scope="col" className="number">
              {tr.t('balance.after')}
            </th>
          </tr>
        </thead>
        <tbody>
          {suggestion.stores.map((store) => (
            <tr key={store.store} data-store={store.store}>
              <td>{store.store}</td>
              <td className="number">{tr.bytes(store.bytesBefore)}</td>
              <td className="number">{tr.bytes(store.bytesAfter)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
