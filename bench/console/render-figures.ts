/** Figures of a run of render ticks (see renderer/src/services/render-probe.ts for what each time is). */
import type { RenderTick } from '../../renderer/src/services/render-tick.js';
import { percentile, round } from '../stats.js';

/** Percentiles of one measure, in ms. */
export interface Spread {
  p50: number;
  p95: number;
  max: number;
}

/** What a bench reports for a page. */
export interface RenderFigures {
  ticks: number;
  /** Snapshots the page never showed (a gap of more than 1.5 s between shown snapshot times). */
  skippedTicks: number;
  samplesShown: number;
  sampleToPixelMs: Spread;
  /** Its parts: the agent's sample to main's 1 Hz snapshot, and the snapshot to the pixels. */
  sampleToSnapshotMs: Spread;
  snapshotToPixelMs: Spread;
  /** Store update, React render and DOM writes. */
  tickJsMs: Spread;
  /** Style, layout and paint of the frame that shows the tick. */
  tickFrameMs: Spread;
  /** Both: the renderer's work per tick. */
  tickRenderMs: Spread;
}

function spread(values: number[]): Spread {
  return {
    p50: round(percentile(values, 50), 1),
    p95: round(percentile(values, 95), 1),
    max: round(values.length ? Math.max(...values) : Number.NaN, 1),
  };
}

/** Figures of `ticks`. */
export function renderFigures(ticks: RenderTick[]): RenderFigures {
  const latencies: number[] = [];
  const waits: number[] = [];
  for (const tick of ticks) {
    for (const at of tick.newSampleAts) {
      latencies.push(tick.paintedEpochMs - at);
      waits.push(tick.snapshotAt - at);
    }
  }
  const js = ticks.map((t) => t.committedAt - t.receivedAt);
  const frame = ticks.map((t) => t.paintedAt - t.frameStartAt);
  let skipped = 0;
  for (let i = 1; i < ticks.length; i++) {
    const gap = ticks[i]!.snapshotAt - ticks[i - 1]!.snapshotAt;
    if (gap > 1500) skipped += Math.round(gap / 1000) - 1;
  }
  return {
    ticks: ticks.length,
    skippedTicks: skipped,
    samplesShown: latencies.length,
    sampleToPixelMs: spread(latencies),
    sampleToSnapshotMs: spread(waits),
    snapshotToPixelMs: spread(ticks.map((t) => t.paintedEpochMs - t.snapshotAt)),
    tickJsMs: spread(js),
    tickFrameMs: spread(frame),
    tickRenderMs: spread(js.map((v, i) => v + frame[i]!)),
  };
}

/** One line for the bench's output. */
export function renderLine(f: RenderFigures): string {
  return (
    `sample-to-pixel p50 ${f.sampleToPixelMs.p50} ms, p95 ${f.sampleToPixelMs.p95} ms ` +
    `(in main before the 1 Hz push p50 ${f.sampleToSnapshotMs.p50} ms, push to pixels p50 ${f.snapshotToPixelMs.p50} ms); ` +
    `per-tick render p50 ${f.tickRenderMs.p50} ms, p95 ${f.tickRenderMs.p95} ms ` +
    `(JS p95 ${f.tickJsMs.p95} ms, frame p95 ${f.tickFrameMs.p95} ms); ${f.ticks} ticks, ${f.skippedTicks} skipped`
  );
}
