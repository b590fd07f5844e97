/** The Node view's history charts, chosen by role (a store's mail figures, a director's queue). */
import type { NodeRole } from '../../../../main/console/console-contract';
import { type ChartSeries, NodeHistoryChart } from './node-history-chart';

const machine: readonly ChartSeries[] = [
  { dataKey: 'cpuPercent', label: 'node.series.cpu', color: '#1f5fa8' },
  { dataKey: 'memoryPercent', label: 'node.series.memory', color: '#7a3fb0' },
  { dataKey: 'diskPercent', label: 'node.series.disk', color: '#b3261e' },
];
const storeMail: readonly ChartSeries[] = [
  { dataKey: 'deliveriesPerMin', label: 'node.series.deliveries', color: '#1e7a46' },
  { dataKey: 'sessions', label: 'node.series.sessions', color: '#8a5a00' },
];
const queue: readonly ChartSeries[] = [
  { dataKey: 'queueDepth', label: 'node.series.queue', color: '#8a5a00' },
];
const network: readonly ChartSeries[] = [
  { dataKey: 'rxKiBPerSec', label: 'node.series.rx', color: '#1f5fa8' },
  { dataKey: 'txKiBPerSec', label: 'node.series.tx', color: '#1e7a46' },
];

/** The charts of one node. */
export function NodeCharts({ role }: { role: NodeRole }) {
  const mail = role === 'store' || role === 'spare';
  return (
    <div className="node-charts">
      <NodeHistoryChart id="node-chart-machine" title="node.chart.machine" series={machine} digits={1} />
      {mail ? (
        <NodeHistoryChart id="node-chart-mail" title="node.chart.mail" series={storeMail} digits={1} />
      ) : (
        <NodeHistoryChart id="node-chart-queue" title="node.chart.queue" series={queue} />
      )}
      <NodeHistoryChart id="node-chart-network" title="node.chart.network" series={network} digits={1} />
    </div>
  );
}
