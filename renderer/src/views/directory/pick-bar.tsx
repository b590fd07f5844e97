/**
 * Above the user list: how many users are picked for a move, "Pick all N results" (with a domain
 * filter, the whole domain), Clear, "Move to…", and a handle to drag the picked users onto a store.
 */
import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useTranslator } from '../../i18n/use-translator';
import { useDirectoryStore } from '../../store/directory/directory-store';
import { userSelectionOf } from '../../store/directory/selection-slice';
import { writeUsersDrag } from '../moves/move-drag';
import { MoveToMenu } from '../moves/move-to-menu';

/** The bar. */
export function PickBar() {
  const tr = useTranslator();
  const picks = useDirectoryStore(
    useShallow((s) => ({ selected: s.selected, allOfSearch: s.allOfSearch, anchor: s.anchor })),
  );
  const total = useDirectoryStore((s) => s.total ?? 0);
  const picked = useMemo(() => userSelectionOf(picks), [picks]);
  return (
    <div className="pick-bar" data-testid="pick-bar">
      <p className="pick-count" role="status">
        {picks.allOfSearch
          ? tr.t('pick.allPicked', { n: picks.allOfSearch.total })
          : tr.t('pick.count', { n: picks.selected.length })}
      </p>
      {!picks.allOfSearch && total > 0 && (
        <button
          type="button"
          className="button"
          onClick={() => useDirectoryStore.getState().pickAllOfSearch()}
        >
          {tr.t('pick.all', { n: total })}
        </button>
      )}
      {picked && (
        <button type="button" className="button" onClick={() => useDirectoryStore.getState().clearPicks()}>
          {tr.t('pick.clear')}
        </button>
      )}
      <MoveToMenu picked={picked} />
      {picked && (
        // biome-ignore lint/a11y/noStaticElementInteractions: a drag handle for the mouse; the keyboard has "Move to…" beside it
        <span
          className="pick-drag"
          draggable
          title={tr.t('pick.drag')}
          data-testid="pick-drag"
          onDragStart={(event) => writeUsersDrag(event.dataTransfer, picked)}
        >
          {tr.t('pick.drag')}
        </span>
      )}
    </div>
  );
}
