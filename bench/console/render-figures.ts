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
  /** Seconds in which the page showed nothing new (a gap of more than 1.5 s between shown pushes). */
  skippedTicks: number;
  /** Pushes the page got, per second of the run; and how many came before the previous was painted. */
  pushesPerSec: number;
  pushesShownTogether: number;
  /** Nodes a push carried (the changed ones). */
  changedNodes: Spread;
  samplesShown: number;
  sampleToPixelMs: Spread;
  /** Its parts: the agent's sample to main's push, and the push to the pixels. */
  sampleToSnapshotMs: Spread;
  snapshotToPixelMs: Spread;
  /** Store update, React render and DOM writes. */
  tickJsMs: Spread;
  /** Style, layout and paint of the frame that shows the tick. */
  tickFrameMs: Spread;
  /** Both: the renderer's work per tick. */
  tickRenderMs: Spread;
  /** Share of the run's time the page spent on ticks (JS + frame): what is left for the admin. */
  renderBusyShare: number;
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
  const pushes = ticks.reduce((sum, t) => sum + t.pushes, 0);
  const spanMs = ticks.length > 1 ? ticks.at(-1)!.paintedAt - ticks[0]!.receivedAt : Number.NaN;
  const busyMs = js.reduce((sum, v, i) => sum + v + frame[i]!, 0);
  return {
    ticks: ticks.length,
    skippedTicks: skipped,
    pushesPerSec: round(pushes / (spanMs / 1000), 2),
    pushesShownTogether: pushes - ticks.length,
    changedNodes: spread(ticks.map((t) => t.changedNodes)),
    samplesShown: latencies.length,
    sampleToPixelMs: spread(latencies),
    sampleToSnapshotMs: spread(waits),
    snapshotToPixelMs: spread(ticks.map((t) => t.paintedEpochMs - t.snapshotAt)),
    tickJsMs: spread(js),
    tickFrameMs: spread(frame),
    tickRenderMs: spread(js.map((v, i) => v + frame[i]!)),
    renderBusyShare: round(busyMs / spanMs, 3),
  };
}

/** One line for the bench's output. */
export function renderLine(f: RenderFigures): string {
  return (
    `sample-to-pixel p50 ${f.sampleToPixelMs.p50} ms, p95 ${f.sampleToPixelMs.p95} ms ` +
    `(in main before the push p50 ${f.sampleToSnapshotMs.p50} / p95 ${f.sampleToSnapshotMs.p95} ms, ` +
    `push to pixels p50 ${f.snapshotToPixelMs.p50} / p95 ${f.snapshotToPixelMs.p95} ms); ` +
    `per-tick render p50 ${f.tickRenderMs.p50} ms, p95 ${f.tickRenderMs.p95} ms ` +
    `(JS p95 ${f.tickJsMs.p95} ms, frame p95 ${f.tickFrameMs.p95} ms); ${f.ticks} ticks ` +
    `(${f.pushesPerSec} pushes/s, ${f.changedNodes.p50} nodes each p50, ${f.pushesShownTogether} shown with the next), ` +
    `page busy ${Math.round(f.renderBusyShare * 1000) / 10} % of the time, ${f.skippedTicks} s without a push shown`
  );
}
