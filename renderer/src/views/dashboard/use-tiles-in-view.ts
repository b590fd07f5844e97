/**
 * Which blocks of a large group's tiles are on screen or near it (IntersectionObserver on the
 * blocks, `data-chunk`), and how tall each was when it last had its tiles. A group of hundreds
 * keeps in the DOM only the tiles of the blocks near the window, so a tick's work and the
 * browser's style, layout and paint follow what is visible, not the fleet's size.
 */
import { type RefObject, useEffect, useState } from 'react';

/** How far outside the window a block counts as near (its tiles are drawn before it scrolls in). */
const nearMargin = '400px 0px';

/** The blocks near the window and the heights measured of blocks that had their tiles. */
export interface ChunksInView {
  near: ReadonlySet<number>;
  heights: ReadonlyMap<number, number>;
  /** The container's width when the blocks were first observed, to estimate unmeasured ones. */
  widthPx: number | undefined;
}

const none: ChunksInView = { near: new Set(), heights: new Map(), widthPx: undefined };

/**
 * Watches the blocks (`[data-chunk]`) under `container`; `chunkCount` names how many there are, to
 * observe new ones. Inactive (small groups draw every tile) when `chunkCount` is 0.
 */
export function useChunksInView(container: RefObject<HTMLElement | null>, chunkCount: number): ChunksInView {
  const [inView, setInView] = useState<ChunksInView>(none);
  useEffect(() => {
    const element = container.current;
    if (!chunkCount || !element || typeof IntersectionObserver === 'undefined') return;
    const widthPx = element.clientWidth;
    setInView((before) => (before.widthPx === widthPx ? before : { ...before, widthPx }));
    const observer = new IntersectionObserver(
      (entries) =>
        setInView((before) => {
          const near = new Set(before.near);
          const heights = new Map(before.heights);
          for (const entry of entries) {
            const index = Number((entry.target as HTMLElement).dataset.chunk);
            if (!Number.isInteger(index)) continue;
            // A block with its tiles is as tall as they are: kept for when it is far again.
            if (near.has(index)) heights.set(index, Math.round(entry.boundingClientRect.height));
            if (entry.isIntersecting) near.add(index);
            else near.delete(index);
          }
          return { near, heights, widthPx: before.widthPx };
        }),
      { rootMargin: nearMargin },
    );
    for (const block of element.querySelectorAll('[data-chunk]')) observer.observe(block);
    return () => observer.disconnect();
  }, [container, chunkCount]);
  return inView;
}
