/**
 * Runs `work` on every item with at most `limit` at once, results in the items' order. A batch of
 * a thousand users is looked up and journaled this way: one by one, the directory's round trips
 * and the journal's fsyncs add up past the caller's patience (the console waits 10 s for an answer).
 */
export async function mapInParallel<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
