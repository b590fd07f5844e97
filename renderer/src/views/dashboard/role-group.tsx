/** The tiles of one role (stores, directors...), with how many answer. */
import { memo, useMemo } from 'react';
import type { NodeRole } from '../../../../agent/directory/fleet-entries';
import type { ConsoleNodeView } from '../../../../main/console/console-fleet-snapshot';
import { useTranslator } from '../../i18n/use-translator';
import { NodeTile } from './node-tile';
import { tileFace } from './tile-face';

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
  const faces = useMemo(() => nodes.map((node) => tileFace(node, now, tr)), [nodes, now, tr]);
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
      <ul className={nodes.length > 60 ? 'tiles tiles-many' : 'tiles'}>
        {faces.map((face) => (
          <NodeTile key={face.name} face={face} />
        ))}
      </ul>
    </section>
  );
});
