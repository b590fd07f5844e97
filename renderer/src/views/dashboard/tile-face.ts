/**
 * What a node tile shows, as text: computed from the node once per tick so that a tile re-renders
 * only when a word or figure on it changes (a new sample with the same figures changes nothing on
 * screen, so React does no work and the browser no layout for that tile).
 */
import type { ConsoleNodeView } from '../../../../main/console/console-contract';
import type { MessageKey } from '../../i18n/messages-en';
import type { Translator } from '../../i18n/translate';
import { type NodeFigures, nodeFigures } from '../../store/fleet/fleet-figures';

/** One figure line of a tile. */
export interface FigureRow {
  key: MessageKey;
  value: string;
  alarm?: boolean;
}

/** Everything a tile draws. */
export interface TileFace {
  name: string;
  state: ConsoleNodeView['state'];
  stateText: string;
  ageLines: string[];
  problem: string | undefined;
  problemDetail: string | undefined;
  rows: FigureRow[];
  /** A store or spare: users dropped on its tile move to a store it serves. */
  takesMoves: boolean;
  /** All of the above in one string: two faces with the same key draw the same tile. */
  key: string;
}

/** Figures of one node, chosen by role. */
function figureRows(role: ConsoleNodeView['role'], f: NodeFigures, tr: Translator): FigureRow[] {
  const dash = (value: number | undefined, digits = 0) =>
    value === undefined ? '—' : tr.number(value, digits);
  const pct = (value: number | undefined) => (value === undefined ? '—' : tr.percent(value));
  const cpu: FigureRow = {
    key: 'figure.cpu',
    value: f.cpuPercent === undefined ? '—' : tr.percent(f.cpuPercent / 100),
  };
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
    const rows: FigureRow[] = [
      { key: 'figure.users', value: dash(f.mailboxes) },
      { key: 'figure.sessions', value: dash(f.sessions) },
      { key: 'figure.deliveries', value: dash(f.deliveriesPerMin) },
      disk,
      services,
    ];
    // One line per replicated store: how it is protected, and where its replica is.
    for (const stream of f.replication ?? []) {
      const words =
        stream.state === 'protected'
          ? 'figure.replicaProtected'
          : stream.state === 'catching-up'
            ? 'figure.replicaCatchingUp'
            : 'figure.replicaUnprotected';
      rows.push({
        key: 'figure.replica',
        value: tr.t(words, { node: stream.replicaNode, n: stream.lagChanges, s: stream.lagSeconds }),
        alarm: stream.state !== 'protected',
      });
    }
    // Only when some mailbox is nearly full: the line is a warning, not a figure to watch.
    const quota = f.quotaOver;
    if (quota && quota.count > 0) {
      const words = quota.atLeast ? 'figure.quotaValueAtLeast' : 'figure.quotaValue';
      rows.push({ key: 'figure.quota', value: tr.t(words, { n: quota.count }), alarm: true });
    }
    return rows;
  }
  if (role === 'director') {
    return [
      { key: 'figure.queue', value: dash(f.queueDepth) },
      { key: 'figure.deferred', value: dash(f.queueDeferred) },
      { key: 'figure.relayed', value: dash(f.deliveredPerMin) },
      { key: 'figure.proxySessions', value: dash(f.proxySessions) },
      disk,
      services,
    ];
  }
  if (role === 'gateway') {
    return [
      { key: 'figure.accepted', value: dash(f.acceptedPerMin) },
      { key: 'figure.greylisted', value: dash(f.greylistedPerMin) },
      { key: 'figure.spam', value: dash(f.spamPerMin) },
      cpu,
      disk,
      services,
    ];
  }
  return [cpu, disk, services];
}

/** For a node that is not up: how old its figures are, and since when it does not answer. */
function ageLinesOf(node: ConsoleNodeView, now: number, tr: Translator): string[] {
  if (node.state === 'up') return [];
  const age =
    node.ageMs === undefined ? tr.t('tile.never') : tr.t('tile.age', { age: tr.duration(node.ageMs) });
  return [age, tr.t('tile.since', { time: tr.time(Math.min(node.since, now)) })];
}

/** The face of one node's tile at snapshot time `now`. */
export function tileFace(node: ConsoleNodeView, now: number, tr: Translator): TileFace {
  const rows = figureRows(node.role, nodeFigures(node), tr);
  const stateText = tr.t(`state.${node.state}`);
  const ageLines = ageLinesOf(node, now, tr);
  const problem = node.problem && node.state !== 'up' ? tr.t(`problem.${node.problem.kind}`) : undefined;
  const problemDetail = node.problem?.message;
  const key = [
    node.name,
    node.state,
    stateText,
    ...ageLines,
    problem ?? '',
    problemDetail ?? '',
    ...rows.map((row) => `${row.value}${row.alarm ? '!' : ''}`),
  ].join('\u0001');
  const takesMoves = node.role === 'store' || node.role === 'spare';
  return {
    name: node.name,
    state: node.state,
    stateText,
    ageLines,
    problem,
    problemDetail,
    rows,
    takesMoves,
    key,
  };
}

/**
 * Faces remembered per node view: a partial push keeps the view object of every node it does not
 * carry, so at 1,000 nodes a tick computes the faces of the few nodes that changed and looks the
 * others up. A language change draws every face anew.
 */
export class TileFaceCache {
  private faces = new WeakMap<ConsoleNodeView, TileFace>();
  private tr: Translator | undefined;

  /** The face of `node` at snapshot time `now`. */
  faceOf(node: ConsoleNodeView, now: number, tr: Translator): TileFace {
    if (tr !== this.tr) {
      this.tr = tr;
      this.faces = new WeakMap();
    }
    let face = this.faces.get(node);
    if (!face) {
      // `now` only bounds a not-up node's "since" (clock skew); such a node comes anew every second.
      face = tileFace(node, now, tr);
      this.faces.set(node, face);
    }
    return face;
  }
}
