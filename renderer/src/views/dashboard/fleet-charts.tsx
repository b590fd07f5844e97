/**
 * The dashboard's charts under the alarm list: the fleet's mail per minute and the queue depth by
 * node side by side (both from the 1 Hz history), then the spam funnel of the last hour. Each chart
 * is its own component, so a new point re-renders the two line charts and nothing else.
 */
import { MessageRateChart } from './message-rate-chart';
import { QueueDepthChart } from './queue-depth-chart';
import { SpamFunnelChart } from './spam-funnel-chart';
import './dashboard-charts.css';

/** The three charts. */
export function FleetCharts() {
  return (
    <div className="fleet-charts">
      <MessageRateChart />
      <QueueDepthChart />
      <SpamFunnelChart />
    </div>
  );
}
