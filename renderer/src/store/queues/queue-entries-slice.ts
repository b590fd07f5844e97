/** One node's queued messages (`queue.list`) under the view's filter. */
import type { StateCreator } from 'zustand';
import type { ShownError } from '../shown-error';
import type { LoadStatus } from './load-state';
import { type AgentQueueFilter, emptyQueueFilter, type QueueEntry, type QueueFilter } from './queue-filter';
import type { QueuesStore } from './queues-store';

export interface QueueEntriesState {
  /** The node whose messages are listed (a director, by default the first). */
  entriesNode: string | undefined;
  filter: QueueFilter;
  entries: QueueEntry[];
  /** Messages the agent matched (the list shows at most a page of them). */
  entriesTotal: number;
  entriesStatus: LoadStatus;
  entriesError: ShownError | undefined;
  entriesAt: number | undefined;
  /** The agent filter the listed messages were read with (what is in force, not what is typed). */
  entriesFilter: AgentQueueFilter | undefined;
}

export interface QueueEntriesActions {
  chooseEntriesNode(node: string): void;
  changeFilter(change: Partial<QueueFilter>): void;
  loadingEntries(): void;
  receiveEntries(
    node: string,
    entries: QueueEntry[],
    total: number,
    at: number,
    filter?: AgentQueueFilter,
  ): void;
  /** Back to no filter (each visit of the Queues view starts so: a filter never lingers unseen). */
  clearFilter(): void;
  failEntries(error: ShownError): void;
}

export const queueEntriesInitialState: QueueEntriesState = {
  entriesNode: undefined,
  filter: emptyQueueFilter,
  entries: [],
  entriesTotal: 0,
  entriesStatus: 'idle',
  entriesError: undefined,
  entriesAt: undefined,
  entriesFilter: undefined,
};

export const createQueueEntriesSlice: StateCreator<
  QueuesStore,
  [],
  [],
  QueueEntriesState & QueueEntriesActions
> = (set) => ({
  ...queueEntriesInitialState,
  chooseEntriesNode: (entriesNode) =>
    set((s) => (s.entriesNode === entriesNode ? {} : { entriesNode, entries: [], entriesStatus: 'idle' })),
  changeFilter: (change) => set((s) => ({ filter: { ...s.filter, ...change } })),
  loadingEntries: () =>
    set((s) => (s.entriesStatus === 'ready' ? {} : { entriesStatus: 'loading', entriesError: undefined })),
  receiveEntries: (node, entries, entriesTotal, at, entriesFilter) =>
    set((s) =>
      // An answer for a node no longer chosen is dropped: the user moved on.
      s.entriesNode !== node
        ? {}
        : {
            entries,
            entriesTotal,
            entriesAt: at,
            entriesStatus: 'ready',
            entriesError: undefined,
            entriesFilter,
          },
    ),
  clearFilter: () => set({ filter: emptyQueueFilter }),
  failEntries: (error) =>
    set((s) => ({ entriesStatus: s.entriesStatus === 'ready' ? 'ready' : 'error', entriesError: error })),
});
