/**
 * `mailfleet failover STORE [--to SPARE]`: fail a logical store over to the node holding its
 * replica, which serves it at once, and build its new replica on the spare (docs/failover.md);
 * follows the job's steps until it is done. `mailfleet failover status` lists the failover jobs of
 * every store node. System admins only: the directory and the agents refuse anyone else.
 */
import type { FailoverJobView } from '../../../agent/common/contract/failover-contract.js';
import { abandonSwitchOver } from '../../core/failover/abandon-switch-over.js';
import { planFailover, startFailover } from '../../core/failover/failover-plan.js';
import { formatTable } from '../output.js';
import { failoverCliOptions } from './failover-cli-options.js';
import { withFleet } from './fleet-options.js';
import { followFailoverJob } from './follow-failover-job.js';

const usage =
  'usage: mailfleet failover STORE [--to SPARE] [--abandon-switch-over] [--no-wait] [--json] | failover status [--json] | failover arm|disarm STORE [--fleet FILE]';

export async function failoverCommand(argv: string[], out: (text: string) => void): Promise<number> {
  const options = failoverCliOptions(argv, true, true);
  const { positionals } = options;
  const [storeName, armed] = positionals;
  const arming = storeName === 'arm' || storeName === 'disarm';
  if (!storeName || positionals.length > (arming ? 2 : 1) || (arming && !armed)) throw new Error(usage);
  if (options.abandonSwitchOver && (arming || storeName === 'status')) throw new Error(usage);
  return withFleet(options.fleet, async (open) => {
    if (options.abandonSwitchOver) {
      const failed = await abandonSwitchOver(open.directory, open.fleet, storeName);
      out(
        `${failed.name} is failed at epoch ${failed.epoch}: its switch-over on ${failed.servedBy} is abandoned (${failed.servedBy} does not answer); the directors release its held mail once it is served again`,
      );
    }
    const [stores, servers] = await Promise.all([
      open.directory.listLogicalStores(),
      open.directory.listServers(),
    ]);
    if (arming && armed) {
      // Automatic failover (an agent setting, off by default) acts only for a store whose entry
      // names the replica's node as its failover node: that name is what arming writes.
      const store = stores.find((s) => s.name === armed);
      if (!store) throw new Error(`there is no logical store ${armed}`);
      if (storeName === 'disarm') {
        await open.directory.setFailoverNode(store.name, undefined);
        out(`${store.name} is not failed over automatically now`);
        return 0;
      }
      if (!store.replicaNode)
        throw new Error(`${store.name} has no replica: there is nothing to fail over to`);
      await open.directory.setFailoverNode(store.name, store.replicaNode);
      out(
        `${store.name} is failed over to ${store.replicaNode} automatically when ${store.servedBy} sends it nothing for as long as ${store.replicaNode}'s failover.autoAfterSeconds says (off when it is not set)`,
      );
      return 0;
    }
    if (storeName === 'status') {
      const jobs: FailoverJobView[] = [];
      for (const server of servers.filter((s) => s.role === 'store' || s.role === 'spare')) {
        const answer = await open.fleet.call(server.name, 'failover.list', {}).catch(() => undefined);
        jobs.push(...(answer?.jobs ?? []));
      }
      out(
        options.json
          ? JSON.stringify(jobs, null, 2)
          : formatTable(
              ['JOB', 'STORE', 'FROM', 'TO', 'SPARE', 'STEP'],
              jobs.map((j) => [j.job, j.store, j.failedNode, j.takenOverBy, j.spare ?? '-', j.step]),
            ),
      );
      return 0;
    }
    const plan = planFailover(stores, servers, storeName, options.to);
    if ('refusal' in plan) throw new Error(plan.refusal);
    if (!options.json)
      out(
        `failing ${plan.store} over: ${plan.failedNode} is fenced, ${plan.takeOverNode} (its replica) serves it at once${plan.spare ? `, and a new replica is built on ${plan.spare}` : ''}`,
      );
    const job = await startFailover(open.directory, open.fleet, plan);
    if (options.noWait) {
      out(options.json ? JSON.stringify(job, null, 2) : `job ${job.job} started on ${plan.takeOverNode}`);
      return 0;
    }
    return await followFailoverJob(open, plan.takeOverNode, job, options.json, out);
  });
}
