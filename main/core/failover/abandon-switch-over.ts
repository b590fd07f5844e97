/**
 * Settling a store left `switching` by a switch-over whose job's node is gone for good
 * (docs/failover.md, "What a crash at each step leaves"): the store is written `failed` at the next
 * epoch, as a failover's fence writes it, so that it can be failed over to its replica and the
 * directors' sweeps release their holds (their held mail then flows to whoever serves it).
 * `mailfleet failover STORE --abandon-switch-over` does this first.
 *
 * Refused while the job's node answers: a job alive finishes its switch-over or rolls it back on
 * its own, and writing under it would make two writers of one store's state.
 */
import type { FleetDirectory } from '../../../agent/common/directory/fleet-directory.js';
import type { LogicalStoreEntry } from '../../../agent/common/directory/fleet-entries.js';
import type { FleetClient } from '../fleet-client.js';

/** How long the job's node has to answer before it counts as gone. */
const answerTimeoutMs = 5000;

/**
 * Writes a `switching` store `failed` at the next epoch when the node running its switch-over
 * (the node that served it) does not answer; returns the entry written. Throws, in words, when
 * the store is not being switched over, the node answers, or the epoch changed meanwhile (the
 * directory's compare-and-set: nothing is written then).
 */
export async function abandonSwitchOver(
  directory: Pick<FleetDirectory, 'getLogicalStore' | 'changeStoreState'>,
  fleet: Pick<FleetClient, 'call'>,
  storeName: string,
): Promise<LogicalStoreEntry> {
  const store = await directory.getLogicalStore(storeName);
  if (!store) throw new Error(`there is no logical store ${storeName}`);
  if (store.state !== 'switching')
    throw new Error(
      `${storeName} is not being switched over (it is ${store.state}): there is nothing to abandon`,
    );
  const node = store.servedBy;
  const answer = await fleet
    .call(node, 'failover.list', {}, { timeoutMs: answerTimeoutMs })
    .catch(() => undefined);
  if (answer) {
    const job = answer.jobs.find((j) => j.store === storeName);
    throw new Error(
      `${node} answers${job ? ` and runs the switch-over of ${storeName} (job ${job.job}, step ${job.step})` : ''}: it finishes the switch-over or rolls it back on its own; nothing changed`,
    );
  }
  return directory.changeStoreState(storeName, {
    fromEpoch: store.epoch,
    epoch: store.epoch + 1,
    state: 'failed',
  });
}
