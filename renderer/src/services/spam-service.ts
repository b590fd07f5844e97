/**
 * The Spam view's calls: one gateway's `gateway.status` and `spam.statistics`, read together (a
 * department administrator reads only the figures of its domains: the gateway's status is staff's),
 * and a department's spam policy (`directory.spamPolicy`, `directory.setSpamPolicy`).
 */
import type {
  ConsoleApi,
  DirectoryAdminResult,
  SpamPolicy,
  SpamPolicyWrite,
} from '../../../main/console/console-contract';
import type { useSpamStore } from '../store/spam/spam-store';
import { shownErrorOf } from './shown-error';

type SpamStoreApi = Pick<typeof useSpamStore, 'getState'>;

/** Reads the chosen gateway's figures. */
export async function refreshSpam(api: ConsoleApi, store: SpamStoreApi, department: boolean): Promise<void> {
  const node = store.getState().gatewayNode;
  if (!node) return;
  store.getState().loadingSpam();
  try {
    const [status, statistics] = await Promise.all([
      department ? undefined : api.gateway.status({ node }),
      api.spam.statistics({ node }),
    ]);
    store.getState().receiveSpam(node, status, statistics);
  } catch (error) {
    store.getState().failSpam(shownErrorOf(error));
  }
}

/** A domain's spam policy now, or the directory's refusal in words. */
export function readSpamPolicy(api: ConsoleApi, domain: string): Promise<DirectoryAdminResult<SpamPolicy>> {
  return api.directory.spamPolicy({ domain });
}

/** Sets a domain's spam policy; the answer is the policy as read back, or the refusal in words. */
export function writeSpamPolicy(
  api: ConsoleApi,
  write: SpamPolicyWrite,
): Promise<DirectoryAdminResult<SpamPolicy>> {
  return api.directory.setSpamPolicy(write);
}
