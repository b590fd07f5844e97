/**
 * The Queues view's calls: the fleet's queues, one node's messages under a filter, a message's
 * headers, and the actions (hold, release, flush, requeue, delete with or without a bounce), each
 * counted by the agent (its dry run) before the user confirms it.
 */
import type { ConsoleApi } from '../../../main/console/console-contract';
import type { QueueActionRequest, QueueHoldTarget } from '../store/queues/queue-action-slice';
import { agentFilterOf } from '../store/queues/queue-filter';
import type { useQueuesStore } from '../store/queues/queues-store';
import { shownErrorOf } from './shown-error';

type QueuesStoreApi = Pick<typeof useQueuesStore, 'getState'>;

/** The most messages one listing shows; the total says how many matched. */
export const queuePageSize = 500;

/** Reads every queue of the fleet. */
export async function refreshFleetQueues(api: ConsoleApi, store: QueuesStoreApi): Promise<void> {
  store.getState().loadingFleetQueues();
  try {
    store.getState().receiveFleetQueues(await api.queue.fleet({}), Date.now());
  } catch (error) {
    store.getState().failFleetQueues(shownErrorOf(error));
  }
}

/** Reads the chosen node's messages under the sender and recipient filter. */
export async function refreshQueueEntries(api: ConsoleApi, store: QueuesStoreApi): Promise<void> {
  const { entriesNode: node, filter } = store.getState();
  if (!node) return;
  store.getState().loadingEntries();
  try {
    const applied = agentFilterOf(filter);
    const listed = await api.queue.list({ node, ...applied, limit: queuePageSize });
    store.getState().receiveEntries(node, listed.entries, listed.total, Date.now(), applied);
  } catch (error) {
    store.getState().failEntries(shownErrorOf(error));
  }
}

/** How many queued messages a hold or release applies to now, as the agent lists them. */
async function countHeldBy(api: ConsoleApi, node: string, hold: QueueHoldTarget): Promise<number> {
  if ('messageId' in hold) return 1;
  if ('user' in hold) return (await api.queue.list({ node, recipient: hold.user, limit: 1 })).total;
  // A logical store's mail: the recipients routed there are not in the listing yet, so count the
  // messages with a held recipient (what a release of it would let go, at most).
  const listed = await api.queue.list({ node, limit: 2000 });
  return listed.entries.filter((entry) => entry.recipients.some((r) => r.held)).length;
}

type BulkRequest = Extract<QueueActionRequest, { filter: unknown }>;

/** A bulk action on the filtered messages; with `dryRun` the agent only counts. */
function runBulk(api: ConsoleApi, request: BulkRequest, dryRun: boolean) {
  const target = { node: request.node, filter: request.filter, dryRun };
  switch (request.kind) {
    case 'flush':
      return api.queue.flush(target);
    case 'requeue':
      return api.queue.requeue(target);
    case 'delete':
      return api.queue.delete({ ...target, bounce: false });
    case 'deleteBounce':
      return api.queue.delete({ ...target, bounce: true });
  }
}

/** First step of an action: ask the agent what it would touch, then ask the user. */
export async function askQueueAction(
  api: ConsoleApi,
  store: QueuesStoreApi,
  request: QueueActionRequest,
): Promise<void> {
  store.getState().countingAction(request);
  try {
    if (request.kind === 'hold' || request.kind === 'release') {
      store.getState().confirmAction(await countHeldBy(api, request.node, request.hold));
    } else {
      const counted = await runBulk(api, request, true);
      store.getState().confirmAction(counted.messages, counted.recipients);
    }
  } catch (error) {
    store.getState().failAction(shownErrorOf(error));
  }
}

/** Second step, after the user confirmed: act, then read the queues again. */
export async function runQueueAction(api: ConsoleApi, store: QueuesStoreApi): Promise<void> {
  const { actionRequest: request, actionCount } = store.getState();
  if (!request) return;
  store.getState().actingAction();
  try {
    if (request.kind === 'hold') {
      await api.queue.hold({ node: request.node, hold: request.hold });
      store.getState().finishAction(actionCount ?? 0);
    } else if (request.kind === 'release') {
      await api.queue.release({ node: request.node, hold: request.hold });
      store.getState().finishAction(actionCount ?? 0);
    } else {
      store.getState().finishAction((await runBulk(api, request, false)).messages);
    }
  } catch (error) {
    store.getState().failAction(shownErrorOf(error));
  }
  await Promise.all([refreshFleetQueues(api, store), refreshQueueEntries(api, store)]);
}

/** Reads one message's envelope and headers for the headers dialog. */
export async function showQueueMessage(
  api: ConsoleApi,
  store: QueuesStoreApi,
  node: string,
  id: string,
): Promise<void> {
  store.getState().showingMessage(node, id);
  try {
    store.getState().receiveMessage(id, await api.queue.show({ node, id }));
  } catch (error) {
    store.getState().failMessage(id, shownErrorOf(error));
  }
}
