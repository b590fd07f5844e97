/** When a node tile can skip re-rendering. */
import type { ConsoleNodeView } from '../../../../main/console/console-fleet-snapshot';

/** What a node tile is drawn from. */
export interface NodeTileProps {
  node: ConsoleNodeView;
  now: number;
}

/**
 * Whether a tile would show the same: a new sample (seq), a state change, or for a node that is not
 * up a new second of age. Every snapshot brings new objects, so without this every tile of the
 * fleet re-renders every second.
 */
export function sameTile(before: NodeTileProps, after: NodeTileProps): boolean {
  const a = before.node;
  const b = after.node;
  if (a.state !== b.state || a.since !== b.since || a.problem?.kind !== b.problem?.kind) return false;
  if (a.sample?.seq !== b.sample?.seq || a.sample?.node !== b.sample?.node) return false;
  if (b.state === 'up') return true;
  const seconds = (ms: number | undefined) => (ms === undefined ? -1 : Math.round(ms / 1000));
  return seconds(a.ageMs) === seconds(b.ageMs);
}
