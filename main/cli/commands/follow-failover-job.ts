/** Following a failover or switch-over job from the command line until it ends. */
import type { FailoverJobView } from '../../../agent/common/contract/failover-contract.js';
import type { OpenFleet } from '../../core/open-fleet.js';

/**
 * Prints the job's history as it grows (or the job as JSON at its end); resolves with the exit
 * code: 0 when it is done, 1 when it stopped.
 */
export async function followFailoverJob(
  open: OpenFleet,
  node: string,
  job: FailoverJobView,
  json: boolean,
  out: (text: string) => void,
): Promise<number> {
  let shown = 0;
  for (;;) {
    const answer = await open.fleet.call(node, 'failover.list', {}).catch(() => undefined);
    const now = answer?.jobs.find((j) => j.job === job.job);
    if (now && !json) {
      for (const line of now.history.slice(shown)) out(`${new Date(line.at).toISOString()}  ${line.text}`);
      shown = now.history.length;
    }
    if (now && (now.step === 'done' || now.step === 'failed')) {
      if (json) out(JSON.stringify(now, null, 2));
      return now.step === 'done' ? 0 : 1;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
