/**
 * A mail store in the Stores list: its name, the server serving it and whether it answers, disk
 * use, mailboxes, IMAP sessions and moves coming in (live, from the fleet's pushes). Users dropped
 * on it move there (after the dialog); "Move here" does the same for the users picked, from the
 * keyboard.
 */
import type { ConsoleNodeView, NodeMetrics, StoreOnNode } from '../../../../main/console/console-contract';
import { useTranslator } from '../../i18n/use-translator';
import { moveServices } from '../../services/console-services';
import type { UserSelection } from '../../store/directory/selection-slice';
import { selectionCount } from '../../store/directory/selection-slice';
import { nodeFigures } from '../../store/fleet/fleet-figures';
import { useUsersDrop } from './use-users-drop';

interface StoreTileProps {
  store: StoreOnNode;
  /** The serving node's view, when the fleet has it. */
  node: ConsoleNodeView | undefined;
  movesIn: number;
  picked: UserSelection | undefined;
}

/** What mail can still use on a disk (an agent before 2026-12 sends no available figure: size minus used). */
function diskLeftBytes(disk: NodeMetrics['disk']): number {
  return disk.availableBytes ?? Math.max(0, disk.totalBytes - disk.usedBytes);
}

/** One store as a drop target. */
export function StoreTile({ store, node, movesIn, picked }: StoreTileProps) {
  const tr = useTranslator();
  const { over, handlers } = useUsersDrop((selection) => void moveServices()?.moveTo(store.store, selection));
  const state: ConsoleNodeView['state'] = node?.state ?? 'down';
  const figures = node ? nodeFigures(node) : {};
  const sample = node?.sample;
  const dash = '—';
  const count = picked ? selectionCount(picked) : 0;
  const stateText = tr.t(`state.${state}`);
  return (
    <li
      className={`store-tile store-tile-${state}${over ? ' store-tile-over' : ''}`}
      data-store={store.store}
      data-node={store.node}
      data-state={state}
      aria-label={tr.t('stores.dropLabel', { store: store.store, node: store.node, state: stateText })}
      {...handlers}
    >
      <div className="store-tile-head">
        <span className="store-tile-name">{store.store}</span>
        <span className="store-tile-state">{stateText}</span>
      </div>
      <p className="store-tile-server muted">{tr.t('stores.server', { node: store.node })}</p>
      <dl className="store-tile-figures">
        <dt>{tr.t('stores.disk')}</dt>
        <dd data-figure="disk">
          {figures.diskShare === undefined
            ? dash
            : tr.t('stores.diskValue', { percent: tr.percent(figures.diskShare) })}
        </dd>
        <dt>{tr.t('stores.diskLeft')}</dt>
        <dd data-figure="disk-left">{sample ? tr.bytes(diskLeftBytes(sample.disk)) : dash}</dd>
        <dt>{tr.t('stores.mailboxes')}</dt>
        <dd data-figure="mailboxes">
          {figures.mailboxes === undefined ? dash : tr.number(figures.mailboxes)}
        </dd>
        <dt>{tr.t('stores.sessions')}</dt>
        <dd data-figure="sessions">
          {sample?.counters.imap_sessions === undefined ? dash : tr.number(sample.counters.imap_sessions)}
        </dd>
        {movesIn > 0 && (
          <>
            <dt>{tr.t('stores.movesIn')}</dt>
            <dd data-figure="moves-in">{tr.number(movesIn)}</dd>
          </>
        )}
      </dl>
      <button
        type="button"
        className="button store-tile-move"
        disabled={!picked}
        aria-label={tr.t('stores.moveHereLabel', { n: count, store: store.store })}
        onClick={() => picked && void moveServices()?.moveTo(store.store, picked)}
      >
        {tr.t('stores.moveHere')}
      </button>
    </li>
  );
}
