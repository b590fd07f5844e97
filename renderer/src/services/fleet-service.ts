/**
 * Feeds the fleet store: the first snapshot by call, then every pushed one (1 Hz). Also the page's
 * watchdog: if no snapshot arrives for a while the store hears of it, so a dead console never looks
 * like a healthy fleet.
 */
import type { ConsoleApi } from '../../../main/console/console-contract';
import type { useFleetStore } from '../store/fleet/fleet-store';
import { snapshotArrived } from './render-probe';

type FleetStoreApi = Pick<typeof useFleetStore, 'getState'>;

/** Starts the feed; returns a function that stops it. */
export function startFleetFeed(api: ConsoleApi, store: FleetStoreApi): () => void {
  const receive = (snapshot: Parameters<ReturnType<FleetStoreApi['getState']>['receiveSnapshot']>[0]) => {
    snapshotArrived(snapshot);
    const state = store.getState();
    state.receiveSnapshot(snapshot);
    state.recordPoint(snapshot);
  };
  const stop = api.events.onFleetSnapshot(receive);
  api.fleet
    .snapshot({})
    .then(receive)
    .catch((error: unknown) =>
      store.getState().failSnapshot(error instanceof Error ? error.message : String(error)),
    );
  return stop;
}
