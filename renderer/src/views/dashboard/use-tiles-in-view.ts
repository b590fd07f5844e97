/**
 * Which tiles of a large group are on screen (or near it), by IntersectionObserver: a group of
 * hundreds computes and draws the full face only of those; the others keep name and state (their
 * colour) until they scroll near. So a tick's work follows what is visible, not the fleet's size.
 */
import { type RefObject, useEffect, useState } from 'react';

/** How far outside the window a tile counts as near (it is drawn before it scrolls in). */
const nearMargin = '600px 0px';

/**
 * The names (`data-node`) of the tiles in `list` that are near the window; undefined when `active`
 * is false (small groups draw every tile in full). `names` lists the tiles, to observe new ones.
 */
export function useTilesInView(
  list: RefObject<HTMLUListElement | null>,
  names: readonly string[],
  active: boolean,
): ReadonlySet<string> | undefined {
  const [inView, setInView] = useState<ReadonlySet<string>>(() => new Set());
  const namesKey = active ? names.join('\u0001') : '';
  useEffect(() => {
    const element = list.current;
    if (!namesKey || !element || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver(
      (entries) =>
        setInView((before) => {
          const next = new Set(before);
          for (const entry of entries) {
            const name = (entry.target as HTMLElement).dataset.node;
            if (!name) continue;
            if (entry.isIntersecting) next.add(name);
            else next.delete(name);
          }
          return next;
        }),
      { rootMargin: nearMargin },
    );
    for (const tile of element.querySelectorAll('li[data-node]')) observer.observe(tile);
    return () => observer.disconnect();
  }, [list, namesKey]);
  return active ? inView : undefined;
}
