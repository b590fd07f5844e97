/**
 * A block of a large group's tiles (see role-group.tsx): near the window, its tiles; far from it, one
 * line that names the block's first and last node, how many answer and which do not (in red), at
 * the height the tiles took, so the page neither jumps nor keeps hundreds of tiles it does not show.
 */
import { memo } from 'react';
import type { ConsoleNodeView } from '../../../../main/console/console-contract';
import { useTranslator } from '../../i18n/use-translator';
import { NodeTile } from './node-tile';
import type { TileFaceCache } from './tile-face';

/** What a far block says: its first and last node, how many answer, which do not. */
export interface ChunkSummary {
  first: string;
  last: string;
  total: number;
  up: number;
  notAnswering: string[];
}

/** The summary of a block of nodes. */
export function chunkSummary(nodes: readonly ConsoleNodeView[]): ChunkSummary {
  const notAnswering = nodes.filter((n) => n.state !== 'up').map((n) => n.name);
  return {
    first: nodes[0]?.name ?? '',
    last: nodes.at(-1)?.name ?? '',
    total: nodes.length,
    up: nodes.length - notAnswering.length,
    notAnswering,
  };
}

interface TileChunkProps {
  index: number;
  nodes: readonly ConsoleNodeView[];
  near: boolean;
  /** Height to keep while far (the tiles' last measured height, or an estimate). */
  farHeightPx: number;
  now: number;
  faces: TileFaceCache;
}

/** One block; re-renders only when one of its nodes, its nearness or its far height changes. */
export const TileChunk = memo(
  function TileChunk({ index, nodes, near, farHeightPx, now, faces }: TileChunkProps) {
    const tr = useTranslator();
    if (near) {
      return (
        <div className="tile-chunk" data-chunk={index}>
          <ul className="tiles tiles-many">
            {nodes.map((node) => (
              <NodeTile key={node.name} face={faces.faceOf(node, now, tr)} />
            ))}
          </ul>
        </div>
      );
    }
    const summary = chunkSummary(nodes);
    const text = tr.t('dashboard.chunk', {
      first: summary.first,
      last: summary.last,
      up: summary.up,
      total: summary.total,
    });
    const down =
      summary.notAnswering.length > 0
        ? tr.t('dashboard.chunkDown', { nodes: summary.notAnswering.join(', ') })
        : undefined;
    return (
      <div
        className={down ? 'tile-chunk tile-chunk-far tile-chunk-alarm' : 'tile-chunk tile-chunk-far'}
        data-chunk={index}
        style={{ height: farHeightPx }}
        // Reachable from the keyboard: focus scrolls it into view, which brings its tiles.
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a far block is read and entered like a tile
        tabIndex={0}
      >
        <p className="tile-chunk-summary">{text}</p>
        {down && <p className="tile-chunk-down">{down}</p>}
      </div>
    );
  },
  (before, after) =>
    before.near === after.near &&
    before.farHeightPx === after.farHeightPx &&
    before.faces === after.faces &&
    before.nodes.length === after.nodes.length &&
    before.nodes.every((node, i) => node === after.nodes[i]),
);
