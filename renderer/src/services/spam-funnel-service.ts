/**
 * The dashboard's spam funnel read: `spam.statistics` and `gateway.status` (is content scanned?)
 * of every gateway in the fleet snapshot, at once, the answers summed by the funnel store. A gateway that does not answer is named, the
 * others still count.
 */
import type { ConsoleApi } from '../../../main/console/console-contract';
import type { useFleetStore } from '../store/fleet/fleet-store';
import type { useSpamFunnelStore } from '../store/spam/spam-funnel-store';
import { shownErrorOf } from './shown-error';

type FleetStoreApi = Pick<typeof useFleetStore, 'getState'>;
type FunnelStoreApi = Pick<typeof useSpamFunnelStore, 'getState'>;

/** Reads every gateway's last hour of decisions. */
export async function refreshSpamFunnel(
  api: ConsoleApi,
  fleet: FleetStoreApi,
  funnel: FunnelStoreApi,
): Promise<void> {
  const snapshot = fleet.getState().snapshot;
  if (!snapshot) return;
  const gateways = snapshot.nodes.filter((node) => node.role === 'gateway').map((node) => node.name);
  funnel.getState().loadingFunnel();
  // With each gateway's status: a gateway that scans no content counts no spam, and the funnel says so.
  const settled = await Promise.allSettled(
    gateways.map(async (node) => {
      const [statistics, status] = await Promise.all([
        api.spam.statistics({ node }),
        api.gateway.status({ node }),
      ]);
      return { statistics, scanning: status.contentScanning.configured };
    }),
  );
  const answers = settled.flatMap((result, index) =>
    result.status === 'fulfilled' ? [{ node: gateways[index] ?? '', ...result.value }] : [],
  );
  const failures = settled.flatMap((result, index) =>
    result.status === 'rejected' ? [{ node: gateways[index] ?? '', error: shownErrorOf(result.reason) }] : [],
  );
  funnel.getState().receiveFunnel(answers, failures);
}
