/**
 * Fleet deliveries per minute over the last 5 minutes: one component of its own (it changes every
 * second), animations off, a bounded window from the history slice, a stable dataKey. The time axis
 * has its ticks on whole minutes: the same labels second after second, so recharts finds their
 * sizes in its text-measure cache instead of laying out new text (its largest cost per tick).
 */
import { useMemo } from 'react';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useTranslator } from '../../i18n/use-translator';
import { useFleetStore } from '../../store/fleet/fleet-store';

/** The chart box with its title. */
export function DeliveriesChart() {
  const tr = useTranslator();
  const history = useFleetStore((s) => s.history);
  const hasFigures = history.some((p) => p.deliveriesPerMin !== null);
  const first = history[0]?.at ?? 0;
  const last = history.at(-1)?.at ?? 0;
  const ticks = useMemo(() => minuteTicks(first, last), [first, last]);
  const format = useMemo(
    () => ({
      time: (at: number) => tr.time(at),
      figure: (v: number) => tr.number(v),
      tooltipLabel: (at: unknown) => tr.time(Number(at)),
      tooltipValue: (value: unknown) =>
        [tr.number(Number(value), 1), tr.t('chart.deliveries.series')] as const,
    }),
    [tr],
  );
  return (
    <figure className="chart" aria-labelledby="deliveries-chart-title">
      <figcaption id="deliveries-chart-title" className="chart-title">
        {tr.t('chart.deliveries.title')}
      </figcaption>
      {hasFigures ? (
        <div className="chart-body">
          <ResponsiveContainer width="100%" height={180}>
            <LineChart data={history} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
              <CartesianGrid stroke="#e3e6ea" vertical={false} />
              <XAxis
                dataKey="at"
                type="number"
                scale="time"
                domain={['dataMin', 'dataMax']}
                ticks={ticks}
                interval={0}
                tickFormatter={format.time}
                fontSize={12}
              />
              <YAxis allowDecimals={false} width={48} fontSize={12} tickFormatter={format.figure} />
              <Tooltip
                isAnimationActive={false}
                labelFormatter={format.tooltipLabel}
                formatter={(value) => [...format.tooltipValue(value)]}
              />
              <Line
                dataKey="deliveriesPerMin"
                name={tr.t('chart.deliveries.series')}
                stroke="#1f5fa8"
                strokeWidth={2}
                dot={false}
                isAnimationActive={false}
                connectNulls={false}
              />
            </LineChart>
          </ResponsiveContainer>
        </div>
      ) : (
        <p className="chart-empty">{tr.t('chart.empty')}</p>
      )}
    </figure>
  );
}

/** Whole minutes within [first, last]; the first point's time when the window is under a minute. */
export function minuteTicks(first: number, last: number): number[] {
  const ticks: number[] = [];
  for (let at = Math.ceil(first / 60_000) * 60_000; at <= last; at += 60_000) ticks.push(at);
  return ticks.length > 0 ? ticks : [first];
}
