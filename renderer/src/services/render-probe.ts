/**
 * What the render bench (`npm run bench -- console`) reads from the page: per push (whole or
 * partial), when it arrived, when React committed it, how long React worked, when the frame showing
 * it was done, and the sample times of the nodes it brought new samples for. Pushes that arrive
 * before the previous one was painted are reported with it, as one tick (their samples too). Off unless the page defines `window.mailfleetRenderProbe`
 * (the bench does, through the browser's devtools protocol): the console does nothing extra then.
 */
import type { ConsoleFleetPush } from '../../../main/console/console-contract';
import type { RenderTick } from './render-tick';

interface ProbeSink {
  push(tick: RenderTick): void;
}

const sink = (): ProbeSink | undefined =>
  (globalThis as { mailfleetRenderProbe?: ProbeSink }).mailfleetRenderProbe;

type PendingTick = Omit<
  RenderTick,
  'nodes' | 'committedAt' | 'frameStartAt' | 'paintedAt' | 'paintedEpochMs'
>;

let pending: PendingTick | undefined;
const lastSeq = new Map<string, number>();

/** Called by the fleet feed when a push arrives, before the store hears of it. */
export function snapshotArrived(push: ConsoleFleetPush): void {
  if (!sink()) return;
  const newSampleAts: number[] = pending ? pending.newSampleAts : [];
  for (const node of push.nodes) {
    const sample = node.sample;
    if (!sample || lastSeq.get(node.name) === sample.seq) continue;
    lastSeq.set(node.name, sample.seq);
    newSampleAts.push(sample.at);
  }
  pending = {
    snapshotAt: push.at,
    changedNodes: (pending?.changedNodes ?? 0) + push.nodes.length,
    partial: push.partial === true,
    pushes: (pending?.pushes ?? 0) + 1,
    newSampleAts,
    receivedAt: performance.now(),
  };
}

/** Called by the fleet feed when the store dropped a push (nothing to merge it into yet). */
export function snapshotDropped(): void {
  pending = undefined;
}

/**
 * Called from the dashboard's layout effect once the DOM shows snapshot `at` of `nodes` nodes. The
 * frame that paints it starts at the next requestAnimationFrame; a message posted from that callback
 * runs once the browser has done style, layout and paint of that frame: the pixels are there.
 */
export function snapshotCommitted(at: number, nodes: number): void {
  const arrived = pending;
  const out = sink();
  if (!arrived || !out || arrived.snapshotAt !== at) return;
  pending = undefined;
  const tick = { ...arrived, nodes };
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
