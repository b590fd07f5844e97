/** The tiles of one role (stores, directors...), with how many answer. */
import { memo, useMemo, useRef } from 'react';
import type { ConsoleNodeView, NodeRole } from '../../../../main/console/console-contract';
import { useTranslator } from '../../i18n/use-translator';
import { NodeTile } from './node-tile';
import { TileChunk } from './tile-chunk';
import { TileFaceCache } from './tile-face';
import { useChunksInView } from './use-tiles-in-view';

/** From this many tiles a group keeps in the DOM only the blocks of tiles near the window. */
const manyTiles = 60;
/** Tiles per block: a multiple of 2, 3, 5 and 6 columns, so a block's last row is full on most widths. */
export const chunkSize = 30;
/** A tile's height in a large group (app.css `.tiles-many .tile` min-height) plus the grid gap. */
const tileRowPx = 150 + 8;
const tileColumnPx = 210 + 8;

/** A far block's height before it was ever drawn: rows of tiles at the group's width. */
function estimatedHeight(tiles: number, widthPx: number | undefined): number {
  const columns = Math.max(1, Math.floor(((widthPx ?? 1200) + 8) / tileColumnPx));
  return Math.ceil(tiles / columns) * tileRowPx - 8;
}

/** A heading and a grid of tiles; each tile's face comes from a cache, each tile redraws on its own. */
export const RoleGroup = memo(function RoleGroup({
  role,
  nodes,
  now,
}: {
  role: NodeRole;
  nodes: ConsoleNodeView[];
  now: number;
}) {
  const tr = useTranslator();
  const many = nodes.length > manyTiles;
  const container = useRef<HTMLDivElement>(null);
  const cache = useRef<TileFaceCache>(null);
  cache.current ??= new TileFaceCache();
  const faces = cache.current;
  const chunks = useMemo(() => {
    if (!many) return [];
    const blocks: ConsoleNodeView[][] = [];
    for (let i = 0; i < nodes.length; i += chunkSize) blocks.push(nodes.slice(i, i + chunkSize));
    return blocks;
  }, [nodes, many]);
  const inView = useChunksInView(container, chunks.length);
  const up = nodes.filter((n) => n.state === 'up').length;
  const headingId = `role-${role}`;
  return (
    <section className="role-group" aria-labelledby={headingId} data-role={role}>
      <h3 id={headingId} className="role-heading">
        {tr.t(`role.${role}`)}
        <span className={up < nodes.length ? 'role-count role-count-alarm' : 'role-count'}>
          {tr.t('role.count', { up, total: nodes.length })}
        </span>
      </h3>
      {many ? (
        <div ref={container} className="tile-chunks">
          {chunks.map((block, index) => (
            <TileChunk
              // Blocks are by position: a node added or gone shifts names between blocks, not keys.
              // biome-ignore lint/suspicious/noArrayIndexKey: see above
              key={index}
              index={index}
              nodes={block}
              near={inView.near.has(index)}
              farHeightPx={inView.heights.get(index) ?? estimatedHeight(block.length, inView.widthPx)}
              now={now}
              faces={faces}
            />
          ))}
        </div>
      ) : (
        <ul className="tiles">
          {nodes.map((node) => (
            <NodeTile key={node.name} face={faces.faceOf(node, now, tr)} />
          ))}
        </ul>
      )}
    </section>
  );
});
