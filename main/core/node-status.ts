/** The short per-node status the CLI prints (`mailfleet status --json`) and the lab waits on. */
import type { FleetSnapshot } from './fleet-snapshot.js';

/** One node in `status --json`: at least name, role and state (`up` when it answers, else `down`). */
export interface NodeStatus {
  name: string;
  role: string;
  state: 'up' | 'down';
  /** State recorded in the directory: active, down, failed, maintenance, spare. */
  directoryState: string;
  address: string;
  controlPort: number;
  /** Why it is down, in words. */
  problem?: string;
}

/** The status rows of a snapshot. */
export function nodeStatuses(snapshot: FleetSnapshot): NodeStatus[] {
  return snapshot.nodes.map((n) => {
    const status: NodeStatus = {
      name: n.name,
      role: n.role,
      state: n.observed,
      directoryState: n.directoryState,
      address: n.address,
      controlPort: n.controlPort,
    };
    if (n.problem) status.problem = n.problem.message;
    return status;
  });
}
