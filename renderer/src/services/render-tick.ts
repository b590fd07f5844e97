/** What the render probe (render-probe.ts) reports per tick; the bench reads it (no DOM types here). */

/** One tick as the bench reads it. Times are `performance.now()` of the page, except where named. */
export interface RenderTick {
  /** Snapshot time (console clock, ms since the epoch). */
  snapshotAt: number;
  nodes: number;
  /** Sample times (agent clocks, ms since the epoch) of the nodes whose sample is new in this tick. */
  newSampleAts: number[];
  receivedAt: number;
  /**
   * The dashboard's layout effect for this snapshot: `committedAt - receivedAt` is the store update,
   * React's render and its DOM writes (React flushes a store update in the same task).
   */
  committedAt: number;
  /** The frame after the commit: its start (rAF) and when the browser was done with it. */
  frameStartAt: number;
  paintedAt: number;
  /** `paintedAt` on the epoch clock (performance.timeOrigin + paintedAt). */
  paintedEpochMs: number;
}
