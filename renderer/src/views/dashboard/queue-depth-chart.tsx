/**
 * Messages queued on each node that holds a queue (directors, gateways that keep one), over the
 * last 5 minutes: one line per such node, never one per node of the fleet (stores keep no queue,
 * and the history keeps the deepest `queueNodesKept` by name and sums the rest as "other nodes").
 */
import { useMemo } from 'react';
import { TimeChart, type TimeSeries } from '../../components/time-chart';
import { useTranslator } from '../../i18n/use-translator';
import { useFleetStore } from '../../store/fleet/fleet-store';
import { type FleetPoint, queueNodesKept } from '../../store/fleet/history-slice';

const palette = ['#8a5a00', '#1f5fa8', '#7a3fb0', '#1e7a46', '#b3261e', '#0f766e', '#a21caf', '#4d5562'];

// One reader per node name for the whole page: recharts compares dataKeys by identity, so the same
// node must get the same function every render.
const readers = new Map<string, (point: FleetPoint) => number | null>();
function readerOf(node: string): (point: FleetPoint) => number | null {
  let reader = readers.get(node);
  if (!reader) {
    reader = (point) => point.queues[node] ?? null;
    readers.set(node, reader);
  }
  return reader;
}

/**
 * The nodes with a queue in the window, by name (director2 before director10); at most
 * `queueNodesKept`, the deepest at their peak, when ranks changed over the window and more names
 * appear (a node then not drawn is in "other nodes" only for the points that summed it).
 */
export function queueNodesOf(history: readonly FleetPoint[]): string[] {
  const peaks = new Map<string, number>();
  for (const point of history) {
    for (const [name, depth] of Object.entries(point.queues))
      peaks.set(name, Math.max(peaks.get(name) ?? 0, depth));
  }
  const byName = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });
  return [...peaks]
    .sort((a, b) => b[1] - a[1] || byName(a[0], b[0]))
    .slice(0, queueNodesKept)
    .map(([name]) => name)
    .sort(byName);
}

/** The chart box with its title. */
export function QueueDepthChart() {
  const tr = useTranslator();
  const history = useFleetStore((s) => s.history);
  const nodes = queueNodesOf(history);
  const hasOthers = history.some((point) => point.otherQueues !== null);
  const nodesKey = nodes.join('\u0001');
  // biome-ignore lint/correctness/useExhaustiveDependencies: `nodesKey` says when the set of lines changed
  const series = useMemo((): TimeSeries<FleetPoint>[] => {
    const lines: TimeSeries<FleetPoint>[] = nodes.map((node, index) => ({
      id: `queue-${node}`,
      value: readerOf(node),
      name: node,
      color: palette[index % palette.length] ?? '#8a5a00',
    }));
    if (hasOthers) {
      lines.push({
        id: 'queue-others',
        value: 'otherQueues',
        name: tr.t('chart.queues.others'),
        color: '#9aa3ad',
      });
    }
    return lines;
  }, [nodesKey, hasOthers, tr]);
  const anyFigures = history.length > 0;
  return (
    <TimeChart
      id="chart-queue-depth"
      title={tr.t('chart.queues.title')}
      points={history}
      series={series}
      emptyText={anyFigures && nodes.length === 0 ? tr.t('chart.queues.none') : undefined}
    />
  );
}
