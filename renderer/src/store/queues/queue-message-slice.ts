/** The message whose headers the user opened (`queue.show`): envelope, headers, decoded subject. */
import type { StateCreator } from 'zustand';
import type { ConsoleCallResult } from '../../../../main/console/console-contract';
import type { ShownError } from '../shown-error';
import type { QueuesStore } from './queues-store';

export type QueueMessageShown = ConsoleCallResult<'queue.show'>;

export interface QueueMessageState {
  /** The message asked for; undefined when the headers dialog is closed. */
  messageShown: { node: string; id: string; result?: QueueMessageShown; error?: ShownError } | undefined;
}

export interface QueueMessageActions {
  showingMessage(node: string, id: string): void;
  receiveMessage(id: string, result: QueueMessageShown): void;
  failMessage(id: string, error: ShownError): void;
  closeMessage(): void;
}

export const createQueueMessageSlice: StateCreator<
  QueuesStore,
  [],
  [],
  QueueMessageState & QueueMessageActions
> = (set) => ({
  messageShown: undefined,
  showingMessage: (node, id) => set({ messageShown: { node, id } }),
  // An answer for a dialog already closed or moved on is dropped.
  receiveMessage: (id, result) =>
    set((s) => (s.messageShown?.id === id ? { messageShown: { ...s.messageShown, result } } : {})),
  failMessage: (id, error) =>
    set((s) => (s.messageShown?.id === id ? { messageShown: { ...s.messageShown, error } } : {})),
  closeMessage: () => set({ messageShown: undefined }),
});
