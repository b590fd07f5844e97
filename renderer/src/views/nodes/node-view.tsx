/**
 * The Node view: without a node, the fleet's nodes to choose from; with one, its state, history
 * charts (from the 1 Hz samples since the page opened), services with restart, its queue
 * (directors and gateways) and its audit tail.
 */
import { useEffect } from 'react';
import type { ConsoleNodeView } from '../../../../main/console/console-contract';
import { directoryStatusText } from '../../components/directory-in-use';
import { useTranslator } from '../../i18n/use-translator';
import { viewServices } from '../../services/view-services';
import { nodesByRole } from '../../store/fleet/fleet-selectors';
import { useFleetStore } from '../../store/fleet/fleet-store';
import { useUiStore } from '../../store/ui/ui-store';
import { hashOfPlace } from '../../store/ui/view-slice';
import { FailoverPanel } from '../failover/failover-panel';
import { SparePanel } from '../failover/spare-panel';
import { NodeAudit } from './node-audit';
import { NodeCharts } from './node-charts';
import { NodeDownPanel } from './node-down-panel';
import { NodeQueue } from './node-queue';
import { NodeServices } from './node-services';

/** The list of nodes to open, by role. */
function NodeChooser({ nodes }: { nodes: ConsoleNodeView[] }) {
  const tr = useTranslator();
  return (
    <section aria-labelledby="nodes-title">
      <h2 id="nodes-title" title={tr.t('term.node')}>
        {tr.t('nodes.title')}
      </h2>
      <p>{tr.t('nodes.choose')}</p>
      {nodesByRole(nodes).map((group) => (
        <div key={group.role} className="node-chooser-group">
          <h3>{tr.t(`role.${group.role}`)}</h3>
          <ul className="node-chooser">
            {group.nodes.map((node) => (
              <li key={node.name}>
                <a
                  href={hashOfPlace({ view: 'nodes', node: node.name })}
                  className={`node-link node-link-${node.state}`}
                >
                  {node.name} — {tr.t(`state.${node.state}`)}
                </a>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}

/** One node's page. */
function NodePage({ node }: { node: ConsoleNodeView }) {
  const tr = useTranslator();
  const sample = node.sample;
  const queueRole = node.role === 'director' || node.role === 'gateway';
  const at = useFleetStore((s) => s.snapshot?.at);
  return (
    <section aria-labelledby="node-title" className="node-page" data-node={node.name}>
      <div className="view-heading">
        <h2 id="node-title">{tr.t('node.title', { node: node.name, role: tr.t(`roleOne.${node.role}`) })}</h2>
        <span className={`state-badge state-badge-${node.state}`}>{tr.t(`state.${node.state}`)}</span>
        <a href={hashOfPlace({ view: 'nodes' })}>{tr.t('node.back')}</a>
      </div>
      <dl className="figures-row">
        <div>
          <dt>{tr.t('node.address')}</dt>
          <dd>{node.address}</dd>
        </div>
        <div>
          <dt>{tr.t('node.directoryState')}</dt>
          <dd>{tr.t(`directoryState.${node.directoryState}`)}</dd>
        </div>
        <div>
          <dt>{tr.t('node.directoryServer')}</dt>
          <dd className="node-directory-server">
            {sample?.directory ? directoryStatusText(tr, sample.directory) : '—'}
          </dd>
        </div>
        <div>
          <dt>{tr.t('node.uptime')}</dt>
          <dd>{sample && node.state === 'up' ? tr.duration(sample.uptimeSec * 1000) : '—'}</dd>
        </div>
        <div>
          <dt>{tr.t('node.lastFigures')}</dt>
          <dd>{sample ? tr.time(sample.at) : tr.t('tile.never')}</dd>
        </div>
      </dl>
      {node.problem && node.state !== 'up' && (
        <p className="view-state view-state-error" role="alert">
          {tr.t(`problem.${node.problem.kind}`)} ({node.problem.message})
        </p>
      )}
      {/* A store: fail it over to its replica (also for maintenance while it runs), and its jobs. */}
      {(node.role === 'store' || node.role === 'spare') && (
        <>
          <FailoverPanel node={node.name} down={node.state !== 'up'} evenWhenUp />
          <SparePanel node={node.name} up={node.state === 'up'} role={node.role} />
        </>
      )}
      {/* Not answering: said first, in words; no charts waiting for figures that cannot come. */}
      {node.state === 'up' ? (
        <NodeCharts role={node.role} />
      ) : (
        <>
          <NodeDownPanel node={node} now={at ?? node.since} />
          <p className="view-state">{tr.t('nodeDown.noCharts', { node: node.name })}</p>
        </>
      )}
      <NodeServices node={node.name} services={sample?.services ?? []} reachable={node.state === 'up'} />
      {queueRole && <NodeQueue node={node.name} />}
      <NodeAudit node={node.name} />
    </section>
  );
}

/** The view. */
export function NodeView() {
  const tr = useTranslator();
  const name = useUiStore((s) => s.place.node);
  const nodes = useFleetStore((s) => s.snapshot?.nodes);
  const status = useFleetStore((s) => s.status);
  useEffect(() => {
    viewServices.watchNode(name);
  }, [name]);
  if (status === 'loading' || !nodes) {
    return (
      <p className="view-state" role="status">
        {tr.t('state.loading')}
      </p>
    );
  }
  if (!name) return <NodeChooser nodes={nodes} />;
  const node = nodes.find((n) => n.name === name);
  if (!node) {
    return (
      <p className="view-state view-state-error" role="alert">
        {tr.t('node.unknown', { node: name })}
      </p>
    );
  }
  return <NodePage node={node} />;
}
