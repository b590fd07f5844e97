/**
 * The failover's command line against a real lab (`mailfleet lab up`, three stores and a spare,
 * the ring of replicas placed): store01's node is killed, `mailfleet failover store01` fails it over
 * to store02 (its replica) with the new replica on the free spare and follows the job to its end;
 * `failover status` lists the job; a bad request is refused in words and changes nothing.
 */
import { describe, expect, it } from 'vitest';
import type { FailoverJobView } from '../../../agent/common/contract/failover-contract.js';
import { cliLabForFile, storesAndSpareLab } from '../../support/cli-lab.js';

/** The CLI on this file's lab. */
const { mailfleet, home } = cliLabForFile('failover-cli', storesAndSpareLab);

describe('mailfleet failover', () => {
  it('fails a killed store over to its replica, new replica on the spare, and says what it did', async () => {
    expect((await mailfleet('replicas', 'ring')).code).toBe(0);
    for (;;) {
      const rows = JSON.parse((await mailfleet('replicas', '--json')).stdout) as Array<{ state: string }>;
      if (rows.every((r) => r.state === 'protected')) break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    // Refused in words, nothing written: a director cannot hold a replica, no such store.
    const director = await mailfleet('failover', 'store01', '--to', 'director01');
    expect(director.code).not.toBe(0);
    expect(director.stderr).toMatch(/director01 is a director, not a store or spare node/);
    const missing = await mailfleet('failover', 'store09');
    expect(missing.stderr).toMatch(/there is no logical store store09/);

    expect((await mailfleet('lab', 'kill', 'store01', '--home', home())).code).toBe(0);
    const run = await mailfleet('failover', 'store01', '--json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const job = JSON.parse(run.stdout) as FailoverJobView;
    expect(job).toMatchObject({
      store: 'store01',
      failedNode: 'store01',
      takenOverBy: 'store02',
      spare: 'spare01',
      step: 'done',
    });
    const listed = JSON.parse((await mailfleet('failover', 'status', '--json')).stdout) as FailoverJobView[];
    expect(listed.map((j) => [j.job, j.step])).toContainEqual([job.job, 'done']);
    const rows = JSON.parse((await mailfleet('replicas', '--json')).stdout) as Array<{
      store: string;
      servedBy: string;
      replicaNode: string;
    }>;
    expect(rows.find((r) => r.store === 'store01')).toMatchObject({
      servedBy: 'store02',
      replicaNode: 'spare01',
    });
    // A store failed over already is not failed over to the same place again: its replica is on the spare now.
    const again = await mailfleet('failover', 'store01', '--no-wait', '--to', 'spare01');
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/spare01 cannot hold the new replica of store01/);
  }, 300_000);
});
