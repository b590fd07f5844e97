/**
 * The gateway's decisions per minute over the last hour, stacked by decision: one component,
 * animations off, stable dataKeys (the decision names), at most the agent's window of minutes.
 */
import { Bar, BarChart, ResponsiveContainer } from 'recharts';
import { timeChartParts } from '../../components/time-chart-parts';
import { useTranslator } from '../../i18n/use-translator';
import type { SpamStatistics } from '../../store/spam/spam-store';
import { spamOutcomeColors, spamOutcomeLabel, spamOutcomes } from './spam-outcomes';

/** The chart. */
export function SpamMinutesChart({ perMinute }: { perMinute: SpamStatistics['perMinute'] }) {
  const tr = useTranslator();
  const hasDecisions = perMinute.some((m) => spamOutcomes.some((o) => m[o] > 0));
  return (
    <figure className="chart" aria-labelledby="spam-minutes-title" data-chart="spam-minutes">
      <figcaption id="spam-minutes-title" className="chart-title">
        {tr.t('spam.chart.title')}
      </figcaption>
      {hasDecisions ? (
        <div className="chart-body">
          <ResponsiveContainer width="100%" height={220}>
            <BarChart data={perMinute} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
              {timeChartParts(tr, { timeKey: 'minute', allowDecimals: false })}
              {spamOutcomes.map((outcome) => (
                <Bar
                  key={outcome}
                  dataKey={outcome}
                  stackId="decisions"
                  name={tr.t(spamOutcomeLabel(outcome))}
                  fill={spamOutcomeColors[outcome]}
                  isAnimationActive={false}
                />
              ))}
            </BarChart>
          </ResponsiveContainer>
        </div>
      ) : (
        <p className="chart-empty">{tr.t('spam.chart.empty')}</p>
      )}
    </figure>
  );
}
