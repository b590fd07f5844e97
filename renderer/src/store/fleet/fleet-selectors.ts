/** Views of the fleet store the dashboard reads. */
import type { ConsoleNodeView, NodeRole } from '../../../../main/console/console-contract';

/** The order roles appear on the dashboard: the path mail takes, then the rest. */
export const roleOrder: readonly NodeRole[] = ['gateway', 'director', 'store', 'spare', 'directory'];

/** Nodes grouped by role in dashboard order; roles without nodes are left out. */
export function nodesByRole(
  nodes: readonly ConsoleNodeView[],
): Array<{ role: NodeRole; nodes: ConsoleNodeView[] }> {
  return roleOrder
    .map((role) => ({ role, nodes: nodes.filter((n) => n.role === role) }))
    .filter((group) => group.nodes.length > 0);
}
