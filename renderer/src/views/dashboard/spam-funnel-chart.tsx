/**
 * The spam funnel over the last hour: what the gateways saw, then what each step took out
 * (greylisted, unknown recipient, refused as spam), what was let through marked as spam, and what
 * was accepted. From `spam.statistics` of every gateway, read every 5 s while the dashboard is on
 * screen (the samples carry only the last complete minute, so a funnel built from them would need
 * the dashboard open for an hour and would start empty on every reload). Horizontal bars, one per
 * step, animations off; the figures are also in a table for screen readers and tests.
 */
import { useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, Cell, LabelList, ResponsiveContainer, XAxis, YAxis } from 'recharts';
import { errorWords } from '../../components/error-words';
import { useRefresh } from '../../components/use-refresh';
import type { Translator } from '../../i18n/translate';
import { useTranslator } from '../../i18n/use-translator';
import { viewServices } from '../../services/view-services';
import { type FunnelTotals, useSpamFunnelStore } from '../../store/spam/spam-funnel-store';
import { spamOutcomeColors, spamOutcomeLabel, spamOutcomes } from '../spam/spam-outcomes';

/** How often the funnel is read while on screen: the gateways' figures move by the minute. */
const funnelRefreshMs = 5000;

/** One bar. */
export interface FunnelStep {
  stage: 'seen' | (typeof spamOutcomes)[number];
  label: string;
  count: number;
  color: string;
}

/** The funnel's bars: everything seen, then each decision in the order the gateway takes them. */
export function funnelSteps(totals: FunnelTotals, tr: Translator): FunnelStep[] {
  const seen = spamOutcomes.reduce((sum, outcome) => sum + totals[outcome], 0);
  return [
    { stage: 'seen', label: tr.t('chart.funnel.seen'), count: seen, color: '#4d5562' },
    ...spamOutcomes.map((outcome) => ({
      stage: outcome,
      label: tr.t(spamOutcomeLabel(outcome)),
      count: totals[outcome],
      color: spamOutcomeColors[outcome],
    })),
  ];
}

/** The chart box: polls while mounted. */
export function SpamFunnelChart() {
  const tr = useTranslator();
  useRefresh(viewServices.refreshSpamFunnel, funnelRefreshMs, 'dashboard-funnel');
  const totals = useSpamFunnelStore((s) => s.funnelTotals);
  const gateways = useSpamFunnelStore((s) => s.funnelGateways);
  const failures = useSpamFunnelStore((s) => s.funnelFailures);
  const status = useSpamFunnelStore((s) => s.funnelStatus);
  const scanningOff = useSpamFunnelStore((s) => s.funnelScanningOff);
  const steps = useMemo(() => (totals ? funnelSteps(totals, tr) : []), [totals, tr]);
  const format = useMemo(() => ({ count: (v: unknown) => tr.number(Number(v)) }), [tr]);
  const seen = steps[0]?.count ?? 0;
  return (
    <figure className="chart" aria-labelledby="chart-spam-funnel-title" data-chart="chart-spam-funnel">
      <figcaption id="chart-spam-funnel-title" className="chart-title">
        {tr.t('chart.funnel.title')}
        {gateways.length > 0 && (
          <span className="chart-note"> · {tr.t('chart.funnel.gateways', { n: gateways.length })}</span>
        )}
      </figcaption>
      {scanningOff.length > 0 && (
        <p className="chart-note-line" data-testid="funnel-scanning-off">
          {scanningOff.length === gateways.length
            ? tr.t('chart.funnel.scanningOff')
            : tr.t('chart.funnel.scanningOffSome', { gateways: scanningOff.join(', ') })}
        </p>
      )}
      {failures.map((failure) => (
        <p key={failure.node} className="chart-error" role="alert">
          {failure.node}: {tr.t('chart.funnel.error', { error: errorWords(tr, failure.error) })}
        </p>
      ))}
      {status === 'ready' && gateways.length === 0 && failures.length === 0 ? (
        <p className="chart-empty">{tr.t('chart.funnel.noGateway')}</p>
      ) : !totals ? (
        status === 'error' ? null : (
          <p className="chart-empty">{tr.t('chart.funnel.loading')}</p>
        )
      ) : seen === 0 ? (
        <p className="chart-empty">{tr.t('chart.funnel.empty')}</p>
      ) : (
        <div className="chart-body">
          <ResponsiveContainer width="100%" height={steps.length * 26 + 30}>
            <BarChart data={steps} layout="vertical" margin={{ top: 4, right: 48, bottom: 0, left: 0 }}>
              <CartesianGrid stroke="#e3e6ea" horizontal={false} />
              <XAxis type="number" allowDecimals={false} fontSize={12} tickFormatter={format.count} />
              <YAxis type="category" dataKey="label" width={190} fontSize={12} interval={0} />
              <Bar dataKey="count" name={tr.t('chart.funnel.series')} isAnimationActive={false}>
                {steps.map((step) => (
                  <Cell key={step.stage} fill={step.color} />
                ))}
                <LabelList dataKey="count" position="right" fontSize={12} formatter={format.count} />
              </Bar>
            </BarChart>
          </ResponsiveContainer>
          <p className="chart-note-line" data-testid="funnel-greylist-hint">
            {tr.t('term.greylist')}
          </p>
        </div>
      )}
      {totals && (
        <table className="visually-hidden">
          <caption>{tr.t('chart.funnel.title')}</caption>
          <tbody>
            {steps.map((step) => (
              <tr key={step.stage} data-stage={step.stage}>
                <th scope="row">{step.label}</th>
                <td>{tr.number(step.count)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </figure>
  );
}
