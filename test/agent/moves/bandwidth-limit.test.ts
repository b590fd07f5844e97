/**
 * The batch's bandwidth limit: bytes within the second's burst go at once, bytes beyond it wait
 * for the rate (on a clock the test moves), and a cancelled move stops waiting, whether the cancel
 * came during the wait or before it began.
 */
import { describe, expect, it, vi } from 'vitest';
import { BandwidthLimit } from '../../../agent/moves/sync/bandwidth-limit.js';

function outcome(promise: Promise<void>): Promise<string> {
  return promise.then(
    () => 'went',
    (error: unknown) => `refused: ${error instanceof Error ? error.message : String(error)}`,
  );
}

describe('the bandwidth limit', () => {
  it('lets a second of bytes go at once and takes no time without a limit', async () => {
    const limit = new BandwidthLimit(1000, () => 0);
    expect(await outcome(limit.take(1000))).toBe('went');
    expect(await outcome(new BandwidthLimit(0).take(1e12))).toBe('went');
  });

  it('makes bytes beyond the burst wait for the rate', async () => {
    // 200 bytes a second, 202 bytes: two bytes in debt, a wait of 10 ms.
    vi.useFakeTimers();
    try {
      const limit = new BandwidthLimit(200, () => 0);
      let went = false;
      const taking = limit.take(202).then(() => {
        went = true;
      });
      await vi.advanceTimersByTimeAsync(9);
      expect(went).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      await taking;
      expect(went).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('stops waiting when the move is cancelled during the wait', async () => {
    const limit = new BandwidthLimit(1, () => 0);
    const cancel = new AbortController();
    const waiting = outcome(limit.take(1_000_000, cancel.signal));
    cancel.abort(new Error('cancelled by an administrator'));
    expect(await waiting).toBe('refused: cancelled by an administrator');
  });

  it('does not begin a wait for a move cancelled already', async () => {
    const limit = new BandwidthLimit(1, () => 0);
    const cancel = new AbortController();
    cancel.abort(new Error('cancelled by an administrator'));
    expect(await outcome(limit.take(1_000_000, cancel.signal))).toBe(
      'refused: cancelled by an administrator',
    );
  });
});
