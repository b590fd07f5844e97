/**
 * One node: name, state in words and colour (up green, down red, stale red with how old its figures
 * are), and the figures that matter for its role. Focusable, with the whole tile read as one label.
 */
import { memo } from 'react';
import { useTranslator } from '../../i18n/use-translator';
import { moveServices } from '../../services/console-services';
import { goTo } from '../../services/navigation-service';
import { FailoverPanel } from '../failover/failover-panel';
import { useUsersDrop } from '../moves/use-users-drop';
import type { TileFace } from './tile-face';

/**
 * A node tile drawn from its face; re-renders only when the face's text changes (see tileFace).
 * The figures are one `dl` grid without wrappers: at 1,000 nodes each element per tile costs.
 */
export const NodeTile = memo(
  function NodeTile({ face }: { face: TileFace }) {
    const tr = useTranslator();
    // Users dragged from the Directory view (or addresses from elsewhere) move to the store this
    // server serves, after the move dialog.
    const drop = useUsersDrop((selection) => void moveServices()?.dropOnNode(face.name, selection));
    return (
      <li
        className={`tile tile-${face.state}${drop.over ? ' tile-drop-over' : ''}`}
        {...(face.takesMoves ? drop.handlers : {})}
        data-node={face.name}
        data-state={face.state}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: tiles are read one by one from the keyboard
        tabIndex={0}
        aria-label={[face.name, face.stateText, ...face.ageLines, face.problem].filter(Boolean).join(', ')}
        // Enter on a focused tile opens its node, as a click on its name does.
        onKeyDown={(event) => {
          if (event.key === 'Enter') goTo({ view: 'nodes', node: face.name });
        }}
        title={face.problemDetail}
      >
        <div className="tile-head">
          <a className="tile-name" href={`#/nodes/${encodeURIComponent(face.name)}`} tabIndex={-1}>
            {face.name}
          </a>
          <span className="tile-state">{face.stateText}</span>
        </div>
        {face.ageLines.map((line) => (
          <p key={line} className="tile-age">
            {line}
          </p>
        ))}
        {face.problem && <p className="tile-problem">{face.problem}</p>}
        <dl className={face.state === 'up' ? 'tile-figures' : 'tile-figures tile-figures-old'}>
          {face.rows.flatMap((row) => [
            <dt key={`${row.key}-t`}>{tr.t(row.key)}</dt>,
            <dd key={`${row.key}-d`} className={row.alarm ? 'figure-alarm' : undefined}>
              {row.value}
            </dd>,
          ])}
        </dl>
        {/* A store that is down: fail it over to its replica, then follow the job here. */}
        {face.takesMoves && <FailoverPanel node={face.name} down={face.state !== 'up'} />}
      </li>
    );
  },
  (before, after) => before.face.key === after.face.key,
);
