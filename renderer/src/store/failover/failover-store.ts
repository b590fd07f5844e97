/**
 * The failover store: who may fail a store over, where each logical store is served and its
 * replica, every node's failover jobs (`failover.overview`, read every few seconds), and the
 * dialog of the failover being asked for.
 */
import { create } from 'zustand';
import type {
  FailoverJobView,
  FailoverOverview,
  FailoverPlanAnswer,
  SwitchPlanAnswer,
} from '../../../../main/console/console-contract';
import type { ShownError } from '../shown-error';

/** The dialog: planning, the plan asked about once, or why it cannot run or start. */
export type FailoverDialog =
  | { step: 'planning'; store: string }
  | { step: 'plan' | 'starting'; store: string; plan: Extract<FailoverPlanAnswer, { possible: true }> }
  | { step: 'refused'; store: string; refusal: string }
  | { step: 'failed'; store: string; error: ShownError };

/**
 * The dialog of "Switch to spare" (a healthy store, maintenance) or "Make spare" (a repaired node):
 * planning, the plan asked about once, what Make spare wiped, or why it cannot run or start.
 */
export type SpareDialog =
  | { kind: 'switch'; step: 'planning'; store: string }
  | {
      kind: 'switch';
      step: 'plan' | 'starting';
      store: string;
      plan: Extract<SwitchPlanAnswer, { possible: true }>;
    }
  | { kind: 'makeSpare'; step: 'planning' | 'plan' | 'starting'; node: string }
  | { kind: 'makeSpare'; step: 'done'; node: string; stores: string[]; mailboxes: number }
  | {
      kind: 'switch' | 'makeSpare';
      step: 'refused';
      name: string;
      refusal: string;
      /** Make spare: the stores the node serves, or whose replica it holds (said in the page's words). */
      serves?: string[];
      holdsReplicaOf?: string[];
    }
  | { kind: 'switch' | 'makeSpare'; step: 'failed'; name: string; error: ShownError };

export interface FailoverState {
  overview: FailoverOverview | undefined;
  dialog: FailoverDialog | undefined;
  spareDialog: SpareDialog | undefined;
}

export interface FailoverActions {
  receiveOverview(overview: FailoverOverview): void;
  /** A job the page started, shown at once (the next overview brings its later steps). */
  jobStarted(job: FailoverJobView): void;
  showDialog(dialog: FailoverDialog | undefined): void;
  showSpareDialog(dialog: SpareDialog | undefined): void;
}

/** Creates a failover store (one per window). */
export function createFailoverStore() {
  return create<FailoverState & FailoverActions>()((set) => ({
    overview: undefined,
    dialog: undefined,
    spareDialog: undefined,
    receiveOverview: (overview) => set({ overview }),
    jobStarted: (job) =>
      set((s) =>
        s.overview
          ? { overview: { ...s.overview, jobs: [job, ...s.overview.jobs.filter((j) => j.job !== job.job)] } }
          : {},
      ),
    showDialog: (dialog) => set({ dialog }),
    showSpareDialog: (spareDialog) => set({ spareDialog }),
  }));
}

export const useFailoverStore = createFailoverStore();

/** The newest job of each store that failed away from `node`. */
export function jobsFromNode(overview: FailoverOverview | undefined, node: string): FailoverJobView[] {
  const newest = new Map<string, FailoverJobView>();
  for (const job of overview?.jobs ?? [])
    if (job.failedNode === node && (newest.get(job.store)?.startedAt ?? -1) < job.startedAt)
      newest.set(job.store, job);
  return [...newest.values()];
}

/**
 * The stores `node` serves that have a replica to fail over to, and no failover under way; `may`
 * says whether this console's admin may start one (the button) or not (a line saying who can).
 */
export function storesToFailOver(
  overview: FailoverOverview | undefined,
  node: string,
): { may: boolean; stores: Array<{ store: string; replicaNode: string }> } {
  if (!overview) return { may: false, stores: [] };
  const running = new Set(
    overview.jobs.filter((j) => j.step !== 'done' && j.step !== 'failed').map((j) => j.store),
  );
  const stores = overview.stores.flatMap((s) =>
    s.node === node && s.replicaNode && !running.has(s.store)
      ? [{ store: s.store, replicaNode: s.replicaNode }]
      : [],
  );
  return { may: overview.mayFailOver, stores };
}

/**
 * The stores `node` serves with no job under way: a system admin may switch each to a spare
 * (maintenance). Empty for any other tier (the agents would refuse it).
 */
export function storesToSwitch(overview: FailoverOverview | undefined, node: string): string[] {
  if (!overview?.mayFailOver) return [];
  const running = new Set(
    overview.jobs.filter((j) => j.step !== 'done' && j.step !== 'failed').map((j) => j.store),
  );
  return overview.stores.filter((s) => s.node === node && !running.has(s.store)).map((s) => s.store);
}
