/**
 * The parts of a bar chart over time (the Spam view's decisions per minute): a light grid, a time X
 * axis and a Y axis in the chosen locale, a tooltip without animation. Returned as an array of
 * elements to place inside a recharts chart (recharts reads its axes from the chart's children).
 * Line charts over time use the whole component in time-chart.tsx.
 */
import { CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import type { Translator } from '../i18n/translate';

interface TimeChartOptions {
  /** The field holding the time (ms since the epoch). */
  timeKey: string;
  /** Digits after the point in the tooltip. */
  digits?: number;
  allowDecimals?: boolean;
}

/** Grid, axes, tooltip and legend for a chart over time. */
export function timeChartParts(
  tr: Translator,
  { timeKey, digits = 0, allowDecimals = true }: TimeChartOptions,
) {
  return [
    <CartesianGrid key="grid" stroke="#e3e6ea" vertical={false} />,
    <XAxis
      key="x"
      dataKey={timeKey}
      type="number"
      scale="time"
      domain={['dataMin', 'dataMax']}
      tickFormatter={(at: number) => tr.time(at)}
      minTickGap={48}
      fontSize={12}
    />,
    <YAxis
      key="y"
      allowDecimals={allowDecimals}
      width={48}
      fontSize={12}
      // Small figures (KB/s) need their decimal or the ticks read 1, 1, 1, 0.
      tickFormatter={(v: number) => tr.number(v, digits > 0 ? 1 : 0)}
    />,
    <Tooltip
      key="tooltip"
      isAnimationActive={false}
      labelFormatter={(at) => tr.time(Number(at))}
      formatter={(value, name) => [tr.number(Number(value), digits), name]}
    />,
    <Legend key="legend" />,
  ];
}
