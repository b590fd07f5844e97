/**
 * The users that match, as a virtualised list: only the rows in view (and a few around them) are in
 * the DOM, whatever the count (40,000 rows would be 40,000 buttons otherwise); rows are fetched in
 * blocks as they scroll into view. Each row is a button that opens the user's page.
 */
import { useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useTranslator } from '../../i18n/use-translator';
import { directoryServices } from '../../services/console-services';
import { useDirectoryStore } from '../../store/directory/directory-store';
import { rowAt } from '../../store/directory/search-slice';

const rowHeight = 52;
const viewHeight = 520;
const overscan = 6;

/** The scrolling list of matches. */
export function UserList() {
  const tr = useTranslator();
  const { total, blocks, openAddress } = useDirectoryStore(
    useShallow((s) => ({ total: s.total ?? 0, blocks: s.blocks, openAddress: s.openAddress })),
  );
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
    rows.push(
      <li key={i} className="dir-row-slot" style={{ top: i * rowHeight, height: rowHeight }}>
        {user ? (
          <button
            type="button"
            className={user.mail === openAddress ? 'dir-row dir-row-open' : 'dir-row'}
            aria-current={user.mail === openAddress ? 'true' : undefined}
            data-address={user.mail}
            onClick={() => void directoryServices()?.openUser(user.mail)}
          >
            <span className="dir-row-name">{user.displayName}</span>
            <span className="dir-row-address">{user.mail}</span>
            <span className="dir-row-store">{user.logicalStore}</span>
            {user.state !== 'active' && (
              <span className={`dir-row-state dir-row-state-${user.state}`}>
                {tr.t(`dir.state.${user.state}`)}
              </span>
            )}
          </button>
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
