/**
 * One chart of the watched node's history (CPU/memory/disk, mail, network): its own component so
 * only the charts re-render each second; animations off, stable dataKeys, the bounded window of
 * the node store.
 */
import { memo } from 'react';
import { Line, LineChart, ResponsiveContainer } from 'recharts';
import { timeChartParts } from '../../components/time-chart-parts';
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
  const shown = series.filter((line) => points.some((p) => p[line.dataKey] !== null));
  return (
    <figure className="chart chart-small" aria-labelledby={`${id}-title`} data-chart={id}>
      <figcaption id={`${id}-title`} className="chart-title">
        {tr.t(title)}
      </figcaption>
      {shown.length > 0 && points.length > 1 ? (
        <div className="chart-body">
          <ResponsiveContainer width="100%" height={160}>
            <LineChart data={points} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
              {timeChartParts(tr, { timeKey: 'at', digits })}
              {shown.map((line) => (
                <Line
                  key={line.dataKey}
                  dataKey={line.dataKey}
                  name={tr.t(line.label)}
                  stroke={line.color}
                  strokeWidth={2}
                  dot={false}
                  isAnimationActive={false}
                  connectNulls={false}
                />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </div>
      ) : (
        <p className="chart-empty">{tr.t('chart.empty')}</p>
      )}
    </figure>
  );
});
