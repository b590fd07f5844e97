/**
 * What the render bench (`npm run bench -- console`) reads from the page: per pushed snapshot, when
 * it arrived, when React committed it, how long React worked, when the frame showing it was done, and
 * the sample times of the tiles it changed. Off unless the page defines `window.mailfleetRenderProbe`
 * (the bench does, through the browser's devtools protocol): the console does nothing extra then.
 */
import type { ConsoleFleetSnapshot } from '../../../main/console/console-fleet-snapshot';
import type { RenderTick } from './render-tick';

interface ProbeSink {
  push(tick: RenderTick): void;
}

const sink = (): ProbeSink | undefined =>
  (globalThis as { mailfleetRenderProbe?: ProbeSink }).mailfleetRenderProbe;

let pending: Omit<RenderTick, 'committedAt' | 'frameStartAt' | 'paintedAt' | 'paintedEpochMs'> | undefined;
const lastSeq = new Map<string, number>();

/** Called by the fleet feed when a snapshot arrives, before the store hears of it. */
export function snapshotArrived(snapshot: ConsoleFleetSnapshot): void {
  if (!sink()) return;
  const newSampleAts: number[] = [];
  for (const node of snapshot.nodes) {
    const sample = node.sample;
    if (!sample || lastSeq.get(node.name) === sample.seq) continue;
    lastSeq.set(node.name, sample.seq);
    newSampleAts.push(sample.at);
  }
  pending = {
    snapshotAt: snapshot.at,
    nodes: snapshot.nodes.length,
    newSampleAts,
    receivedAt: performance.now(),
  };
}

/**
 * Called from the dashboard's layout effect once the DOM shows snapshot `at`. The frame that paints
 * it starts at the next requestAnimationFrame; a message posted from that callback runs once the
 * browser has done style, layout and paint of that frame, which is when the pixels are there.
 */
export function snapshotCommitted(at: number): void {
  const tick = pending;
  const out = sink();
  if (!tick || !out || tick.snapshotAt !== at) return;
  pending = undefined;
  const committedAt = performance.now();
  requestAnimationFrame(() => {
    const frameStartAt = performance.now();
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      const paintedAt = performance.now();
      channel.port1.close();
      out.push({
        ...tick,
        committedAt,
        frameStartAt,
        paintedAt,
        paintedEpochMs: performance.timeOrigin + paintedAt,
      });
    };
    channel.port2.postMessage(null);
  });
}
