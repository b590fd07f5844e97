/**
 * The dashboard's alarm list from hand-built snapshots: each kind raised just over its limit and
 * not at it, a node that does not answer gives one alarm and none from its old figures, the order
 * (critical first, then node), and every alarm's words in Japanese and English.
 */
import { describe, expect, it } from 'vitest';
import type { ConsoleFleetSnapshot, ConsoleNodeView } from '../../main/console/console-fleet-snapshot';
import { translator } from '../../renderer/src/i18n/translate';
import {
  diskShareLimit,
  type FleetAlarm,
  failedLoginsPerMinLimit,
  fleetAlarms,
  queueDeferredLimit,
  queueMessagesLimit,
} from '../../renderer/src/store/fleet/fleet-alarms';
import { alarmLine } from '../../renderer/src/views/dashboard/alarm-line';
import { consoleNodeView } from '../support/console-node-view';
import { nodeMetricsSample } from '../support/node-metrics-sample';

// Local time, so the expected clock text does not depend on the machine's time zone.
const at = new Date(2026, 11, 1, 12, 5, 0).getTime();
const downSince = new Date(2026, 11, 1, 12, 3, 10).getTime();

interface NodeShape {
  role?: ConsoleNodeView['role'];
  state?: ConsoleNodeView['state'];
  since?: number;
  counters?: Record<string, number>;
  /** Used share of a 1,000-byte disk. */
  disk?: number;
}

function node(name: string, shape: NodeShape = {}): ConsoleNodeView {
  const { role = 'store', state = 'up', since = 0, counters = {}, disk = 0.5 } = shape;
  return {
    ...consoleNodeView(name, role, state, since),
    sample: nodeMetricsSample({
      node: name,
      role,
      disk: { path: '/', totalBytes: 1000, usedBytes: Math.round(disk * 1000) },
      counters,
    }),
  };
}

const snapshot = (...nodes: ConsoleNodeView[]): ConsoleFleetSnapshot => ({
  at,
  directory: { reachable: true },
  nodes,
});

const kinds = (alarms: FleetAlarm[]) => alarms.map((a) => `${a.node}:${a.kind}`);

describe('fleet alarms', () => {
  it('raises none for a healthy fleet', () => {
    expect(fleetAlarms(snapshot(node('store01'), node('director01', { role: 'director' })))).toEqual([]);
  });

  it('raises node-down and data-stale with since and how long, and no alarm from old figures', () => {
    const alarms = fleetAlarms(
      snapshot(
        node('store05', {
          state: 'down',
          since: downSince,
          disk: 0.99,
          counters: { failed_logins_last_minute: 540 },
        }),
        node('store06', { state: 'stale', since: downSince }),
      ),
    );
    expect(alarms).toEqual([
      { node: 'store05', kind: 'node-down', severity: 'critical', since: downSince, value: at - downSince },
      { node: 'store06', kind: 'data-stale', severity: 'critical', since: downSince, value: at - downSince },
    ]);
  });

  it('raises disk-full just over 90 % and not at 90 %', () => {
    expect(fleetAlarms(snapshot(node('store01', { disk: diskShareLimit })))).toEqual([]);
    const alarms = fleetAlarms(snapshot(node('store01', { disk: 0.901 })));
    expect(alarms).toEqual([
      { node: 'store01', kind: 'disk-full', severity: 'critical', value: 0.901, limit: diskShareLimit },
    ]);
  });

  it("raises queue-messages and queue-deferred over their limits from the director's counters", () => {
    const director = (messages: number, deferred: number) =>
      node('director01', {
        role: 'director',
        counters: { queue_messages: messages, queue_recipients_deferred: deferred },
      });
    expect(fleetAlarms(snapshot(director(queueMessagesLimit, queueDeferredLimit)))).toEqual([]);
    expect(kinds(fleetAlarms(snapshot(director(queueMessagesLimit + 1, queueDeferredLimit))))).toEqual([
      'director01:queue-messages',
    ]);
    const both = fleetAlarms(snapshot(director(queueMessagesLimit + 1, queueDeferredLimit + 1)));
    expect(both).toEqual([
      { node: 'director01', kind: 'queue-messages', severity: 'warning', value: 1001, limit: 1000 },
      { node: 'director01', kind: 'queue-deferred', severity: 'warning', value: 501, limit: 500 },
    ]);
  });

  it('raises failed-logins over 30 a minute (the agent counts the last minute) and not at 30', () => {
    const store = (perSec: number) =>
      node('store01', { counters: { failed_logins_last_minute: perSec * 60 } });
    expect(fleetAlarms(snapshot(store(failedLoginsPerMinLimit / 60)))).toEqual([]);
    const alarms = fleetAlarms(snapshot(store(31 / 60)));
    expect(kinds(alarms)).toEqual(['store01:failed-logins']);
    expect(alarms[0]?.value).toBeCloseTo(31);
    expect(alarms[0]?.severity).toBe('warning');
  });

  it('raises logins-locked as soon as a node has a locked login, and says it in both languages', () => {
    expect(
      fleetAlarms(snapshot(node('director01', { role: 'director', counters: { login_lockouts: 0 } }))),
    ).toEqual([]);
    const alarms = fleetAlarms(
      snapshot(
        node('director01', { role: 'director', counters: { login_lockouts: 1 } }),
        node('store03', { counters: { login_lockouts: 3 } }),
        // The embedded directory's bind locks count too (entries and addresses).
        node('directory01', {
          role: 'directory',
          counters: { directory_locked_dns: 1, directory_locked_addresses: 1 },
        }),
      ),
    );
    expect(alarms).toEqual([
      { node: 'director01', kind: 'logins-locked', severity: 'warning', value: 1, limit: 0 },
      { node: 'directory01', kind: 'logins-locked', severity: 'warning', value: 2, limit: 0 },
      { node: 'store03', kind: 'logins-locked', severity: 'warning', value: 3, limit: 0 },
    ]);
    expect(alarms.map((alarm) => alarmLine(alarm, translator('en')).text)).toEqual([
      'director01 has locked 1 login after too many wrong passwords (see Lockouts)',
      'directory01 has locked 2 logins after too many wrong passwords (see Lockouts)',
      'store03 has locked 3 logins after too many wrong passwords (see Lockouts)',
    ]);
    expect(alarmLine(alarms[2] as FleetAlarm, translator('ja')).text).toBe(
      'store03 でパスワードの誤りが続いたため 3 件のログインを停止しています（「ログイン制限」で確認できます）',
    );
  });

  it('sorts critical first, then by node name (store2 before store10), then by kind', () => {
    const alarms = fleetAlarms(
      snapshot(
        node('store10', { counters: { failed_logins_last_minute: 60 } }),
        node('store2', { disk: 0.95, counters: { failed_logins_last_minute: 60 } }),
        node('director01', {
          role: 'director',
          counters: { queue_recipients_deferred: 900, queue_messages: 5000 },
        }),
        node('store10b', { state: 'down', since: downSince }),
        node('store03', { state: 'stale', since: downSince }),
      ),
    );
    expect(kinds(alarms)).toEqual([
      'store2:disk-full',
      'store03:data-stale',
      'store10b:node-down',
      'director01:queue-messages',
      'director01:queue-deferred',
      'store2:failed-logins',
      'store10:failed-logins',
    ]);
  });
});

describe('alarm words', () => {
  const alarms = fleetAlarms(
    snapshot(
      node('store05', { state: 'down', since: downSince }),
      node('store06', { state: 'stale', since: downSince }),
      node('store07', { disk: 0.93, counters: { failed_logins_last_minute: 45 } }),
      node('director01', {
        role: 'director',
        counters: { queue_messages: 1234, queue_recipients_deferred: 612 },
      }),
    ),
  );
  const texts = (locale: 'ja' | 'en') => alarms.map((alarm) => alarmLine(alarm, translator(locale)).text);

  it('says every alarm in Japanese', () => {
    expect(texts('ja')).toEqual([
      'store05 が応答していません（12:03:10 から）',
      'store06 は接続中ですが、12:03:10 から数値が届いていません',
      'store07 のディスク使用率が 93% です（90% を超えると警報）',
      'director01 のキューに 1,234 通のメールがたまっています（1,000 通を超えると警報）',
      'director01 で再送を待つ宛先が 612 件あります（500 件を超えると警報）',
      'store07 でログイン失敗が1分あたり 45 回あります（30 回を超えると警報）',
    ]);
  });

  it('says every alarm in English', () => {
    expect(texts('en')).toEqual([
      'store05 is not answering (since 12:03:10)',
      'store06 answers, but its figures stopped at 12:03:10',
      'The disk of store07 is 93% full (alarm above 90%)',
      'director01 has 1,234 messages in its queue (alarm above 1,000)',
      'director01 has 612 recipients waiting for a retry (alarm above 500)',
      'store07 sees 45 failed logins per minute (alarm above 30)',
    ]);
  });

  it('splits the sentence around the node name, so the name can be a link, and names the severity', () => {
    const ja = alarmLine(alarms[0] as FleetAlarm, translator('ja'));
    expect(ja).toMatchObject({ node: 'store05', before: '', after: ' が応答していません（12:03:10 から）' });
    expect(ja.severityText).toBe('重大');
    const en = alarmLine(alarms[2] as FleetAlarm, translator('en'));
    expect(en).toMatchObject({ before: 'The disk of ', after: ' is 93% full (alarm above 90%)' });
    expect(en.severityText).toBe('Critical');
    expect(alarmLine(alarms[3] as FleetAlarm, translator('en')).severityText).toBe('Warning');
    expect(alarmLine(alarms[3] as FleetAlarm, translator('ja')).severityText).toBe('注意');
  });

  it('has an empty state in both languages', () => {
    expect(translator('en').t('alarms.empty')).toBe('No alarms');
    expect(translator('ja').t('alarms.empty')).toBe('警報はありません');
  });
});
