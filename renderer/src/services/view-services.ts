/**
 * The calls of the Node, Queues, Spam, Audit and Lockouts views, bound to this window's console API and
 * stores, for components to call (components never touch the API themselves).
 */

import type { FleetLockout, SpamPolicyWrite } from '../../../main/console/console-contract';
import { useAuditStore } from '../store/audit/audit-store';
import { useFleetStore } from '../store/fleet/fleet-store';
import { useLockoutsStore } from '../store/lockouts/lockouts-store';
import { useNodeStore } from '../store/nodes/node-store';
import type { QueueActionRequest } from '../store/queues/queue-action-slice';
import { useQueuesStore } from '../store/queues/queues-store';
import { departmentDomains, useSessionStore } from '../store/session/session-store';
import { useDnsRecordsStore } from '../store/spam/dns-records-store';
import { useSpamFunnelStore } from '../store/spam/spam-funnel-store';
import { useSpamStore } from '../store/spam/spam-store';
import { useTraceStore } from '../store/trace/trace-store';
import { refreshAuditTail } from './audit-service';
import { consoleApi } from './console-services';
import { refreshDnsRecords } from './dns-records-service';
import { refreshLockouts, unlockLogin } from './lockout-service';
import { refreshNodeQueue, restartConfirmedService, watchNode } from './node-service';
import {
  askQueueAction,
  refreshFleetQueues,
  refreshQueueEntries,
  runQueueAction,
  showQueueMessage,
} from './queue-service';
import { refreshSpamFunnel } from './spam-funnel-service';
import { readSpamPolicy, refreshSpam, writeSpamPolicy } from './spam-service';
import { traceMail } from './trace-service';

/** Views call these; each resolves when the store has the answer (or the error). */
export const viewServices = {
  refreshFleetQueues: () => withApi((api) => refreshFleetQueues(api, useQueuesStore)),
  refreshQueueEntries: () => withApi((api) => refreshQueueEntries(api, useQueuesStore)),
  askQueueAction: (request: QueueActionRequest) =>
    withApi((api) => askQueueAction(api, useQueuesStore, request)),
  runQueueAction: () => withApi((api) => runQueueAction(api, useQueuesStore)),
  showQueueMessage: (node: string, id: string) =>
    withApi((api) => showQueueMessage(api, useQueuesStore, node, id)),
  refreshSpam: () =>
    withApi((api) =>
      refreshSpam(api, useSpamStore, departmentDomains(useSessionStore.getState().session) !== undefined),
    ),
  refreshDnsRecords: (domain: string) =>
    withApi((api) => refreshDnsRecords(api, useFleetStore, useDnsRecordsStore, domain)),
  refreshSpamFunnel: () => withApi((api) => refreshSpamFunnel(api, useFleetStore, useSpamFunnelStore)),
  refreshAuditTail: (scope: string) => withApi((api) => refreshAuditTail(api, useAuditStore, scope)),
  refreshLockouts: () => withApi((api) => refreshLockouts(api, useLockoutsStore)),
  unlockLogin: (lockout: FleetLockout) => withApi((api) => unlockLogin(api, useLockoutsStore, lockout)),
  traceMail: (text: string) => withApi((api) => traceMail(api, useTraceStore, text)),
  watchNode: (node: string | undefined) => watchNode(useFleetStore, useNodeStore, node),
  refreshNodeQueue: (node: string) => withApi((api) => refreshNodeQueue(api, useNodeStore, node)),
  restartConfirmedService: () => withApi((api) => restartConfirmedService(api, useNodeStore)),
  readSpamPolicy: (domain: string) => readSpamPolicy(needApi(), domain),
  writeSpamPolicy: (write: SpamPolicyWrite) => writeSpamPolicy(needApi(), write),
};

/** The console link, for calls whose answer the caller shows itself (the spam policy form). */
function needApi(): NonNullable<ReturnType<typeof consoleApi>> {
  const api = consoleApi();
  if (!api) throw new Error('the console link is not open');
  return api;
}

async function withApi(
  run: (api: NonNullable<ReturnType<typeof consoleApi>>) => Promise<void>,
): Promise<void> {
  const api = consoleApi();
  if (api) await run(api);
}
