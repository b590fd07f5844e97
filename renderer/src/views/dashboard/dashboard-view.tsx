/** The dashboard: fleet totals, the alarm list, the fleet charts, and every node as a tile grouped by role. */
import { useLayoutEffect, useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useTranslator } from '../../i18n/use-translator';
import { snapshotCommitted } from '../../services/render-probe';
import { nodesByRole } from '../../store/fleet/fleet-selectors';
import { useFleetStore } from '../../store/fleet/fleet-store';
import { useUiStore } from '../../store/ui/ui-store';
import { AddNodeButton } from './add-node-dialog';
import { AlarmList } from './alarm-list';
import { FleetCharts } from './fleet-charts';
import { FleetTotalsBar } from './fleet-totals-bar';
import { RoleGroup } from './role-group';

/** The first view. */
export function DashboardView() {
  const tr = useTranslator();
  const { snapshot, status, error } = useFleetStore(
    useShallow((s) => ({ snapshot: s.snapshot, status: s.status, error: s.error })),
  );
  // Figures from before the console link dropped must not look live.
  const frozen = useUiStore((s) => s.link === 'closed');
  const shownAt = snapshot?.at;
  const shownNodes = snapshot?.nodes;
  // After the commit that put this snapshot in the DOM (children's effects have run by now); tells
  // the render bench's probe, which does nothing unless a bench asks.
  useLayoutEffect(() => {
    if (shownAt !== undefined) snapshotCommitted(shownAt, shownNodes?.length ?? 0);
  }, [shownAt, shownNodes]);
  // A push that changed no node keeps the same `nodes` array: the groups are not redone.
  const groups = useMemo(() => (shownNodes ? nodesByRole(shownNodes) : []), [shownNodes]);
  if (status === 'loading') {
    return (
      <p className="view-state" role="status">
        {tr.t('dashboard.loading')}
      </p>
    );
  }
  if (status === 'error' || !snapshot) {
    return (
      <p className="view-state view-state-error" role="alert">
        {tr.t('dashboard.error', { error: error ?? '' })}
      </p>
    );
  }
  return (
    <section
      aria-labelledby="dashboard-title"
      className={frozen ? 'dashboard dashboard-frozen' : 'dashboard'}
    >
      <div className="dashboard-heading">
        <h2 id="dashboard-title">{tr.t('dashboard.title')}</h2>
        <span className="dashboard-updated">{tr.t('dashboard.updated', { time: tr.time(snapshot.at) })}</span>
        <AddNodeButton />
      </div>
      {snapshot.nodes.length === 0 ? (
        <p className="view-state">{tr.t('dashboard.empty')}</p>
      ) : (
        <>
          <FleetTotalsBar snapshot={snapshot} />
          <AlarmList snapshot={snapshot} />
          <FleetCharts />
          <div className="role-groups">
            {groups.map((group) => (
              <RoleGroup key={group.role} role={group.role} nodes={group.nodes} now={snapshot.at} />
            ))}
          </div>
        </>
      )}
    </section>
  );
}
