/** What the render probe (render-probe.ts) reports per tick; the bench reads it (no DOM types here). */

/** One tick as the bench reads it. Times are `performance.now()` of the page, except where named. */
export interface RenderTick {
  /** Snapshot time (console clock, ms since the epoch). */
  snapshotAt: number;
  /** Nodes on the page after this tick. */
  nodes: number;
  /** Nodes the push carried (every node for a whole snapshot). */
  changedNodes: number;
  /** Whether the (last) push was partial. */
  partial: boolean;
  /** Pushes shown by this tick: more than 1 when pushes came faster than the page painted. */
  pushes: number;
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
