/** Lockouts for the helpdesk: read them across the fleet, and lift one on its node. */
import type { ConsoleApi, FleetLockout } from '../../../main/console/console-contract';
import type { useLockoutsStore } from '../store/lockouts/lockouts-store';
import { shownErrorOf } from './shown-error';

type LockoutsStoreApi = Pick<typeof useLockoutsStore, 'getState'>;

/** Reads every node's lockouts into the store. */
export async function refreshLockouts(api: ConsoleApi, store: LockoutsStoreApi): Promise<void> {
  store.getState().loadingLockouts();
  try {
    const answer = await api.auth.lockouts({});
    store.getState().receiveLockouts(answer.lockouts, answer.failures, Date.now());
  } catch (error) {
    store.getState().failLockouts(shownErrorOf(error));
  }
}

/** Forgets the failures behind one lockout on its node (the agent audits it and checks the tier). */
export async function unlockLogin(
  api: ConsoleApi,
  store: LockoutsStoreApi,
  lockout: FleetLockout,
): Promise<void> {
  const { node, service, kind, name } = lockout;
  const target = kind === 'user' ? { user: name } : kind === 'dn' ? { dn: name } : { address: name };
  try {
    await api.auth.unlock({ node, service, target });
    store.getState().unlocked({ node, service, kind, name });
  } catch (error) {
    store.getState().unlocked({ node, service, kind, name, error: shownErrorOf(error) });
  }
}
