/**
 * A queue action from the ask to the answer: counting what it would touch (the agent's dry run, or
 * its listing for a hold), the confirmation with that count, acting, and the outcome or the
 * refusal in words. One action at a time: the dialog is modal.
 */
import type { StateCreator } from 'zustand';
import type { ConsoleCallParams } from '../../../../main/console/console-contract';
import type { ShownError } from './load-state';
import type { QueuesStore } from './queues-store';

/** A hold as the agent knows it: by message id, by recipient user, or by logical store. */
export type QueueHoldTarget = ConsoleCallParams<'queue.hold'>['hold'];

/** What the user asked for. */
export type QueueActionRequest =
  | { kind: 'hold'; node: string; hold: QueueHoldTarget }
  | { kind: 'release'; node: string; hold: QueueHoldTarget };

export type QueueActionPhase = 'idle' | 'counting' | 'confirming' | 'acting' | 'done' | 'error';

export interface QueueActionState {
  actionPhase: QueueActionPhase;
  actionRequest: QueueActionRequest | undefined;
  /** Messages the action touches, as the agent counted them before acting. */
  actionCount: number | undefined;
  actionError: ShownError | undefined;
}

export interface QueueActionActions {
  countingAction(request: QueueActionRequest): void;
  confirmAction(count: number): void;
  actingAction(): void;
  finishAction(count: number): void;
  failAction(error: ShownError): void;
  dismissAction(): void;
}

export const queueActionInitialState: QueueActionState = {
  actionPhase: 'idle',
  actionRequest: undefined,
  actionCount: undefined,
  actionError: undefined,
};

export const createQueueActionSlice: StateCreator<
  QueuesStore,
  [],
  [],
  QueueActionState & QueueActionActions
> = (set) => ({
  ...queueActionInitialState,
  countingAction: (actionRequest) =>
    set({ actionPhase: 'counting', actionRequest, actionCount: undefined, actionError: undefined }),
  confirmAction: (actionCount) => set({ actionPhase: 'confirming', actionCount }),
  actingAction: () => set({ actionPhase: 'acting' }),
  finishAction: (actionCount) => set({ actionPhase: 'done', actionCount }),
  failAction: (actionError) => set({ actionPhase: 'error', actionError }),
  dismissAction: () => set(queueActionInitialState),
});
