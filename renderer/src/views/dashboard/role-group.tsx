/** The tiles of one role (stores, directors...), with how many answer. */
import { memo, useMemo, useRef } from 'react';
import type { NodeRole } from '../../../../agent/directory/fleet-entries';
import type { ConsoleNodeView } from '../../../../main/console/console-fleet-snapshot';
import { useTranslator } from '../../i18n/use-translator';
import { NodeTile } from './node-tile';
import { briefTileFace, tileFace } from './tile-face';
import { useTilesInView } from './use-tiles-in-view';

/** From this many tiles a group draws in full only the tiles near the window. */
const manyTiles = 60;

/** A heading and a grid of tiles; every tile's face is computed here, each tile redraws on its own. */
export const RoleGroup = memo(function RoleGroup({
  role,
  nodes,
  now,
}: {
  role: NodeRole;
  nodes: ConsoleNodeView[];
  now: number;
}) {
  const tr = useTranslator();
  const many = nodes.length > manyTiles;
  const list = useRef<HTMLUListElement>(null);
  const names = useMemo(() => nodes.map((n) => n.name), [nodes]);
  const inView = useTilesInView(list, names, many);
  const faces = useMemo(
    () =>
      nodes.map((node) =>
        !inView || inView.has(node.name) ? tileFace(node, now, tr) : briefTileFace(node, tr),
      ),
    [nodes, now, tr, inView],
  );
  const up = nodes.filter((n) => n.state === 'up').length;
  const headingId = `role-${role}`;
  return (
    <section className="role-group" aria-labelledby={headingId} data-role={role}>
      <h3 id={headingId} className="role-heading">
        {tr.t(`role.${role}`)}
        <span className={up < nodes.length ? 'role-count role-count-alarm' : 'role-count'}>
          {tr.t('role.count', { up, total: nodes.length })}
        </span>
      </h3>
      <ul ref={list} className={many ? 'tiles tiles-many' : 'tiles'}>
        {faces.map((face) => (
          <NodeTile key={face.name} face={face} />
        ))}
      </ul>
    </section>
  );
});
