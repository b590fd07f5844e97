/**
 * The console's live line chart over time (the dashboard's fleet charts, the Node view's history):
 * a titled figure, "waiting" until some line has figures, then recharts with animations off,
 * stable dataKeys, formatters that stay the same between renders, and a time axis with its ticks on
 * whole minutes (quarter-minutes in a short window), so the labels are the same text second after second and recharts finds their sizes
 * in its text-measure cache instead of laying out new text (its largest cost per tick).
 */
import { memo, useMemo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useTranslator } from '../i18n/use-translator';

/** One line: its stable id, what it reads from a point, its name in the legend, its colour. */
export interface TimeSeries<P> {
  /** The React key; with `value` a field name, also recharts' dataKey. */
  id: string;
  /**
   * The field of a point it draws, or a function reading it (keep the function the same between
   * renders: recharts compares dataKeys by identity).
   */
  value: (keyof P & string) | ((point: P) => number | null);
  name: string;
  color: string;
}

interface TimeChartProps<P extends { at: number }> {
  /** Prefix of the element ids and the `data-chart` attribute the tests find the chart by. */
  id: string;
  title: string;
  points: readonly P[];
  series: readonly TimeSeries<P>[];
  height?: number;
  /** Digits after the point in the tooltip (and one on the Y axis when above 0). */
  digits?: number;
  /** Smaller box, for a grid of charts. */
  small?: boolean;
  /** Shown instead of the chart while no line has figures (default "Waiting for figures…"). */
  emptyText?: string;
}

const read = <P,>(point: P, value: TimeSeries<P>['value']): number | null => {
  if (typeof value === 'function') return value(point);
  const field = point[value];
  return typeof field === 'number' ? field : null;
};

/**
 * Ticks on whole minutes within [first, last]; on whole quarter-minutes while the window is under
 * two minutes (a console just opened), so it is not one lone label; the first point's time when
 * none falls inside.
 */
export function timeTicks(first: number, last: number): number[] {
  const step = last - first < 120_000 ? 15_000 : 60_000;
  const ticks: number[] = [];
  for (let at = Math.ceil(first / step) * step; at <= last; at += step) ticks.push(at);
  return ticks.length > 0 ? ticks : [first];
}

function TimeChartOf<P extends { at: number }>({
  id,
  title,
  points,
  series,
  height = 180,
  digits = 0,
  small = false,
  emptyText,
}: TimeChartProps<P>) {
  const tr = useTranslator();
  const shown = series.filter((line) => points.some((point) => read(point, line.value) !== null));
  const first = points[0]?.at ?? 0;
  const last = points.at(-1)?.at ?? 0;
  const ticks = useMemo(() => timeTicks(first, last), [first, last]);
  const format = useMemo(
    () => ({
      time: (at: number) => tr.time(at),
      // Small figures (KB/s) need their decimal or the ticks read 1, 1, 1, 0.
      axis: (v: number) => tr.number(v, digits > 0 ? 1 : 0),
      tooltipLabel: (at: unknown) => tr.time(Number(at)),
      tooltipValue: (value: unknown, name: unknown) => [tr.number(Number(value), digits), String(name)],
    }),
    [tr, digits],
  );
  return (
    <figure className={small ? 'chart chart-small' : 'chart'} aria-labelledby={`${id}-title`} data-chart={id}>
      <figcaption id={`${id}-title`} className="chart-title">
        {title}
      </figcaption>
      {shown.length > 0 && points.length > 1 ? (
        <div className="chart-body">
          <ResponsiveContainer width="100%" height={height}>
            <LineChart data={points as P[]} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
              <CartesianGrid stroke="#e3e6ea" vertical={false} />
              <XAxis
                dataKey="at"
                type="number"
                scale="time"
                domain={['dataMin', 'dataMax']}
                ticks={ticks}
                interval="preserveStartEnd"
                minTickGap={16}
                tickFormatter={format.time}
                fontSize={12}
              />
              <YAxis allowDecimals={digits > 0} width={48} fontSize={12} tickFormatter={format.axis} />
              <Tooltip
                isAnimationActive={false}
                labelFormatter={format.tooltipLabel}
                formatter={format.tooltipValue}
              />
              {/* In the order of the lines (received, delivered...), not sorted by name. */}
              <Legend itemSorter={null} />
              {shown.map((line) => (
                <Line
                  key={line.id}
                  dataKey={line.value}
                  name={line.name}
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
        <p className="chart-empty">{emptyText ?? tr.t('chart.empty')}</p>
      )}
    </figure>
  );
}

/** The chart; re-renders when its points, lines or language change. */
export const TimeChart = memo(TimeChartOf) as typeof TimeChartOf;
