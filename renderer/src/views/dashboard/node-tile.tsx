/**
 * One node: name, state in words and colour (up green, down red, stale red with how old its figures
 * are), and the figures that matter for its role. Focusable, with the whole tile read as one label.
 */
import { memo } from 'react';
import type { ConsoleNodeView } from '../../../../main/console/console-fleet-snapshot';
import type { MessageKey } from '../../i18n/messages-en';
import type { Translator } from '../../i18n/translate';
import { useTranslator } from '../../i18n/use-translator';
import { goTo } from '../../services/navigation-service';
import { type NodeFigures, nodeFigures } from '../../store/fleet/fleet-figures';
import { type NodeTileProps, sameTile } from './same-tile';

interface FigureRow {
  key: MessageKey;
  value: string;
  alarm?: boolean;
}

/** Figures of one node, chosen by role. */
function figureRows(role: ConsoleNodeView['role'], f: NodeFigures, tr: Translator): FigureRow[] {
  const dash = (value: number | undefined, digits = 0) =>
    value === undefined ? '—' : tr.number(value, digits);
  const pct = (value: number | undefined) => (value === undefined ? '—' : tr.percent(value));
  const services: FigureRow = {
    key: 'figure.services',
    value:
      f.servicesTotal === undefined
        ? '—'
        : tr.t('figure.servicesValue', { running: f.servicesRunning ?? 0, total: f.servicesTotal }),
    alarm: f.servicesTotal !== undefined && f.servicesRunning !== f.servicesTotal,
  };
  const disk: FigureRow = { key: 'figure.disk', value: pct(f.diskShare), alarm: (f.diskShare ?? 0) > 0.9 };
  if (role === 'store' || role === 'spare') {
    return [
      { key: 'figure.users', value: dash(f.mailboxes) },
      { key: 'figure.sessions', value: dash(f.sessions) },
      { key: 'figure.deliveries', value: dash(f.deliveriesPerMin) },
      disk,
      services,
    ];
  }
  if (role === 'director' || role === 'gateway') {
    return [
      { key: 'figure.queue', value: dash(f.queueDepth) },
      { key: 'figure.cpu', value: f.cpuPercent === undefined ? '—' : tr.percent(f.cpuPercent / 100) },
      disk,
      services,
    ];
  }
  return [
    { key: 'figure.cpu', value: f.cpuPercent === undefined ? '—' : tr.percent(f.cpuPercent / 100) },
    disk,
    services,
  ];
}

/** For a node that is not up: how old its figures are, and since when it does not answer. */
function ageLines(node: ConsoleNodeView, now: number, tr: Translator): string[] {
  if (node.state === 'up') return [];
  const age =
    node.ageMs === undefined ? tr.t('tile.never') : tr.t('tile.age', { age: tr.duration(node.ageMs) });
  return [age, tr.t('tile.since', { time: tr.time(Math.min(node.since, now)) })];
}

/** A node tile; re-renders only when what it shows changes (see sameTile) or the language does. */
export const NodeTile = memo(function NodeTile({ node, now }: NodeTileProps) {
  const tr = useTranslator();
  const rows = figureRows(node.role, nodeFigures(node), tr);
  const stateText = tr.t(`state.${node.state}`);
  const age = ageLines(node, now, tr);
  const problem = node.problem && node.state !== 'up' ? tr.t(`problem.${node.problem.kind}`) : undefined;
  return (
    <li
      className={`tile tile-${node.state}`}
      data-node={node.name}
      data-state={node.state}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: tiles are read one by one from the keyboard
      tabIndex={0}
      aria-label={[node.name, stateText, ...age, problem].filter(Boolean).join(', ')}
      // Enter on a focused tile opens its node, as a click on its name does.
      onKeyDown={(event) => {
        if (event.key === 'Enter') goTo({ view: 'nodes', node: node.name });
      }}
      title={node.problem?.message}
    >
      <div className="tile-head">
        <a className="tile-name" href={`#/nodes/${encodeURIComponent(node.name)}`} tabIndex={-1}>
          {node.name}
        </a>
        <span className="tile-state">{stateText}</span>
      </div>
      {age.map((line) => (
        <p key={line} className="tile-age">
          {line}
        </p>
      ))}
      {problem && <p className="tile-problem">{problem}</p>}
      <dl className={node.state === 'up' ? 'tile-figures' : 'tile-figures tile-figures-old'}>
        {rows.map((row) => (
          <div key={row.key} className={row.alarm ? 'figure figure-alarm' : 'figure'}>
            <dt>{tr.t(row.key)}</dt>
            <dd>{row.value}</dd>
          </div>
        ))}
      </dl>
    </li>
  );
}, sameTile);
