/**
 * A token bucket shared by the moves of one batch: copying waits here before it takes a message's
 * bytes, so a batch never reads faster than its limit, whatever the number of moves running.
 */

/** Bytes per second (0: no limit), with at most one second of burst. */
export class BandwidthLimit {
  private tokens: number;
  private last: number;

  constructor(
    private bytesPerSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = bytesPerSecond;
    this.last = now();
  }

  /** Changes the rate (an administrator changed the batch's limit). */
  setRate(bytesPerSecond: number): void {
    this.bytesPerSecond = bytesPerSecond;
  }

  /** Resolves once `bytes` may go (at once when there is no limit); rejects when `signal` aborts. */
  async take(bytes: number, signal?: AbortSignal): Promise<void> {
    // Aborted before the wait begins: an abort listener added now would never be called.
    signal?.throwIfAborted();
    if (this.bytesPerSecond <= 0) return;
    const at = this.now();
    this.tokens = Math.min(
      this.bytesPerSecond,
      this.tokens + ((at - this.last) / 1000) * this.bytesPerSecond,
    );
    this.last = at;
    this.tokens -= bytes;
    // In debt: wait until the debt is paid at the rate (a message larger than a second's worth waits longer).
    if (this.tokens >= 0) return;
    const ms = (-this.tokens / this.bytesPerSecond) * 1000;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        if (signal?.aborted) reject(signal.reason);
        else resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}
