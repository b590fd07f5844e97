/**
 * The replicas' command line against a real lab (`mailfleet lab up`, three stores and a spare): the
 * ring is proposed and written (each store on the next store node, none on the spare), every store
 * then says protected, a placement on the serving node or the spare is refused in words and
 * changes nothing, and `--none` removes one.
 */
import { describe, expect, it } from 'vitest';
import { cliLabForFile, storesAndSpareLab } from '../../support/cli-lab.js';

/** The CLI on this file's lab. */
const { mailfleet } = cliLabForFile('replicas-cli', storesAndSpareLab);

describe('mailfleet replicas', () => {
  it('writes the ring, then every store is protected; refuses a bad placement in words', async () => {
    const none = JSON.parse((await mailfleet('replicas', '--json')).stdout) as Array<{ state: string }>;
    expect(none.map((r) => r.state)).toEqual(['no replica', 'no replica', 'no replica']);

    const dry = await mailfleet('replicas', 'ring', '--dry-run');
    expect(dry.stdout.trim().split('\n')).toEqual([
      'would place the replica of store01 on store02',
      'would place the replica of store02 on store03',
      'would place the replica of store03 on store01',
    ]);
    expect((await mailfleet('replicas', 'ring')).code).toBe(0);

    // Each store's agent reads its placement within 15 s, then its replica catches up.
    for (;;) {
      const rows = JSON.parse((await mailfleet('replicas', '--json')).stdout) as Array<{
        store: string;
        replicaNode: string;
        state: string;
      }>;
      expect(rows.map((r) => [r.store, r.replicaNode])).toEqual([
        ['store01', 'store02'],
        ['store02', 'store03'],
        ['store03', 'store01'],
      ]);
      if (rows.every((r) => r.state === 'protected')) break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    expect((await mailfleet('replicas')).code).toBe(0);

    const onItself = await mailfleet('replicas', 'place', 'store01', '--on', 'store01');
    expect(onItself.code).toBe(1);
    expect(onItself.stderr).toMatch(/store01 serves store01: its replica must be on another node/);
    const onSpare = await mailfleet('replicas', 'place', 'store01', '--on', 'spare01');
    expect(onSpare.code).toBe(1);
    expect(onSpare.stderr).toMatch(/spare01 is a spare node/);

    expect((await mailfleet('replicas', 'place', 'store03', '--none')).stdout).toMatch(
      /store03 has no replica now/,
    );
    const after = JSON.parse((await mailfleet('replicas', '--json')).stdout) as Array<{
      store: string;
      replicaNode: string;
    }>;
    expect(after.map((r) => r.replicaNode)).toEqual(['store02', 'store03', '']);
  }, 240_000);
});
