/**
 * The Mail Trace store: what the clerk asked (an address or a Message-ID), the steps every
 * director and gateway answered, merged by time, and the nodes that did not answer.
 */
import { create } from 'zustand';
import type { ConsoleCallResult } from '../../../../main/console/console-contract';
import type { LoadStatus } from '../queues/load-state';
import type { ShownError } from '../shown-error';

/** One step as the console merged it (with its node and role). */
export type TraceStep = ConsoleCallResult<'mail.trace'>['steps'][number];

export interface TraceState {
  /** The text searched for, as typed (an address or a Message-ID). */
  asked: string | undefined;
  steps: TraceStep[];
  truncated: boolean;
  failures: Array<{ node: string; message: string }>;
  status: LoadStatus;
  error: ShownError | undefined;
  at: number | undefined;
}

export interface TraceActions {
  tracing(asked: string): void;
  receiveTrace(asked: string, answer: ConsoleCallResult<'mail.trace'>, at: number): void;
  failTrace(asked: string, error: ShownError): void;
}

/** Creates a trace store (one per window; tests make their own). */
export function createTraceStore() {
  return create<TraceState & TraceActions>()((set, get) => ({
    asked: undefined,
    steps: [],
    truncated: false,
    failures: [],
    status: 'idle',
    error: undefined,
    at: undefined,
    // Another search clears what was shown; the same one read again keeps it while it loads.
    tracing: (asked) =>
      set(
        get().asked === asked ? {} : { asked, steps: [], failures: [], status: 'loading', error: undefined },
      ),
    receiveTrace: (asked, answer, at) => {
      // An answer to an older search is dropped.
      if (get().asked !== asked) return;
      set({ ...answer, at, status: 'ready', error: undefined });
    },
    failTrace: (asked, error) => {
      if (get().asked !== asked) return;
      set((s) => ({ status: s.status === 'ready' ? 'ready' : 'error', error }));
    },
  }));
}

/** The window's trace store. */
export const useTraceStore = createTraceStore();
