/**
 * What the Node view reads and does beyond the fleet snapshot: the node's queue summary (on a
 * director or gateway), and a service restart from the ask to the agent's answer.
 */
import type { StateCreator } from 'zustand';
import type { ConsoleCallResult } from '../../../../main/console/console-contract';
import type { LoadStatus } from '../queues/load-state';
import type { ShownError } from '../shown-error';
import type { NodeStore } from './node-store';

export type NodeQueueSummary = ConsoleCallResult<'queue.summary'>;

/** A restart: asked (waiting for the confirmation), under way, done, or refused. */
export interface ServiceRestart {
  node: string;
  service: string;
  phase: 'confirming' | 'restarting' | 'done' | 'error';
  error?: ShownError;
}

export interface NodeActionsState {
  queueSummary: NodeQueueSummary | undefined;
  /** 'idle' also when the node runs no queue (then `queueAbsent`). */
  queueStatus: LoadStatus;
  queueAbsent: boolean;
  queueError: ShownError | undefined;
  restart: ServiceRestart | undefined;
}

export interface NodeActionsActions {
  receiveQueueSummary(summary: NodeQueueSummary | undefined): void;
  failQueueSummary(error: ShownError): void;
  askRestart(node: string, service: string): void;
  setRestart(change: Partial<ServiceRestart> | undefined): void;
}

export const createNodeActionsSlice: StateCreator<
  NodeStore,
  [],
  [],
  NodeActionsState & NodeActionsActions
> = (set) => ({
  queueSummary: undefined,
  queueStatus: 'idle',
  queueAbsent: false,
  queueError: undefined,
  restart: undefined,
  receiveQueueSummary: (queueSummary) =>
    set({
      queueSummary,
      queueAbsent: queueSummary === undefined,
      queueStatus: 'ready',
      queueError: undefined,
    }),
  failQueueSummary: (queueError) => set({ queueStatus: 'error', queueError }),
  askRestart: (node, service) => set({ restart: { node, service, phase: 'confirming' } }),
  setRestart: (change) =>
    set((s) => ({ restart: change === undefined || !s.restart ? undefined : { ...s.restart, ...change } })),
});
