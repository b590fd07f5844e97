/**
 * The alarms that need more than one snapshot or more than counters: a failed-logins spike against
 * the node's own recent minutes (fed through the fleet store's history, as the page does), and
 * stores with mailboxes nearly at their limit (the sample's list of fullest mailboxes), with their
 * words in both languages and the quota line of the store's tile.
 */
import { describe, expect, it } from 'vitest';
import type { QuotaUser } from '../../agent/common/contract/node-metrics';
import type { ConsoleFleetSnapshot, ConsoleNodeView } from '../../main/console/console-fleet-snapshot';
import { translator } from '../../renderer/src/i18n/translate';
import {
  failedLoginsBaselineMinMinutes,
  failedLoginsPerMinLimit,
  failedLoginsSpikeFactor,
  failedLoginsSpikeFloorPerMin,
  fleetAlarms,
} from '../../renderer/src/store/fleet/fleet-alarms';
import { quotaShareLimit } from '../../renderer/src/store/fleet/fleet-figures';
import { createFleetStore } from '../../renderer/src/store/fleet/fleet-store';
import {
  loginBaselineMinutes,
  loginBlockMs,
  loginRecentBlocks,
} from '../../renderer/src/store/fleet/login-history';
import { alarmLine } from '../../renderer/src/views/dashboard/alarm-line';
import { tileFace } from '../../renderer/src/views/dashboard/tile-face';
import { consoleNodeView } from '../support/console-node-view';
import { nodeMetricsSample } from '../support/node-metrics-sample';

const start = new Date(2026, 11, 1, 9, 0, 0).getTime();
// Seconds that fill the rate "now" with new readings only: the complete blocks and the current one.
const recentSeconds = ((loginRecentBlocks + 1) * loginBlockMs) / 1000;

function store(name: string, failedPerMin: number, topQuotaUsers?: QuotaUser[]): ConsoleNodeView {
  return {
    ...consoleNodeView(name, 'store', 'up'),
    sample: nodeMetricsSample({
      node: name,
      counters: { failed_logins_per_sec: failedPerMin / 60, failed_logins_last_minute: failedPerMin },
      ...(topQuotaUsers ? { store: { topQuotaUsers } } : {}),
    }),
  };
}

const snapshot = (at: number, nodes: ConsoleNodeView[]): ConsoleFleetSnapshot => ({
  at,
  directory: { reachable: true },
  nodes,
});

/** Feeds one snapshot a second for `seconds`, each node's failed logins per minute from `rate`. */
function feed(
  fleet: ReturnType<typeof createFleetStore>,
  from: number,
  seconds: number,
  rate: (name: string, second: number) => number,
  names = ['store01'],
): number {
  let at = from;
  for (let second = 0; second < seconds; second++, at += 1000) {
    fleet.getState().recordPoint(
      snapshot(
        at,
        names.map((name) => store(name, rate(name, second))),
      ),
    );
  }
  return at;
}

const alarmsNow = (fleet: ReturnType<typeof createFleetStore>, at: number, nodes: ConsoleNodeView[]) =>
  fleetAlarms(snapshot(at, nodes), fleet.getState().loginHistory);

describe('failed-logins spike', () => {
  it('is raised when the rate is far above the node’s own median and over the floor, not before', () => {
    const fleet = createFleetStore();
    // Ten quiet minutes: 2 failed logins a minute (staff mistyping).
    let at = feed(fleet, start, loginBaselineMinutes * 60, () => 2);
    // Then 40 s at 12 a minute: over the floor (10) and over 5 × 2, under the fixed 30.
    at = feed(fleet, at, recentSeconds, () => 12);
    const alarms = alarmsNow(fleet, at, [store('store01', 12)]);
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({
      node: 'store01',
      kind: 'failed-logins-spike',
      severity: 'warning',
      baseline: 2,
      limit: failedLoginsSpikeFloorPerMin,
    });
    expect(alarms[0]?.value).toBeCloseTo(12);
    expect(12).toBeLessThan(failedLoginsPerMinLimit);
    expect(alarmLine(alarms[0]!, translator('en')).text).toBe(
      'store01 sees 12 failed logins per minute, far above its usual 2 (alarm above 10)',
    );
    expect(alarmLine(alarms[0]!, translator('ja')).text).toBe(
      'store01 でログイン失敗が1分あたり 12 回あり、普段（2 回）を大きく上回っています（10 回を超えると警報）',
    );
  });

  it('uses five times the median when that is above the floor, and says nothing at it', () => {
    const fleet = createFleetStore();
    // A busy store: 4 a minute normally, so the limit is 20.
    let at = feed(fleet, start, loginBaselineMinutes * 60, () => 4);
    at = feed(fleet, at, recentSeconds, () => 4 * failedLoginsSpikeFactor);
    expect(alarmsNow(fleet, at, [store('store01', 20)])).toEqual([]);
    at = feed(fleet, at, recentSeconds, () => 25);
    expect(alarmsNow(fleet, at, [store('store01', 25)]).map((a) => [a.kind, a.limit])).toEqual([
      ['failed-logins-spike', 20],
    ]);
  });

  it('needs a few complete minutes of history first, and a median that one odd minute does not move', () => {
    const fleet = createFleetStore();
    // Only two minutes known: no normal to compare with yet.
    let at = feed(fleet, start, (failedLoginsBaselineMinMinutes - 1) * 60, () => 0);
    at = feed(fleet, at, recentSeconds, () => 20);
    expect(alarmsNow(fleet, at, [store('store01', 20)])).toEqual([]);
    // Ten quiet minutes with one minute of 40 a minute in them (a class logging in at once): the
    // median stays 0, so 20 a minute is a spike against the floor.
    const other = createFleetStore();
    at = feed(other, start, loginBaselineMinutes * 60, (_name, second) =>
      second >= 300 && second < 360 ? 40 : 0,
    );
    at = feed(other, at, recentSeconds, () => 20);
    expect(alarmsNow(other, at, [store('store01', 20)])[0]).toMatchObject({
      kind: 'failed-logins-spike',
      baseline: 0,
    });
  });

  it('is not raised over the fixed limit (that alarm says it) nor for a node that does not answer', () => {
    const fleet = createFleetStore();
    let at = feed(fleet, start, loginBaselineMinutes * 60, () => 1);
    at = feed(fleet, at, recentSeconds, () => 45);
    expect(alarmsNow(fleet, at, [store('store01', 45)]).map((a) => a.kind)).toEqual(['failed-logins']);
    const down = { ...store('store01', 45), state: 'down' as const, since: at - 5000 };
    expect(alarmsNow(fleet, at, [down]).map((a) => a.kind)).toEqual(['node-down']);
  });

  it('keeps each node’s history apart, bounded, and drops nodes that leave the fleet', () => {
    const fleet = createFleetStore();
    const at = feed(fleet, start, 30 * 60, (name) => (name === 'store01' ? 1 : 3), ['store01', 'store02']);
    const logins = fleet.getState().loginHistory;
    expect(logins.store01?.minutes).toHaveLength(loginBaselineMinutes);
    expect(logins.store01?.blocks).toHaveLength(loginRecentBlocks);
    expect(logins.store02?.minutes.every((m) => Math.abs(m - 3) < 1e-9)).toBe(true);
    fleet.getState().recordPoint(snapshot(at, [store('store02', 3)]));
    expect(Object.keys(fleet.getState().loginHistory)).toEqual(['store02']);
  });
});

describe('quota alarms', () => {
  const mailbox = (user: string, share: number): QuotaUser => ({
    user,
    usedBytes: Math.round(share * 1000),
    limitBytes: 1000,
  });

  it('names the count over 90 % and the fullest mailbox, on the tile and in the alarm list', () => {
    const node = store('store03', 0, [
      mailbox('tanaka@example.ac.jp', 0.95),
      mailbox('sato@example.ac.jp', 0.97),
      mailbox('suzuki@example.ac.jp', quotaShareLimit),
      mailbox('ito@example.ac.jp', 0.5),
    ]);
    const alarms = fleetAlarms(snapshot(start, [node]));
    expect(alarms).toEqual([
      {
        node: 'store03',
        kind: 'quota-near-limit',
        severity: 'warning',
        value: 2,
        limit: quotaShareLimit,
        atLeast: false,
        fullest: { user: 'sato@example.ac.jp', share: 0.97 },
      },
    ]);
    expect(alarmLine(alarms[0]!, translator('en')).text).toBe(
      'store03 has 2 mailboxes over 90% of their limit; the fullest is sato@example.ac.jp (97%)',
    );
    expect(alarmLine(alarms[0]!, translator('ja')).text).toBe(
      'store03 で容量の 90% を超えたメールボックスが 2 件あります（最も多いのは sato@example.ac.jp、97%）',
    );
    const row = tileFace(node, start, translator('en')).rows.find((r) => r.key === 'figure.quota');
    expect(row).toEqual({ key: 'figure.quota', value: '2 mailboxes', alarm: true });
  });

  it('says one mailbox in the singular, and "or more" when every listed mailbox is over', () => {
    const one = fleetAlarms(snapshot(start, [store('store01', 0, [mailbox('a@x.jp', 0.91)])]));
    expect(alarmLine(one[0]!, translator('en')).text).toBe(
      'store01 has 1 mailbox over 90% of its limit: a@x.jp (91%)',
    );
    const full = Array.from({ length: 10 }, (_, i) => mailbox(`u${i}@x.jp`, 0.99 - i / 1000));
    const many = fleetAlarms(snapshot(start, [store('store01', 0, full)]));
    expect(many[0]).toMatchObject({ value: 10, atLeast: true });
    expect(alarmLine(many[0]!, translator('en')).text).toBe(
      'store01 has 10 or more mailboxes over 90% of their limit; the fullest is u0@x.jp (99%)',
    );
    expect(tileFace(store('store01', 0, full), start, translator('ja')).rows.at(-1)).toEqual({
      key: 'figure.quota',
      value: '10 件以上',
      alarm: true,
    });
  });

  it('raises nothing and adds no tile line when no mailbox is over, or the store sends no list', () => {
    const calm = store('store01', 0, [mailbox('a@x.jp', 0.9), mailbox('b@x.jp', 0.2)]);
    expect(fleetAlarms(snapshot(start, [calm]))).toEqual([]);
    expect(tileFace(calm, start, translator('en')).rows.some((r) => r.key === 'figure.quota')).toBe(false);
    expect(fleetAlarms(snapshot(start, [store('store02', 0)]))).toEqual([]);
  });
});
