/** Audit tails: the fleet's for the Audit view (every node, merged by time), one node's for its page. */
import type { ConsoleApi } from '../../../main/console/console-contract';
import type { useAuditStore } from '../store/audit/audit-store';
import { shownErrorOf } from './shown-error';

type AuditStoreApi = Pick<typeof useAuditStore, 'getState'>;

/** The scope of the Audit view's tail (a node's page uses the node's name). */
export const fleetAuditScope = '*fleet';

/** How many entries a tail reads. */
export const auditTailLimit = 200;

/** Reads a tail: every node's (scope {@link fleetAuditScope}) or one node's. */
export async function refreshAuditTail(api: ConsoleApi, store: AuditStoreApi, scope: string): Promise<void> {
  store.getState().loadingTail(scope);
  try {
    const nodes = scope === fleetAuditScope ? undefined : [scope];
    const tail = await api.audit.tail({ nodes, limit: auditTailLimit });
    store.getState().receiveTail(scope, tail.entries, tail.failures, Date.now());
  } catch (error) {
    store.getState().failTail(scope, shownErrorOf(error));
  }
}
