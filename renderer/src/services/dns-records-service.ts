/** The DNS records panel's call: a director's `dkim.records` for one mail domain. */
import type { ConsoleApi } from '../../../main/console/console-contract';
import type { useFleetStore } from '../store/fleet/fleet-store';
import type { useDnsRecordsStore } from '../store/spam/dns-records-store';
import { shownErrorOf } from './shown-error';

type FleetStoreApi = Pick<typeof useFleetStore, 'getState'>;
type DnsRecordsStoreApi = Pick<typeof useDnsRecordsStore, 'getState'>;

/** Asks the first director of the fleet (the keys are on the directors) about `domain`. */
export async function refreshDnsRecords(
  api: ConsoleApi,
  fleet: FleetStoreApi,
  store: DnsRecordsStoreApi,
  domain: string,
): Promise<void> {
  const director = fleet.getState().snapshot?.nodes.find((node) => node.role === 'director')?.name;
  const name = domain.trim().toLowerCase();
  if (!director || !name) return;
  store.getState().loadingDnsRecords(name, director);
  try {
    store.getState().receiveDnsRecords(name, await api.dkim.records({ node: director, domain: name }));
  } catch (error) {
    store.getState().failDnsRecords(name, shownErrorOf(error));
  }
}
