/**
 * The Stores list of the Directory view: every mail store as a tile that takes dropped users (and
 * "Move here" for the picked ones), with live disk use, mailboxes and IMAP sessions, and below it
 * the proposal of moves that even out disk use.
 */
import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { errorWords } from '../../components/error-words';
import { useTranslator } from '../../i18n/use-translator';
import { useDirectoryStore } from '../../store/directory/directory-store';
import { userSelectionOf } from '../../store/directory/selection-slice';
import { useFleetStore } from '../../store/fleet/fleet-store';
import { isFinished } from '../../store/moves/move-jobs-slice';
import { useMovesStore } from '../../store/moves/moves-store';
import { BalancePanel } from './balance-panel';
import { StoreTile } from './store-tile';

/** The list; a column beside the users. */
export function StoresList() {
  const tr = useTranslator();
  const { stores, storesError, jobs } = useMovesStore(
    useShallow((s) => ({ stores: s.stores, storesError: s.storesError, jobs: s.jobs })),
  );
  const nodes = useFleetStore((s) => s.snapshot?.nodes);
  const picks = useDirectoryStore(
    useShallow((s) => ({ selected: s.selected, allOfSearch: s.allOfSearch, anchor: s.anchor })),
  );
  const picked = useMemo(() => userSelectionOf(picks), [picks]);
  const byName = useMemo(() => new Map((nodes ?? []).map((node) => [node.name, node])), [nodes]);
  const movesIn = useMemo(() => {
    const counts = new Map<string, number>();
    for (const job of jobs) if (!isFinished(job)) counts.set(job.target, (counts.get(job.target) ?? 0) + 1);
    return counts;
  }, [jobs]);
  return (
    <section className="stores-list" aria-labelledby="stores-title">
      <h3 id="stores-title">{tr.t('stores.title')}</h3>
      <p className="hint">{tr.t('stores.hint')}</p>
      {storesError && (
        <p className="view-state view-state-error" role="alert">
          {errorWords(tr, storesError)}
        </p>
      )}
      {!stores && !storesError && <p role="status">{tr.t('stores.loading')}</p>}
      {stores && (
        <ul className="store-tiles">
          {stores.map((store) => (
            <StoreTile
              key={store.store}
              store={store}
              node={byName.get(store.node)}
              movesIn={movesIn.get(store.store) ?? 0}
              picked={picked}
            />
          ))}
        </ul>
      )}
      <BalancePanel />
    </section>
  );
}
