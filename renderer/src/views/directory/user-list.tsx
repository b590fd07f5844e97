/**
 * The users that match, as a virtualised list: only the rows in view (and a few around them) are in
 * the DOM, whatever the count (40,000 rows would be 40,000 buttons otherwise); rows are fetched in
 * blocks as they scroll into view. Each row is a button that opens the user's page, with a box to
 * pick the user for a move (Ctrl/Cmd-click picks too, Shift-click picks a range); a row is dragged
 * onto a mail store to move that user, or the picked users when it is one of them.
 */
import { type MouseEvent, useEffect, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useTranslator } from '../../i18n/use-translator';
import { directoryServices } from '../../services/console-services';
import { goTo } from '../../services/navigation-service';
import { useDirectoryStore } from '../../store/directory/directory-store';
import { rowAt } from '../../store/directory/search-slice';
import { userSelectionOf } from '../../store/directory/selection-slice';
import { activeJobOf } from '../../store/moves/move-jobs-slice';
import { useMovesStore } from '../../store/moves/moves-store';
import { writeUsersDrag } from '../moves/move-drag';
import { copiedShare } from '../moves/move-words';

/** Picks the rows from the anchor to `index` (reading the blocks between them first). */
async function pickRange(index: number): Promise<void> {
  const anchor = useDirectoryStore.getState().anchor ?? index;
  const [first, last] = anchor < index ? [anchor, index] : [index, anchor];
  await directoryServices()?.ensureRows(first, last);
  const { blocks } = useDirectoryStore.getState();
  const addresses: string[] = [];
  for (let i = first; i <= last; i++) {
    const user = rowAt(blocks, i);
    if (user) addresses.push(user.mail);
  }
  useDirectoryStore.getState().pickRange(addresses, index);
}

const rowHeight = 52;
const viewHeight = 520;
const overscan = 6;

/** The scrolling list of matches. */
export function UserList() {
  const tr = useTranslator();
  const { total, blocks, openAddress, selected, allOfSearch } = useDirectoryStore(
    useShallow((s) => ({
      total: s.total ?? 0,
      blocks: s.blocks,
      openAddress: s.openAddress,
      selected: s.selected,
      allOfSearch: s.allOfSearch,
    })),
  );
  const jobs = useMovesStore((s) => s.jobs);
  const pickedSet = useMemo(() => new Set(selected), [selected]);
  const [scrollTop, setScrollTop] = useState(0);
  const box = useRef<HTMLDivElement>(null);
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(total - 1, Math.ceil((scrollTop + viewHeight) / rowHeight) + overscan);
  useEffect(() => {
    if (last >= first) void directoryServices()?.ensureRows(first, last);
  }, [first, last]);
  // A new search starts at the top.
  const serial = useDirectoryStore((s) => s.serial);
  useEffect(() => {
    if (serial > 0 && box.current) box.current.scrollTop = 0;
    setScrollTop(0);
  }, [serial]);
  const rows = [];
  for (let i = first; i <= last; i++) {
    const user = rowAt(blocks, i);
    const picked = user !== undefined && (allOfSearch !== undefined || pickedSet.has(user.mail));
    const moving = user ? activeJobOf(jobs, user.mail) : undefined;
    const index = i;
    rows.push(
      <li
        key={i}
        className={picked ? 'dir-row-slot dir-row-picked' : 'dir-row-slot'}
        style={{ top: i * rowHeight, height: rowHeight }}
      >
        {user ? (
          <>
            <input
              type="checkbox"
              className="dir-pick"
              checked={picked}
              aria-label={tr.t('pick.row', { address: user.mail })}
              onChange={() => {
                const state = useDirectoryStore.getState();
                if (state.allOfSearch) void directoryServices()?.unpickOneOfAll(user.mail, index);
                else state.togglePicked(user.mail, index);
              }}
            />
            <button
              type="button"
              className={user.mail === openAddress ? 'dir-row dir-row-open' : 'dir-row'}
              aria-current={user.mail === openAddress ? 'true' : undefined}
              data-address={user.mail}
              draggable
              onDragStart={(event) => {
                const selection = userSelectionOf(useDirectoryStore.getState());
                // Dragging a picked row takes every picked user; another row goes alone.
                writeUsersDrag(
                  event.dataTransfer,
                  picked && selection ? selection : { kind: 'users', addresses: [user.mail] },
                );
              }}
              onClick={(event: MouseEvent) => {
                if (event.shiftKey) void pickRange(index);
                else if (event.ctrlKey || event.metaKey)
                  useDirectoryStore.getState().togglePicked(user.mail, index);
                else {
                  void directoryServices()?.openUser(user.mail);
                  // The page has its own address (#/directory/<address>): back and forward work.
                  goTo({ view: 'directory', user: user.mail });
                }
              }}
            >
              <span className="dir-row-title">
                <span className="dir-row-name">{user.displayName}</span>
                {user.reading && <span className="dir-row-reading">{user.reading}</span>}
              </span>
              <span className="dir-row-address">{user.mail}</span>
              <span className="dir-row-store">{user.logicalStore}</span>
              {moving ? (
                <span className="dir-row-state dir-row-state-moving">
                  {tr.t('dir.row.moving', { store: moving.target, percent: tr.percent(copiedShare(moving)) })}
                </span>
              ) : (
                user.state !== 'active' && (
                  <span className={`dir-row-state dir-row-state-${user.state}`}>
                    {tr.t(`dir.state.${user.state}`)}
                  </span>
                )
              )}
            </button>
          </>
        ) : (
          <span className="dir-row dir-row-loading">{tr.t('dir.row.loading')}</span>
        )}
      </li>,
    );
  }
  return (
    <div
      ref={box}
      className="dir-list"
      // As tall as its rows up to the view's height: one match does not sit in an empty box.
      style={{ height: Math.min(viewHeight, total * rowHeight + 2) }}
      onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)}
    >
      <ul aria-label={tr.t('dir.list.label')} style={{ height: total * rowHeight }} className="dir-list-body">
        {rows}
      </ul>
    </div>
  );
}
