/**
 * Loads items in order with a few loads in flight (message files read ahead in parallel while
 * earlier ones are processed), so a command over 100,000 messages neither reads them one by one
 * nor holds more than `window` of them at once.
 */

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Calls `visit(index, value)` for index 0..count-1 in order, with up to `window` loads started
 * ahead. A load that fails fails the whole run, after the loads already started have settled (no
 * unhandled rejections). `visit` returning false stops early; the result says whether all ran.
 */
export async function visitInOrder<T>(
  count: number,
  window: number,
  load: (index: number) => Promise<T>,
  visit: (index: number, value: T) => boolean | undefined,
): Promise<boolean> {
  const pending: Array<Promise<Settled<T>>> = [];
  let next = 0;
  const fill = (): void => {
    while (pending.length < Math.max(1, window) && next < count) {
      pending.push(
        load(next++).then(
          (value): Settled<T> => ({ ok: true, value }),
          (error: unknown): Settled<T> => ({ ok: false, error }),
        ),
      );
    }
  };
  fill();
  for (let index = 0; index < count; index++) {
    const settled = await pending.shift()!;
    fill();
    if (!settled.ok) {
      await Promise.all(pending);
      throw settled.error;
    }
    if (visit(index, settled.value) === false) {
      await Promise.all(pending);
      return false;
    }
  }
  return true;
}
