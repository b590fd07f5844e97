/** How full a disk is: one rule (df's Use%) for the tiles, the metrics and the move planner. */
import { describe, expect, it } from 'vitest';
import { diskUsedShare } from '../../../agent/common/disk-use.js';

describe('diskUsedShare', () => {
  it('counts what the agent can still write, not the blocks kept for root', () => {
    // 252 GB file system, 27 GB used, 76 GB left to unprivileged writers: df says 26 %.
    const disk = { totalBytes: 252e9, usedBytes: 27e9, availableBytes: 76e9 };
    expect(diskUsedShare(disk)).toBeCloseTo(27 / 103);
    // Adding 1 GB (a planned move) moves the figure by 1 GB's share, not by the reserve.
    expect(diskUsedShare(disk, 1e9)).toBeCloseTo(28 / 103);
  });

  it('reads a full disk as full, an older agent by size, and no size as unknown', () => {
    expect(diskUsedShare({ totalBytes: 100, usedBytes: 95, availableBytes: 0 })).toBe(1);
    expect(diskUsedShare({ totalBytes: 200, usedBytes: 50 })).toBe(0.25);
    expect(diskUsedShare({ totalBytes: 0, usedBytes: 0 })).toBeUndefined();
  });
});
