/**
 * The Node view's calls: its history window is fed from the fleet store's snapshots (no extra
 * call), its queue summary from `queue.summary`, its restart from `node.restartService`.
 */
import type { ConsoleApi } from '../../../main/console/console-contract';
import type { useFleetStore } from '../store/fleet/fleet-store';
import type { useNodeStore } from '../store/nodes/node-store';
import { shownErrorOf } from './shown-error';

type NodeStoreApi = Pick<typeof useNodeStore, 'getState'>;
type FleetStoreApi = Pick<typeof useFleetStore, 'getState' | 'subscribe'>;

/** Records the watched node's figures from every snapshot; returns a function that stops it. */
export function startNodeHistory(fleet: FleetStoreApi, store: NodeStoreApi): () => void {
  const record = () => {
    const watched = store.getState().watchedNode;
    const view = fleet.getState().snapshot?.nodes.find((n) => n.name === watched);
    if (view) store.getState().recordNode(view);
  };
  record();
  return fleet.subscribe((state, previous) => {
    if (state.snapshot !== previous.snapshot) record();
  });
}

/** Starts the history window of a node (and the first point from the snapshot on screen). */
export function watchNode(fleet: FleetStoreApi, store: NodeStoreApi, node: string | undefined): void {
  store.getState().watchNode(node);
  const view = fleet.getState().snapshot?.nodes.find((n) => n.name === node);
  if (view) store.getState().recordNode(view);
}

/** Reads a director's or gateway's queue summary; a node that runs no queue says so. */
export async function refreshNodeQueue(api: ConsoleApi, store: NodeStoreApi, node: string): Promise<void> {
  try {
    store.getState().receiveQueueSummary(await api.queue.summary({ node }));
  } catch (error) {
    const shown = shownErrorOf(error);
    if (shown.code === 'not-found' && /runs no mail queue/.test(shown.message)) {
      store.getState().receiveQueueSummary(undefined);
    } else store.getState().failQueueSummary(shown);
  }
}

/** Restarts the service the user confirmed; the agent decides whether this admin may. */
export async function restartConfirmedService(api: ConsoleApi, store: NodeStoreApi): Promise<void> {
  const restart = store.getState().restart;
  if (restart?.phase !== 'confirming') return;
  store.getState().setRestart({ phase: 'restarting' });
  try {
    await api.node.restartService({ node: restart.node, service: restart.service });
    store.getState().setRestart({ phase: 'done' });
  } catch (error) {
    store.getState().setRestart({ phase: 'error', error: shownErrorOf(error) });
  }
}
