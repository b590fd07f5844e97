/**
 * One chart of the watched node's history (CPU/memory/disk, mail, network): its own component so
 * only the charts re-render each second; the console's shared time chart on the bounded window of
 * the node store.
 */
import { memo, useMemo } from 'react';
import { TimeChart, type TimeSeries } from '../../components/time-chart';
import type { MessageKey } from '../../i18n/messages-en';
import { useTranslator } from '../../i18n/use-translator';
import type { NodePoint } from '../../store/nodes/node-history-slice';
import { useNodeStore } from '../../store/nodes/node-store';

/** A line of a chart: the point field it draws, its name, its colour. */
export interface ChartSeries {
  dataKey: Exclude<keyof NodePoint, 'at'>;
  label: MessageKey;
  color: string;
}

interface NodeHistoryChartProps {
  id: string;
  title: MessageKey;
  series: readonly ChartSeries[];
  /** Digits after the point in the tooltip. */
  digits?: number;
}

/** A titled line chart, or "waiting" until the node has published the figures. */
export const NodeHistoryChart = memo(function NodeHistoryChart({
  id,
  title,
  series,
  digits = 0,
}: NodeHistoryChartProps) {
  const tr = useTranslator();
  const points = useNodeStore((s) => s.points);
  const lines = useMemo(
    (): TimeSeries<NodePoint>[] =>
      series.map((line) => ({
        id: line.dataKey,
        value: line.dataKey,
        name: tr.t(line.label),
        color: line.color,
      })),
    [series, tr],
  );
  return (
    <TimeChart
      id={id}
      title={tr.t(title)}
      points={points}
      series={lines}
      height={160}
      digits={digits}
      small
    />
  );
});
