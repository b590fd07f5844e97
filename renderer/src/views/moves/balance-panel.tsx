/**
 * The proposal of moves that even out disk use: on request, which users to move where and how
 * much mail that is, the gap between the fullest and the emptiest store before and after, each
 * store's mail before and after; one button turns a proposed batch into the move dialog.
 */
import { useShallow } from 'zustand/react/shallow';
import type { MoveSuggestion } from '../../../../main/console/console-contract';
import { errorWords } from '../../components/error-words';
import type { Translator } from '../../i18n/translate';
import { useTranslator } from '../../i18n/use-translator';
import { moveServices } from '../../services/console-services';
import { useMovesStore } from '../../store/moves/moves-store';

// A share of a disk small enough to need more digits than whole percents (a lab's few MB of mail).
function shareText(tr: Translator, share: number): string {
  if (share === 0 || share >= 0.01) return tr.percent(share);
  return `${tr.number(share * 100, 2) === '0' ? '<0.01' : tr.number(share * 100, 2)} %`;
}

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
  const after = new Map(suggestion.after.stores.map((s) => [s.node, s]));
  return (
    <div className="balance-suggestion" data-testid="balance-suggestion">
      {suggestion.failures.map((failure) => (
        <p key={failure.node} className="view-state-error" role="alert">
          {tr.t('balance.nodeFailed', { node: failure.node, detail: failure.message })}
        </p>
      ))}
      <p role="status">
        {tr.t('balance.spread', {
          before: shareText(tr, suggestion.before.spread),
          after: shareText(tr, suggestion.after.spread),
        })}
      </p>
      {suggestion.batches.length === 0 || suggestion.stoppedBecause !== 'balanced' ? (
        <p className="hint">{tr.t(`balance.none.${suggestion.stoppedBecause}`)}</p>
      ) : null}
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
            <th scope="col">{tr.t('balance.now')}</th>
            <th scope="col">{tr.t('balance.after')}</th>
          </tr>
        </thead>
        <tbody>
          {suggestion.before.stores.map((store) => {
            const later = after.get(store.node) ?? store;
            return (
              <tr key={store.node} data-store={store.store}>
                <td>{store.store}</td>
                <td>
                  {tr.t('balance.shareValue', {
                    bytes: tr.bytes(store.mailBytes),
                    share: shareText(tr, store.share),
                  })}
                </td>
                <td>
                  {tr.t('balance.shareValue', {
                    bytes: tr.bytes(later.mailBytes),
                    share: shareText(tr, later.share),
                  })}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
