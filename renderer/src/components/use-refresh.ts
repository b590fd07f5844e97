/** Reads something now and again every `everyMs` while the component is on screen. */
import { useEffect } from 'react';

/**
 * Calls `refresh` at once and then every `everyMs`; a new `key` (another node, another filter)
 * starts over. The views poll because queues, spam and audit figures are not pushed.
 */
export function useRefresh(refresh: () => Promise<void>, everyMs: number, key: string): void {
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` says when to start over; `refresh` is rebuilt each render
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      await refresh();
      if (!stopped) timer = setTimeout(() => void tick(), everyMs);
    };
    void tick();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [key, everyMs]);
}
