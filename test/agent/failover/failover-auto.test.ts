/**
 * Automatic failover (docs/failover.md): store02 holds store01's replica and runs with
 * `failover.autoAfterSeconds: 3`. Killed, store01 is not failed over while the directory does not
 * name store02 as its failover node (not armed); once a system admin names it, store02 fails the
 * store over on its own with the same fenced job, new replica on the free spare, switched over to
 * it, and the mail is there once.
 */
import { describe, expect, it } from 'vitest';
import { eventually } from '../replication/replication-fleet.js';
import {
  everyMessageOnce,
  expectSwitchedToSpare01,
  failoverFleet,
  finished,
  jobsOn,
  killStore01UnderTraffic,
} from './failover-helpers.js';

const fleet = failoverFleet({ failover: { autoAfterSeconds: 3 } });

describe('automatic failover', () => {
  it('fails a silent store over only once armed in the directory, with the same fenced job', async () => {
    const load = await killStore01UnderTraffic('auto');
    // Not armed: three times the delay passes and nothing is failed over.
    await new Promise((resolve) => setTimeout(resolve, 9000));
    expect(await jobsOn('store02')).toEqual([]);
    expect(await fleet().writer.getLogicalStore('store01')).toMatchObject({
      servedBy: 'store01',
      state: 'serving',
    });
    // Armed, as `mailfleet failover arm store01` does.
    await fleet().writer.setFailoverNode('store01', 'store02');
    const job = await eventually(async () => (await jobsOn('store02'))[0]);
    expect(job.history[0]?.text).toMatch(
      /^automatic failover of store01 from store01 to store02, new replica on spare01/,
    );
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const accepted = await load.stop();
    await finished('store02', job.job);
    await everyMessageOnce(accepted);
    // One server in the directory: the spare after the switch-over, the replica kept on store02.
    await expectSwitchedToSpare01();
    // Once: spare01 streams the store to store02 now, so store02 sees no silent primary.
    expect(await jobsOn('store02')).toHaveLength(1);
  }, 400_000);
});
