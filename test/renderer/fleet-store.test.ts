/**
 * The fleet store and the dashboard's figures: snapshots in, totals and per-node figures from the
 * counters the agents stream, missing counters shown as missing (not zero), the chart's history
 * bounded, and roles in the order mail flows.
 */
import { describe, expect, it } from 'vitest';
import type { NodeMetrics } from '../../agent/common/contract/node-metrics';
import type { ConsoleApi } from '../../main/console/console-contract';
import type {
  ConsoleFleetPush,
  ConsoleFleetSnapshot,
  ConsoleNodeView,
} from '../../main/console/console-fleet-snapshot';
import { translator } from '../../renderer/src/i18n/translate';
import { startFleetFeed } from '../../renderer/src/services/fleet-service';
import { fleetTotals, nodeFigures } from '../../renderer/src/store/fleet/fleet-figures';
import { nodesByRole } from '../../renderer/src/store/fleet/fleet-selectors';
import { createFleetStore } from '../../renderer/src/store/fleet/fleet-store';
import { historyPoints } from '../../renderer/src/store/fleet/history-slice';
import { chunkSummary } from '../../renderer/src/views/dashboard/tile-chunk';
import { TileFaceCache, tileFace } from '../../renderer/src/views/dashboard/tile-face';
import { consoleNodeView } from '../support/console-node-view';
import { nodeMetricsSample } from '../support/node-metrics-sample';

function sample(node: string, counters: Record<string, number>): NodeMetrics {
  return nodeMetricsSample({
    node,
    memory: { totalBytes: 100, usedBytes: 40, agentRssBytes: 1 },
    disk: { path: '/', totalBytes: 200, usedBytes: 190 },
    services: [
      { name: 'lmtp', state: 'running', since: 1, restarts: 0 },
      { name: 'imap', state: 'failed', since: 1, restarts: 2 },
    ],
    counters,
  });
}

function node(
  name: string,
  role: ConsoleNodeView['role'],
  state: ConsoleNodeView['state'],
  counters?: Record<string, number>,
): ConsoleNodeView {
  const view = consoleNodeView(name, role, state);
  if (counters) view.sample = sample(name, counters);
  return view;
}

const snapshot = (at: number, nodes: ConsoleNodeView[]): ConsoleFleetSnapshot => ({
  at,
  directory: { reachable: true },
  nodes,
});

describe('fleet figures', () => {
  it("reads a store's figures from its counters and its disk", () => {
    const figures = nodeFigures(
      node('store01', 'store', 'up', {
        mailbox_count: 1150,
        imap_sessions: 40,
        pop3_sessions: 2,
        deliveries_last_minute: 30,
      }),
    );
    expect(figures).toMatchObject({
      mailboxes: 1150,
      sessions: 42,
      deliveriesPerMin: 30,
      servicesRunning: 1,
      servicesTotal: 2,
    });
    expect(figures.diskShare).toBeCloseTo(0.95);
    expect(figures.queueDepth).toBeUndefined();
  });

  it("gives a disk's share as df does: the blocks kept for root are not space for mail", () => {
    const withDisk = (disk: NodeMetrics['disk']) => {
      const store = node('store01', 'store', 'up', {});
      store.sample = { ...store.sample!, disk };
      return nodeFigures(store).diskShare;
    };
    // 200 GB, 150 used, 30 left to the agent (20 kept for root): df says 150 / 180.
    expect(withDisk({ path: '/', totalBytes: 200, usedBytes: 150, availableBytes: 30 })).toBeCloseTo(
      150 / 180,
    );
    // An older agent sends no available figure: used / size.
    expect(withDisk({ path: '/', totalBytes: 200, usedBytes: 150 })).toBeCloseTo(0.75);
  });

  it('totals only nodes that answer, and leaves a figure no node publishes undefined', () => {
    const totals = fleetTotals(
      snapshot(1, [
        node('store01', 'store', 'up', { mailbox_count: 100, deliveries_last_minute: 60 }),
        node('store02', 'store', 'down', { mailbox_count: 999, deliveries_last_minute: 540 }),
        node('director01', 'director', 'up', {}),
      ]),
    );
    expect(totals).toMatchObject({ total: 3, up: 2, notAnswering: 1, mailboxes: 100, deliveriesPerMin: 60 });
    expect(totals.sessions).toBeUndefined();
  });

  it('groups nodes by role in the order mail flows', () => {
    const groups = nodesByRole([
      node('store01', 'store', 'up'),
      node('gateway01', 'gateway', 'up'),
      node('directory01', 'directory', 'up'),
      node('director01', 'director', 'up'),
    ]);
    expect(groups.map((g) => g.role)).toEqual(['gateway', 'director', 'store', 'directory']);
  });
});

describe('fleet store', () => {
  it('goes from loading to ready, and keeps figures on screen when a later call fails', () => {
    const store = createFleetStore();
    expect(store.getState().status).toBe('loading');
    store.getState().receiveSnapshot(snapshot(1, [node('store01', 'store', 'up')]));
    store.getState().failSnapshot('link lost');
    expect(store.getState()).toMatchObject({ status: 'ready', error: 'link lost' });
    const fresh = createFleetStore();
    fresh.getState().failSnapshot('no console');
    expect(fresh.getState().status).toBe('error');
  });

  it('merges partial pushes into the whole snapshot, keeping unchanged nodes as they were', () => {
    const store = createFleetStore();
    const up = (name: string, deliveries: number) =>
      node(name, 'store', 'up', { deliveries_last_minute: deliveries * 60 });
    // A partial push before any whole snapshot has nothing to merge into: dropped, still loading.
    expect(store.getState().receiveSnapshot({ ...snapshot(500, [up('store01', 9)]), partial: true })).toBe(
      false,
    );
    expect(store.getState().status).toBe('loading');
    store.getState().receiveSnapshot(snapshot(1000, [up('store01', 1), up('store02', 1), up('store10', 1)]));
    const whole = store.getState().snapshot!;
    const changed = up('store02', 5);
    store.getState().receiveSnapshot({ ...snapshot(1150, [changed, up('store03', 1)]), partial: true });
    const merged = store.getState().snapshot!;
    expect(merged.at).toBe(1150);
    // A new node is put in name order (store03 before store10, as main sorts).
    expect(merged.nodes.map((n) => n.name)).toEqual(['store01', 'store02', 'store03', 'store10']);
    expect(merged.nodes[1]).toBe(changed);
    expect(merged.nodes[0]).toBe(whole.nodes[0]);
    // Nothing changed: a new time, the same nodes array (views keyed on it do nothing).
    store.getState().receiveSnapshot({ ...snapshot(2150, []), partial: true });
    expect(store.getState().snapshot!.at).toBe(2150);
    expect(store.getState().snapshot!.nodes).toBe(merged.nodes);
    // A node gone from the directory leaves; the directory's state comes with every push.
    store.getState().receiveSnapshot({
      at: 3150,
      directory: { reachable: false, error: 'ldap down' },
      nodes: [],
      partial: true,
      removed: ['store01'],
    });
    expect(store.getState().snapshot!.nodes.map((n) => n.name)).toEqual(['store02', 'store03', 'store10']);
    expect(store.getState().snapshot!.directory.reachable).toBe(false);
    // An answer to the first call that arrives after later pushes is older: it changes nothing.
    expect(store.getState().receiveSnapshot(snapshot(1000, [up('store01', 1)]))).toBe(false);
    expect(store.getState().snapshot!.at).toBe(3150);
    // A whole snapshot (a page that fell behind gets one) replaces everything.
    store.getState().receiveSnapshot(snapshot(4000, [up('store99', 2)]));
    expect(store.getState().snapshot!.nodes.map((n) => n.name)).toEqual(['store99']);
  });

  it('feeds the history one point a second however often pushes come', async () => {
    const store = createFleetStore();
    let push: (p: ConsoleFleetPush) => void = () => {};
    const api = {
      events: {
        onFleetSnapshot: (listener: typeof push) => {
          push = listener;
          return () => {};
        },
      },
      fleet: { snapshot: async () => snapshot(0, [node('store01', 'store', 'up')]) },
    } as unknown as ConsoleApi;
    startFleetFeed(api, store);
    await Promise.resolve();
    // Three seconds of pushes 150 ms apart: 20 pushes, the merged snapshot updated by each.
    for (let at = 150; at <= 3000; at += 150) push({ ...snapshot(at, []), partial: true });
    expect(store.getState().snapshot?.at).toBe(3000);
    expect(store.getState().history.map((p) => p.at)).toEqual([0, 1050, 2100]);
  });

  it('keeps a bounded history, one point per snapshot time', () => {
    const store = createFleetStore();
    for (let i = 1; i <= historyPoints + 50; i++) {
      store
        .getState()
        .recordPoint(
          snapshot(i * 1000, [node('store01', 'store', 'up', { deliveries_last_minute: i * 60 })]),
        );
    }
    store.getState().recordPoint(snapshot((historyPoints + 50) * 1000, []));
    const history = store.getState().history;
    expect(history).toHaveLength(historyPoints);
    expect(history[0]?.at).toBe(51_000);
    expect(history.at(-1)?.deliveriesPerMin).toBe((historyPoints + 50) * 60);
  });
});

describe('tile throughput', () => {
  const tr = translator('en');
  const row = (n: ConsoleNodeView, key: string) => tileFace(n, 1, tr).rows.find((r) => r.key === key)?.value;
  it("shows the director's recipients delivered in the agent's last minute, and the gateway's accepted ones", () => {
    const director = node('director01', 'director', 'up', {
      queue_messages: 3,
      queue_delivered_last_minute: 1234,
      queue_delivered_per_sec: 1,
    });
    expect(row(director, 'figure.relayed')).toBe('1,234');
    const gateway = node('gateway01', 'gateway', 'up', {
      gateway_clean_per_minute: 40,
      gateway_tagged_per_minute: 2,
      gateway_rejected_spam_per_minute: 5,
    });
    expect(row(gateway, 'figure.accepted')).toBe('42');
    expect(row(gateway, 'figure.spam')).toBe('7');
    // A node that does not publish the figure shows a dash, never 0.
    expect(row(node('director02', 'director', 'up', { queue_messages: 0 }), 'figure.relayed')).toBe('—');
  });
});

describe('store tile replication', () => {
  const stream = (state: 'protected' | 'catching-up' | 'unprotected') => ({
    store: 'store01',
    replicaNode: 'store02',
    state,
    lagChanges: 12,
    lagSeconds: 3.5,
    head: 40,
    acked: 28,
    since: 1,
  });
  const withReplication = (state: 'protected' | 'catching-up' | 'unprotected') => {
    const view = node('store01', 'store', 'up', { mailbox_count: 1 });
    view.sample = { ...view.sample!, replication: [stream(state)] };
    return view;
  };
  const line = (view: ConsoleNodeView, language: 'en' | 'ja') =>
    tileFace(view, 1, translator(language)).rows.find((r) => r.key === 'figure.replica');
  it('says in both languages whether the store is protected and where its replica is', () => {
    expect(line(withReplication('protected'), 'en')).toEqual({
      key: 'figure.replica',
      value: 'protected on store02',
      alarm: false,
    });
    expect(line(withReplication('catching-up'), 'en')?.value).toBe(
      'catching up on store02: 12 changes, 3.5 s behind',
    );
    expect(line(withReplication('unprotected'), 'en')).toMatchObject({ alarm: true });
    expect(line(withReplication('unprotected'), 'ja')?.value).toBe(
      '保護されていません（store02 が同期していません）',
    );
    // A store without a replica placed shows no such line.
    expect(line(node('store02', 'store', 'up', { mailbox_count: 1 }), 'en')).toBeUndefined();
  });
});

describe('node tile re-rendering', () => {
  const tr = translator('en');
  const face = (n: ConsoleNodeView, now = 1) => tileFace(n, now, tr).key;
  const up = node('store01', 'store', 'up', { mailbox_count: 1, deliveries_last_minute: 60 });
  it('skips a tile whose figures read the same, even on a new sample', () => {
    expect(face({ ...up, ageMs: 800 })).toBe(face(up));
    expect(face({ ...up, sample: { ...up.sample!, seq: 2 } })).toBe(face(up));
  });
  it('redraws when a figure, the state, or a second of age when not up changes', () => {
    const busier = {
      ...up,
      sample: { ...up.sample!, seq: 2, counters: { mailbox_count: 1, deliveries_last_minute: 120 } },
    };
    expect(face(busier)).not.toBe(face(up));
    expect(tileFace(busier, 1, tr).rows.find((r) => r.key === 'figure.deliveries')?.value).toBe('120');
    const down = { ...up, state: 'down' as const, ageMs: 1000 };
    expect(face(down)).not.toBe(face(up));
    expect(face({ ...down, ageMs: 1200 })).toBe(face(down));
    expect(face({ ...down, ageMs: 2000 })).not.toBe(face(down));
  });
  it('computes a face once per node view: an unchanged node of a partial push costs a look-up', () => {
    const cache = new TileFaceCache();
    const first = cache.faceOf(up, 1, tr);
    expect(cache.faceOf(up, 2, tr)).toBe(first);
    const busier = { ...up, sample: { ...up.sample!, seq: 3, counters: { deliveries_last_minute: 540 } } };
    expect(cache.faceOf(busier, 2, tr).key).not.toBe(first.key);
    // Another language: every face anew, in that language.
    expect(cache.faceOf(up, 2, translator('ja')).key).toBe(tileFace(up, 2, translator('ja')).key);
  });
  it('says of a block of tiles far from the window which of its nodes do not answer', () => {
    const block = [
      node('store061', 'store', 'up'),
      node('store062', 'store', 'down'),
      node('store063', 'store', 'stale'),
      node('store064', 'store', 'up'),
    ];
    expect(chunkSummary(block)).toEqual({
      first: 'store061',
      last: 'store064',
      total: 4,
      up: 2,
      notAnswering: ['store062', 'store063'],
    });
    expect(chunkSummary(block.filter((n) => n.state === 'up')).notAnswering).toEqual([]);
  });
  it('redraws when the language changes', () => {
    expect(tileFace(up, 1, translator('ja')).key).not.toBe(face(up));
  });
});
