/**
 * The Audit view: who did what, when, on which node, with what outcome; every node's tail merged
 * by time, newest first, filtered by node and outcome. Read every 5 s while shown.
 */
import { useShallow } from 'zustand/react/shallow';
import { LoadStatusPanel } from '../../components/load-status';
import { SelectField } from '../../components/select-field';
import { useRefresh } from '../../components/use-refresh';
import { useTranslator } from '../../i18n/use-translator';
import { fleetAuditScope } from '../../services/audit-service';
import { viewServices } from '../../services/view-services';
import { auditOutcomeChoices, emptyTail, useAuditStore } from '../../store/audit/audit-store';
import { useFleetStore } from '../../store/fleet/fleet-store';
import { AuditTable } from './audit-table';

/** The view. */
export function AuditView() {
  const tr = useTranslator();
  const tail = useAuditStore((s) => s.tails[fleetAuditScope] ?? emptyTail);
  const filter = useAuditStore((s) => s.filter);
  const change = useAuditStore((s) => s.changeAuditFilter);
  const nodes = useFleetStore(useShallow((s) => (s.snapshot?.nodes ?? []).map((n) => n.name)));
  useRefresh(() => viewServices.refreshAuditTail(fleetAuditScope), 5000, 'fleet');
  const shown = tail.entries.filter(
    (e) =>
      (!filter.node || e.node === filter.node) && (filter.outcome === 'any' || e.outcome === filter.outcome),
  );
  return (
    <section aria-labelledby="audit-title" className="audit-view">
      <div className="view-heading">
        <h2 id="audit-title">{tr.t('audit.title')}</h2>
        {tail.at !== undefined && (
          <span className="muted">{tr.t('dashboard.updated', { time: tr.time(tail.at) })}</span>
        )}
      </div>
      <form className="filters" aria-label={tr.t('audit.filter')} onSubmit={(e) => e.preventDefault()}>
        <label>
          {tr.t('audit.node')}
          <select name="node" value={filter.node} onChange={(e) => change({ node: e.target.value })}>
            <option value="">{tr.t('audit.allNodes')}</option>
            {nodes.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <SelectField
          name="outcome"
          label="audit.outcome"
          value={filter.outcome}
          choices={auditOutcomeChoices}
          choiceLabel={(o) => (o === 'any' ? tr.t('audit.allOutcomes') : tr.t(`outcome.${o}`))}
          onChange={(outcome) => change({ outcome })}
        />
      </form>
      {tail.failures.map((failure) => (
        <p key={failure.node} className="view-state view-state-error" role="alert">
          {tr.t('audit.nodeFailed', { node: failure.node, detail: failure.message })}
        </p>
      ))}
      <LoadStatusPanel
        status={tail.status}
        error={tail.error}
        empty="audit.empty"
        isEmpty={shown.length === 0}
      >
        <p className="muted">{tr.t('audit.count', { n: shown.length })}</p>
        <AuditTable entries={shown} testId="audit-entries" />
      </LoadStatusPanel>
    </section>
  );
}
