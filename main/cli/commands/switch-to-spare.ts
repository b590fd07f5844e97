/**
 * `mailfleet switch-to-spare STORE [--to SPARE]`: move a healthy logical store to a spare for
 * maintenance of its node (docs/failover.md, "Switch to spare"): the replica is built on the spare
 * when it is elsewhere, then a cutover with a pause of about 2 s; the old node keeps the replica.
 * Follows the job until it ends. System admins only: the directory and the agents refuse anyone
 * else.
 */
import { planSwitchToSpare, startSwitchToSpare, switchPlanInWords } from '../../core/failover/switch-plan.js';
import { failoverCliOptions, theOneTarget } from './failover-cli-options.js';
import { withFleet } from './fleet-options.js';
import { followFailoverJob } from './follow-failover-job.js';

const usage = `usage: mailfleet switch-to-spare STORE [--to SPARE] [--no-wait] [--json] [--fleet FILE]

Moves a healthy store to a spare node for maintenance of the node that serves it, without losing
mail: the spare gets a full copy first (when it does not hold the store's replica yet), then the
store's mail and logins pause for about 2 s while the spare takes over. The old node keeps the
store's replica, so the store stays protected. System admins only.

  --to SPARE   the node that serves the store afterwards (default: the store's replica node when
               it is a spare, else the first free spare)
  --no-wait    start the job and return; follow it with 'mailfleet failover status'
  --json       the job as JSON`;

export async function switchToSpareCommand(argv: string[], out: (text: string) => void): Promise<number> {
  const options = failoverCliOptions(argv, true);
  const storeName = theOneTarget(options, usage);
  return withFleet(options.fleet, async (open) => {
    const [stores, servers] = await Promise.all([
      open.directory.listLogicalStores(),
      open.directory.listServers(),
    ]);
    const plan = planSwitchToSpare(stores, servers, storeName, options.to);
    if ('refusal' in plan) throw new Error(plan.refusal);
    if (!options.json) out(switchPlanInWords(plan));
    const job = await startSwitchToSpare(open.directory, open.fleet, plan);
    if (options.noWait) {
      out(options.json ? JSON.stringify(job, null, 2) : `job ${job.job} started on ${plan.servingNode}`);
      return 0;
    }
    return await followFailoverJob(open, plan.servingNode, job, options.json, out);
  });
}
