/**
 * The dashboard charts' history: the fleet's message rates from the directors' counters (per
 * minute; missing when no node publishes them, never zero), the queue depth of each node that holds
 * a queue (stores, which keep none, add no line; a fleet with many queue nodes keeps the deepest by
 * name and sums the rest), the lines the queue chart draws, and the spam funnel's steps.
 */
import { describe, expect, it } from 'vitest';
import type { ConsoleFleetSnapshot, ConsoleNodeView } from '../../main/console/console-fleet-snapshot';
import { translator } from '../../renderer/src/i18n/translate';
import { createFleetStore } from '../../renderer/src/store/fleet/fleet-store';
import { pointOf, queueNodesKept } from '../../renderer/src/store/fleet/history-slice';
import { sumTotals } from '../../renderer/src/store/spam/spam-funnel-store';
import type { SpamStatistics } from '../../renderer/src/store/spam/spam-store';
import { queueNodesOf } from '../../renderer/src/views/dashboard/queue-depth-chart';
import { funnelSteps } from '../../renderer/src/views/dashboard/spam-funnel-chart';
import { consoleNodeView } from '../support/console-node-view';
import { nodeMetricsSample } from '../support/node-metrics-sample';

function node(
  name: string,
  role: ConsoleNodeView['role'],
  counters: Record<string, number>,
  state: ConsoleNodeView['state'] = 'up',
): ConsoleNodeView {
  return { ...consoleNodeView(name, role, state), sample: nodeMetricsSample({ node: name, role, counters }) };
}

const snapshot = (at: number, nodes: ConsoleNodeView[]): ConsoleFleetSnapshot => ({
  at,
  directory: { reachable: true },
  nodes,
});

describe('fleet history points', () => {
  it('sums the directors’ rates per minute and keeps a queue line per node that holds a queue', () => {
    const point = pointOf(
      snapshot(1000, [
        node('director01', 'director', {
          queue_messages: 12,
          queue_received_per_sec: 2,
          queue_delivered_per_sec: 1.5,
          queue_deferred_per_sec: 0.25,
          queue_bounced_per_sec: 0,
        }),
        node('director02', 'director', { queue_messages: 3, queue_received_per_sec: 1 }),
        // A director that does not answer: its old figures count for nothing.
        node('director03', 'director', { queue_messages: 999, queue_received_per_sec: 50 }, 'down'),
        node('store01', 'store', { deliveries_last_minute: 60 }),
      ]),
    );
    expect(point).toEqual({
      at: 1000,
      deliveriesPerMin: 60,
      sessions: null,
      receivedPerMin: 180,
      deliveredPerMin: 90,
      deferredPerMin: 15,
      bouncedPerMin: 0,
      readings: { received: 3, delivered: 1.5, deferred: 0.25, bounced: 0 },
      queues: { director01: 12, director02: 3 },
      otherQueues: null,
    });
  });

  it('draws the rates as the mean of the last half minute of 1 Hz readings', () => {
    const fleet = createFleetStore();
    // Two recipients every other second: the raw readings jump between 0 and 120 a minute.
    for (let second = 1; second <= 90; second++) {
      const received = second % 2 === 0 ? 2 : 0;
      fleet
        .getState()
        .recordPoint(
          snapshot(second * 1000, [node('director01', 'director', { queue_received_per_sec: received })]),
        );
    }
    const history = fleet.getState().history;
    expect(history.at(-1)?.readings.received).toBe(2);
    // Over the last 30 s (15 readings of 2, 15 of 0): one a second, 60 a minute.
    expect(history.at(-1)?.receivedPerMin).toBe(60);
    expect(history.at(-2)?.receivedPerMin).toBe(60);
    expect(history.at(-1)?.deliveredPerMin).toBeNull();
  });

  it('leaves rates missing (a gap, not zero) when no node publishes them', () => {
    const point = pointOf(snapshot(1, [node('store01', 'store', { deliveries_last_minute: 0 })]));
    expect(point).toMatchObject({ receivedPerMin: null, bouncedPerMin: null, queues: {}, otherQueues: null });
  });

  it('keeps the deepest queues by name and sums the rest, so 1,000 nodes are not 1,000 lines', () => {
    const nodes = Array.from({ length: 1000 }, (_, i) =>
      i < 20
        ? node(`director${i + 1}`, 'director', { queue_messages: i + 1 })
        : node(`store${i}`, 'store', { deliveries_last_minute: 60 }),
    );
    const point = pointOf(snapshot(1, nodes));
    expect(Object.keys(point.queues)).toHaveLength(queueNodesKept);
    expect(point.queues.director20).toBe(20);
    expect(point.queues.director12).toBeUndefined();
    // 1 + 2 + ... + 12 on the twelve shallower directors.
    expect(point.otherQueues).toBe(78);
  });

  it('gives the queue chart one line per queue node in the window, by name, at most the bound', () => {
    const fleet = createFleetStore();
    fleet.getState().recordPoint(snapshot(1000, [node('director10', 'director', { queue_messages: 1 })]));
    fleet
      .getState()
      .recordPoint(
        snapshot(2000, [
          node('director10', 'director', { queue_messages: 2 }),
          node('director2', 'director', { queue_messages: 0 }),
          node('gateway01', 'gateway', { queue_messages: 4 }),
          node('store01', 'store', {}),
        ]),
      );
    expect(queueNodesOf(fleet.getState().history)).toEqual(['director2', 'director10', 'gateway01']);
    const many = Array.from({ length: 3 }, (_, round) =>
      pointOf(
        snapshot(
          round,
          Array.from({ length: 12 }, (_, i) =>
            node(`d${i}`, 'director', { queue_messages: (i * 7 + round * 5) % 12 }),
          ),
        ),
      ),
    );
    expect(queueNodesOf(many).length).toBeLessThanOrEqual(queueNodesKept);
  });
});

describe('spam funnel', () => {
  const totals = (greylisted: number, clean: number): SpamStatistics['totals'] => ({
    greylisted,
    rejectedUnknownRecipient: 1,
    rejectedAuthentication: 1,
    rejectedVirus: 2,
    rejectedSpam: 2,
    quarantined: 1,
    tagged: 3,
    clean,
  });

  it('sums the gateways and puts what was seen first, then each decision in order', () => {
    const sum = sumTotals([{ totals: totals(10, 5) }, { totals: totals(4, 1) }] as SpamStatistics[]);
    expect(sum).toEqual({
      greylisted: 14,
      rejectedUnknownRecipient: 2,
      rejectedAuthentication: 2,
      rejectedVirus: 4,
      rejectedSpam: 4,
      quarantined: 2,
      tagged: 6,
      clean: 6,
    });
    const steps = funnelSteps(sum!, translator('en'));
    expect(steps.map((s) => [s.stage, s.label, s.count])).toEqual([
      ['seen', 'Seen', 40],
      ['greylisted', 'Greylisted', 14],
      ['rejectedUnknownRecipient', 'Unknown recipient', 2],
      ['rejectedAuthentication', 'Forged sender (DMARC)', 2],
      ['rejectedVirus', 'Refused: virus', 4],
      ['rejectedSpam', 'Refused as spam', 4],
      ['quarantined', 'Quarantined (DMARC)', 2],
      ['tagged', 'Marked as spam', 6],
      ['clean', 'Accepted', 6],
    ]);
    expect(funnelSteps(sum!, translator('ja'))[0]?.label).toBe('判定の総数');
    expect(sumTotals([])).toBeUndefined();
  });
});
