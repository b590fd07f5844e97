/**
 * Feeds the fleet store: the first whole snapshot by call, then every push main sends (a whole
 * snapshot, then the nodes that changed, soon after their samples arrive), merged by the store.
 */
import type { ConsoleApi, ConsoleFleetPush } from '../../../main/console/console-contract';
import type { useFleetStore } from '../store/fleet/fleet-store';
import { snapshotArrived, snapshotDropped } from './render-probe';

type FleetStoreApi = Pick<typeof useFleetStore, 'getState'>;

/**
 * The history keeps one point a second (its window is counted in seconds) while pushes come
 * several times a second; a little under 1 s so points do not drift past whole seconds.
 */
const historyStepMs = 950;

/** Starts the feed; returns a function that stops it. */
export function startFleetFeed(api: ConsoleApi, store: FleetStoreApi): () => void {
  let pointAt = Number.NEGATIVE_INFINITY;
  const receive = (push: ConsoleFleetPush) => {
    snapshotArrived(push);
    const state = store.getState();
    if (!state.receiveSnapshot(push)) {
      snapshotDropped();
      return;
    }
    const merged = store.getState().snapshot;
    if (merged && merged.at - pointAt >= historyStepMs) {
      pointAt = merged.at;
      state.recordPoint(merged);
    }
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
