/** Every queue of the fleet (`queue.fleet`): one row per node that runs a queue. */
import type { StateCreator } from 'zustand';
import type { FleetQueuesResult } from '../../../../main/console/console-contract';
import type { ShownError } from '../shown-error';
import type { LoadStatus } from './load-state';
import type { QueuesStore } from './queues-store';

export interface FleetQueuesState {
  fleetQueues: FleetQueuesResult | undefined;
  fleetQueuesStatus: LoadStatus;
  fleetQueuesError: ShownError | undefined;
  /** When the figures were read (ms since the epoch). */
  fleetQueuesAt: number | undefined;
}

export interface FleetQueuesActions {
  loadingFleetQueues(): void;
  receiveFleetQueues(result: FleetQueuesResult, at: number): void;
  failFleetQueues(error: ShownError): void;
}

export const fleetQueuesInitialState: FleetQueuesState = {
  fleetQueues: undefined,
  fleetQueuesStatus: 'idle',
  fleetQueuesError: undefined,
  fleetQueuesAt: undefined,
};

export const createFleetQueuesSlice: StateCreator<
  QueuesStore,
  [],
  [],
  FleetQueuesState & FleetQueuesActions
> = (set) => ({
  ...fleetQueuesInitialState,
  // A refresh keeps the figures on screen; only the first read shows "loading".
  loadingFleetQueues: () =>
    set((s) => (s.fleetQueues ? {} : { fleetQueuesStatus: 'loading', fleetQueuesError: undefined })),
  receiveFleetQueues: (fleetQueues, at) =>
    set({ fleetQueues, fleetQueuesAt: at, fleetQueuesStatus: 'ready', fleetQueuesError: undefined }),
  failFleetQueues: (error) =>
    set((s) => ({ fleetQueuesStatus: s.fleetQueues ? 'ready' : 'error', fleetQueuesError: error })),
});
