/** The queues store: the fleet's queues, one node's queued messages, the action under way, a message's headers. */
import { create } from 'zustand';
import { createFleetQueuesSlice, type FleetQueuesActions, type FleetQueuesState } from './fleet-queues-slice';
import { createQueueActionSlice, type QueueActionActions, type QueueActionState } from './queue-action-slice';
import {
  createQueueEntriesSlice,
  type QueueEntriesActions,
  type QueueEntriesState,
} from './queue-entries-slice';
import {
  createQueueMessageSlice,
  type QueueMessageActions,
  type QueueMessageState,
} from './queue-message-slice';

export type QueuesStore = FleetQueuesState &
  FleetQueuesActions &
  QueueEntriesState &
  QueueEntriesActions &
  QueueActionState &
  QueueActionActions &
  QueueMessageState &
  QueueMessageActions;

/** Creates a queues store (one per window; tests make their own). */
export function createQueuesStore() {
  return create<QueuesStore>()((...a) => ({
    ...createFleetQueuesSlice(...a),
    ...createQueueEntriesSlice(...a),
    ...createQueueActionSlice(...a),
    ...createQueueMessageSlice(...a),
  }));
}

/** The window's queues store. */
export const useQueuesStore = createQueuesStore();
