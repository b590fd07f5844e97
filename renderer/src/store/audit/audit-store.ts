/**
 * The audit store: audit tails read from the nodes (`audit.tail`), one per scope (`fleet` for the
 * Audit view, a node name for that node's page), and the Audit view's filter.
 */
import { create } from 'zustand';
import type { AuditEntry } from '../../../../main/console/console-contract';
import type { LoadStatus } from '../queues/load-state';
import type { ShownError } from '../shown-error';

/** One tail: entries newest first, and the nodes that did not answer. */
export interface AuditTail {
  entries: AuditEntry[];
  failures: Array<{ node: string; message: string }>;
  status: LoadStatus;
  error: ShownError | undefined;
  at: number | undefined;
}

export const auditOutcomeChoices = ['any', 'ok', 'denied', 'error'] as const;
export type AuditOutcomeChoice = (typeof auditOutcomeChoices)[number];

/** The Audit view's filter: a node (or every node) and an outcome. */
export interface AuditFilter {
  node: string;
  outcome: AuditOutcomeChoice;
}

export interface AuditState {
  tails: Record<string, AuditTail>;
  filter: AuditFilter;
}

export interface AuditActions {
  loadingTail(scope: string): void;
  receiveTail(scope: string, entries: AuditEntry[], failures: AuditTail['failures'], at: number): void;
  failTail(scope: string, error: ShownError): void;
  changeAuditFilter(change: Partial<AuditFilter>): void;
}

/** A tail not read yet. */
export const emptyTail: AuditTail = {
  entries: [],
  failures: [],
  status: 'idle',
  error: undefined,
  at: undefined,
};

/** Creates an audit store (one per window; tests make their own). */
export function createAuditStore() {
  return create<AuditState & AuditActions>()((set) => {
    const update = (scope: string, change: (tail: AuditTail) => Partial<AuditTail>) =>
      set((s) => {
        const tail = s.tails[scope] ?? emptyTail;
        return { tails: { ...s.tails, [scope]: { ...tail, ...change(tail) } } };
      });
    return {
      tails: {},
      filter: { node: '', outcome: 'any' },
      loadingTail: (scope) =>
        update(scope, (t) => (t.status === 'ready' ? {} : { status: 'loading', error: undefined })),
      // The agent answers oldest first; people read an audit log newest first.
      receiveTail: (scope, entries, failures, at) =>
        update(scope, () => ({
          entries: [...entries].reverse(),
          failures,
          at,
          status: 'ready',
          error: undefined,
        })),
      failTail: (scope, error) =>
        update(scope, (t) => ({ status: t.status === 'ready' ? 'ready' : 'error', error })),
      changeAuditFilter: (change) => set((s) => ({ filter: { ...s.filter, ...change } })),
    };
  });
}

/** The window's audit store. */
export const useAuditStore = createAuditStore();
