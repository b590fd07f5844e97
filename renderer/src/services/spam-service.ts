/** The Spam view's calls: one gateway's `gateway.status` and `spam.statistics`, read together. */
import type { ConsoleApi } from '../../../main/console/console-contract';
import type { useSpamStore } from '../store/spam/spam-store';
import { shownErrorOf } from './shown-error';

type SpamStoreApi = Pick<typeof useSpamStore, 'getState'>;

/** Reads the chosen gateway's figures. */
export async function refreshSpam(api: ConsoleApi, store: SpamStoreApi): Promise<void> {
  const node = store.getState().gatewayNode;
  if (!node) return;
  store.getState().loadingSpam();
  try {
    const [status, statistics] = await Promise.all([
      api.gateway.status({ node }),
      api.spam.statistics({ node }),
    ]);
    store.getState().receiveSpam(node, status, statistics);
  } catch (error) {
    store.getState().failSpam(shownErrorOf(error));
  }
}
