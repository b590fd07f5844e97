/**
 * Fleet deliveries per minute over the last 5 minutes: one component of its own (it changes every
 * second), animations off, a bounded window from the history slice, a stable dataKey.
 */
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useTranslator } from '../../i18n/use-translator';
import { useFleetStore } from '../../store/fleet/fleet-store';

/** The chart box with its title. */
export function DeliveriesChart() {
  const tr = useTranslator();
  const history = useFleetStore((s) => s.history);
  const hasFigures = history.some((p) => p.deliveriesPerMin !== null);
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
                tickFormatter={(at: number) => tr.time(at)}
                minTickGap={48}
                fontSize={12}
              />
              <YAxis
                allowDecimals={false}
                width={48}
                fontSize={12}
                tickFormatter={(v: number) => tr.number(v)}
              />
              <Tooltip
                isAnimationActive={false}
                labelFormatter={(at) => tr.time(Number(at))}
                formatter={(value) => [tr.number(Number(value), 1), tr.t('chart.deliveries.series')]}
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
