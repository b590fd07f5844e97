/** A node's audit tail on its page (the newest 200 entries of that node, newest first). */
import { LoadStatusPanel } from '../../components/load-status';
import { useRefresh } from '../../components/use-refresh';
import { useTranslator } from '../../i18n/use-translator';
import { viewServices } from '../../services/view-services';
import { emptyTail, useAuditStore } from '../../store/audit/audit-store';
import { AuditTable } from '../audit/audit-table';

/** How many entries the node page shows (the Audit view has the rest). */
const shownEntries = 20;

/** The panel. */
export function NodeAudit({ node }: { node: string }) {
  const tr = useTranslator();
  const tail = useAuditStore((s) => s.tails[node] ?? emptyTail);
  useRefresh(() => viewServices.refreshAuditTail(node), 5000, node);
  return (
    <section className="panel" aria-labelledby="node-audit-title">
      <h3 id="node-audit-title">{tr.t('node.audit.title')}</h3>
      <LoadStatusPanel
        status={tail.status}
        error={tail.error}
        empty="audit.empty"
        isEmpty={tail.entries.length === 0}
      >
        <AuditTable entries={tail.entries.slice(0, shownEntries)} showNode={false} testId="node-audit" />
      </LoadStatusPanel>
    </section>
  );
}
