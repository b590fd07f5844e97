/** Runs async jobs one after another (a folder's index changes must not interleave). */
export class SerialLane {
  private tail: Promise<unknown> = Promise.resolve();

  /** Queues `job`; resolves or rejects with its outcome. A failed job does not stop later ones. */
  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.tail.then(job, job);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
