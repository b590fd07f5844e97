/**
 * The fleet's mail per minute over the last 5 minutes, as the directors' queues count it (one per
 * recipient): received, delivered, deferred (attempts) and bounced. In steady running received and
 * delivered lie on each other; received above delivered is mail piling up, and deferred or bounced
 * rising is a destination refusing. Its own component: it changes every second.
 */
import { useMemo } from 'react';
import { TimeChart, type TimeSeries } from '../../components/time-chart';
import { useTranslator } from '../../i18n/use-translator';
import { useFleetStore } from '../../store/fleet/fleet-store';
import type { FleetPoint } from '../../store/fleet/history-slice';

const rates = [
  { value: 'receivedPerMin', label: 'chart.rate.received', color: '#1f5fa8' },
  { value: 'deliveredPerMin', label: 'chart.rate.delivered', color: '#1e7a46' },
  { value: 'deferredPerMin', label: 'chart.rate.deferred', color: '#d97706' },
  { value: 'bouncedPerMin', label: 'chart.rate.bounced', color: '#b3261e' },
] as const;

/** The chart box with its title. */
export function MessageRateChart() {
  const tr = useTranslator();
  const history = useFleetStore((s) => s.history);
  const series = useMemo(
    (): TimeSeries<FleetPoint>[] =>
      rates.map((rate) => ({ id: rate.value, value: rate.value, name: tr.t(rate.label), color: rate.color })),
    [tr],
  );
  return (
    <TimeChart id="chart-message-rate" title={tr.t('chart.rate.title')} points={history} series={series} />
  );
}
