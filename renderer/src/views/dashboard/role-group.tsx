/** The tiles of one role (stores, directors...), with how many answer. */
import type { NodeRole } from '../../../../agent/directory/fleet-entries';
import type { ConsoleNodeView } from '../../../../main/console/console-fleet-snapshot';
import { useTranslator } from '../../i18n/use-translator';
import { NodeTile } from './node-tile';

/** A heading and a grid of tiles. */
export function RoleGroup({ role, nodes, now }: { role: NodeRole; nodes: ConsoleNodeView[]; now: number }) {
  const tr = useTranslator();
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
      <ul className="tiles">
        {nodes.map((node) => (
          <NodeTile key={node.name} node={node} now={now} />
        ))}
      </ul>
    </section>
  );
}
