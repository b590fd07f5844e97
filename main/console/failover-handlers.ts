/**
 * The console service's `failover.*` calls, on main/core/failover/failover-plan.ts (the planning
 * and start the CLI uses too). The overview merges every store and spare node's `failover.list`;
 * the plan adds how the replica kept up in the failed node's last sample. The directory and the
 * agents decide who may fail over; `mayFailOver` only spares other tiers a button that is refused.
 */
import type { FailoverJobView } from '../../agent/common/contract/failover-contract.js';
import type { FleetDirectory } from '../../agent/common/directory/fleet-directory.js';
import { planFailover, startFailover } from '../core/failover/failover-plan.js';
import { makeSpare, makeSpareBlockers, makeSpareRefusal } from '../core/failover/make-spare.js';
import { planSwitchToSpare, startSwitchToSpare } from '../core/failover/switch-plan.js';
import type { FleetClient } from '../core/fleet-client.js';
import { ConsoleCallError } from './console-call-error.js';
import type {
  FailoverOverview,
  FailoverPlanAnswer,
  MakeSparePlanAnswer,
  SwitchPlanAnswer,
} from './failover-calls.js';

/** What the failover calls need: the fleet, the admin's directory bind, and the admin's uid. */
export interface FailoverFleet {
  fleet: Pick<FleetClient, 'call' | 'snapshot'>;
  directory: Pick<
    FleetDirectory,
    'listLogicalStores' | 'listServers' | 'setFailoverNode' | 'getAdmin' | 'getServer' | 'updateServer'
  >;
  adminUid: string;
}

const byName = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

/** The handlers of every `failover.*` call; `failover` is read at each call (see move-handlers.ts). */
export function failoverHandlers(failover: () => FailoverFleet | undefined) {
  const need = (): FailoverFleet => {
    const found = failover();
    if (!found) throw new ConsoleCallError('unavailable', 'this console has no failover configured');
    return found;
  };
  const plan = async (fleet: FailoverFleet, store: string) => {
    const [stores, servers] = await Promise.all([
      fleet.directory.listLogicalStores(),
      fleet.directory.listServers(),
    ]);
    return planFailover(stores, servers, store);
  };
  const layout = (fleet: FailoverFleet) =>
    Promise.all([fleet.directory.listLogicalStores(), fleet.directory.listServers()]);
  // The switch-over and Make spare change the fleet: the console core asks the directory for the
  // admin's tier first (the directory and the agents refuse other tiers anyway), so another
  // tier gets "forbidden" in words before anything is written or wiped.
  const needSystem = async (fleet: FailoverFleet) => {
    const admin = await fleet.directory.getAdmin(fleet.adminUid);
    if (admin?.tier !== 'system')
      throw new ConsoleCallError(
        'forbidden',
        `only a system admin may do this (${fleet.adminUid} is not one)`,
      );
  };
  return {
    'failover.overview': async (): Promise<FailoverOverview> => {
      const fleet = need();
      const [admin, stores, servers] = await Promise.all([
        fleet.directory.getAdmin(fleet.adminUid).catch(() => undefined),
        fleet.directory.listLogicalStores(),
        fleet.directory.listServers(),
      ]);
      const jobs: FailoverJobView[] = [];
      const failures: FailoverOverview['failures'] = [];
      const up = new Set(
        fleet.fleet
          .snapshot()
          .nodes.filter((n) => n.observed === 'up')
          .map((n) => n.name),
      );
      // Only nodes that answer are asked: a killed store would hold every poll for its timeout.
      const asked = servers.filter((s) => (s.role === 'store' || s.role === 'spare') && up.has(s.name));
      await Promise.all(
        asked.map(async (server) => {
          try {
            jobs.push(...(await fleet.fleet.call(server.name, 'failover.list', {})).jobs);
          } catch (error) {
            failures.push({
              node: server.name,
              message: error instanceof Error ? error.message : String(error),
            });
          }
        }),
      );
      return {
        mayFailOver: admin?.tier === 'system',
        stores: stores
          .map((s) => ({
            store: s.name,
            node: s.servedBy,
            ...(s.replicaNode ? { replicaNode: s.replicaNode } : {}),
          }))
          .sort((a, b) => byName(a.store, b.store)),
        jobs: jobs.sort((a, b) => b.startedAt - a.startedAt),
        failures: failures.sort((a, b) => byName(a.node, b.node)),
      };
    },
    'failover.plan': async ({ store }: { store: string }): Promise<FailoverPlanAnswer> => {
      const fleet = need();
      const planned = await plan(fleet, store);
      if ('refusal' in planned) return { possible: false, refusal: planned.refusal };
      const lastSample = fleet.fleet.snapshot().nodes.find((n) => n.name === planned.failedNode)?.metrics;
      const stream = lastSample?.replication?.find((r) => r.store === store);
      return { possible: true, ...planned, protection: stream?.state ?? 'unknown' };
    },
    'failover.start': async ({ store }: { store: string }) => {
      const fleet = need();
      const planned = await plan(fleet, store);
      if ('refusal' in planned) throw new ConsoleCallError('refused', planned.refusal);
      return { job: await startFailover(fleet.directory, fleet.fleet, planned) };
    },
    'failover.switchPlan': async ({ store }: { store: string }): Promise<SwitchPlanAnswer> => {
      const [stores, servers] = await layout(need());
      const planned = planSwitchToSpare(stores, servers, store);
      return 'refusal' in planned
        ? { possible: false, refusal: planned.refusal }
        : { possible: true, ...planned };
    },
    'failover.switch': async ({ store }: { store: string }) => {
      const fleet = need();
      await needSystem(fleet);
      const [stores, servers] = await layout(fleet);
      const planned = planSwitchToSpare(stores, servers, store);
      if ('refusal' in planned) throw new ConsoleCallError('refused', planned.refusal);
      return { job: await startSwitchToSpare(fleet.directory, fleet.fleet, planned) };
    },
    'failover.makeSparePlan': async ({ node }: { node: string }): Promise<MakeSparePlanAnswer> => {
      const [stores, servers] = await layout(need());
      const refusal = makeSpareRefusal(stores, servers, node);
      return refusal
        ? { possible: false, node, refusal, ...makeSpareBlockers(stores, node) }
        : { possible: true, node };
    },
    'failover.makeSpare': async ({ node }: { node: string }) => {
      const fleet = need();
      await needSystem(fleet);
      const [stores, servers] = await layout(fleet);
      const refusal = makeSpareRefusal(stores, servers, node);
      if (refusal) throw new ConsoleCallError('refused', refusal);
      return makeSpare(fleet.directory, fleet.fleet, node);
    },
  };
}
