/**
 * A queue action from the ask to the answer: counting what it would touch (the agent's dry run, or
 * its listing for a hold), the confirmation with that count, acting, and the outcome or the
 * refusal in words. One action at a time: the dialog is modal.
 */
import type { StateCreator } from 'zustand';
import type { ConsoleCallParams } from '../../../../main/console/console-contract';
import type { ShownError } from '../shown-error';
import type { AgentQueueFilter } from './queue-filter';
import type { QueuesStore } from './queues-store';

/** A hold as the agent knows it: by message id, by recipient user, or by logical store. */
export type QueueHoldTarget = ConsoleCallParams<'queue.hold'>['hold'];

/** Bulk actions over the messages a filter matches. */
export const queueBulkKinds = ['flush', 'requeue', 'delete', 'deleteBounce'] as const;
export type QueueBulkKind = (typeof queueBulkKinds)[number];

/** What the user asked for: a hold or its release, or a bulk action on the filtered messages. */
export type QueueActionRequest =
  | { kind: 'hold'; node: string; hold: QueueHoldTarget }
  | { kind: 'release'; node: string; hold: QueueHoldTarget }
  | { kind: QueueBulkKind; node: string; filter: AgentQueueFilter };

export type QueueActionPhase = 'idle' | 'counting' | 'confirming' | 'acting' | 'done' | 'error';

export interface QueueActionState {
  actionPhase: QueueActionPhase;
  actionRequest: QueueActionRequest | undefined;
  /** Messages the action touches, as the agent counted them before acting (its dry run). */
  actionCount: number | undefined;
  /** Unfinished recipients of those messages, when the agent counted them. */
  actionRecipients: number | undefined;
  actionError: ShownError | undefined;
}

export interface QueueActionActions {
  countingAction(request: QueueActionRequest): void;
  confirmAction(count: number, recipients?: number): void;
  actingAction(): void;
  finishAction(count: number): void;
  failAction(error: ShownError): void;
  dismissAction(): void;
}

export const queueActionInitialState: QueueActionState = {
  actionPhase: 'idle',
  actionRequest: undefined,
  actionCount: undefined,
  actionRecipients: undefined,
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
    set({ ...queueActionInitialState, actionPhase: 'counting', actionRequest }),
  confirmAction: (actionCount, actionRecipients) =>
    set({ actionPhase: 'confirming', actionCount, actionRecipients }),
  actingAction: () => set({ actionPhase: 'acting' }),
  finishAction: (actionCount) => set({ actionPhase: 'done', actionCount }),
  failAction: (actionError) => set({ actionPhase: 'error', actionError }),
  dismissAction: () => set(queueActionInitialState),
});
