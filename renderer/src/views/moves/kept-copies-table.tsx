/**
 * The old copies kept after moves, on the server of the store each mailbox left: until when (the
 * server deletes it then) and "Delete now" (system administrators; the agent decides).
 */
import { useTranslator } from '../../i18n/use-translator';
import { moveServices } from '../../services/console-services';
import { useMovesStore } from '../../store/moves/moves-store';

/** The kept copies, or a line saying there are none. */
export function KeptCopiesTable() {
  const tr = useTranslator();
  const copies = useMovesStore((s) => s.keptCopies);
  return (
    <section className="move-kept-copies" aria-labelledby="move-kept-title">
      <h3 id="move-kept-title">{tr.t('moves.keptTitle')}</h3>
      <p className="hint">{tr.t('moves.keptIntro')}</p>
      {copies.length === 0 ? (
        <p className="view-state">{tr.t('moves.keptNone')}</p>
      ) : (
        <table className="table" data-testid="kept-copies">
          <thead>
            <tr>
              <th scope="col">{tr.t('moves.keptUser')}</th>
              <th scope="col">{tr.t('moves.keptOn')}</th>
              <th scope="col">{tr.t('moves.keptMovedTo')}</th>
              <th scope="col">{tr.t('moves.keptUntil')}</th>
              <th scope="col" className="number">
                {tr.t('moves.keptSize')}
              </th>
              <th scope="col">
                <span className="visually-hidden">{tr.t('moves.purge')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {copies.map((copy) => (
              <tr key={`${copy.node}-${copy.job}`} data-user={copy.user}>
                <td className="detail">{copy.user}</td>
                <td>{copy.node}</td>
                <td>{copy.movedTo}</td>
                <td>{tr.dateTime(copy.keepUntil)}</td>
                <td className="number">{tr.bytes(copy.bytes)}</td>
                <td>
                  <button
                    type="button"
                    className="button button-danger"
                    aria-label={tr.t('moves.purgeLabel', { user: copy.user, node: copy.node })}
                    onClick={() => void moveServices()?.purge(copy)}
                  >
                    {tr.t('moves.purge')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
