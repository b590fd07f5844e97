/**
 * The Queues view's own logic: the filter as the agent's queue filter, qshape rows by destination
 * and by last reply, the places the address fragment names, and the node history window's bound.
 */
import { describe, expect, it } from 'vitest';
import { translator } from '../../renderer/src/i18n/translate';
import { nodeHistoryPoints } from '../../renderer/src/store/nodes/node-history-slice';
import { createNodeStore } from '../../renderer/src/store/nodes/node-store';
import {
  agentFilterOf,
  emptyQueueFilter,
  filterNamesMessages,
  type QueueEntry,
} from '../../renderer/src/store/queues/queue-filter';
import { ageBucketOf, queueShape } from '../../renderer/src/store/queues/queue-shape';
import { hashOfPlace, placeOfHash } from '../../renderer/src/store/ui/view-slice';
import { filterWords } from '../../renderer/src/views/queues/filter-words';
import { nodeMetricsSample } from '../support/node-metrics-sample';

const now = Date.parse('2026-12-01T12:00:00Z');
const recipient = (address: string, extra: Partial<QueueEntry['recipients'][number]> = {}) => ({
  address,
  original: address,
  state: 'deferred' as const,
  attempts: 1,
  nextAttemptAt: 0,
  held: false,
  ...extra,
});

describe('queue filter', () => {
  it('sends only what the user chose, trimmed, held as a flag and age in seconds', () => {
    expect(agentFilterOf(emptyQueueFilter)).toEqual({});
    expect(filterNamesMessages(emptyQueueFilter)).toBe(false);
    expect(
      agentFilterOf({
        sender: ' a@x ',
        recipient: '',
        domain: 'Example.AC.JP',
        state: 'held',
        age: 'over1h',
      }),
    ).toEqual({ sender: 'a@x', domain: 'example.ac.jp', held: true, olderThanSeconds: 3600 });
    expect(agentFilterOf({ ...emptyQueueFilter, state: 'deferred' })).toEqual({
      state: 'deferred',
      held: false,
    });
  });

  it('says a filter in words for the confirmation, in both languages', () => {
    const filter = agentFilterOf({ ...emptyQueueFilter, sender: 'a@x', age: 'over4h' });
    expect(filterWords(translator('en'), filter)).toBe('sender contains "a@x", older than 4 h');
    expect(filterWords(translator('ja'), filter)).toBe('差出人に「a@x」を含む、4時間以上経過');
    expect(filterWords(translator('en'), {})).toBe('every message in the queue');
  });
});

describe('queue shape', () => {
  const entries: QueueEntry[] = [
    {
      id: 'a',
      sender: 's@x',
      receivedAt: now - 60_000,
      sizeBytes: 10,
      recipients: [
        recipient('u1@busy.example', { destination: 'smtp:busy.example', lastReason: '450 4.2.1 busy' }),
        recipient('u2@busy.example', {
          destination: 'smtp:busy.example',
          lastReason: '450 4.2.1 busy',
          held: true,
        }),
        recipient('done@x', { state: 'delivered' }),
      ],
    },
    {
      id: 'b',
      sender: 's@x',
      receivedAt: now - 2 * 86_400_000,
      sizeBytes: 10,
      recipients: [recipient('v@lab.example', { state: 'pending', attempts: 0 })],
    },
  ];

  it('counts unfinished recipients per destination in age columns, largest first', () => {
    const rows = queueShape(entries, 'destination', now);
    expect(rows.map((r) => [r.key, r.total, r.held])).toEqual([
      ['smtp:busy.example', 2, 1],
      ['lab.example', 1, 0],
    ]);
    expect(rows[0]?.ages['<5m']).toBe(2);
    expect(rows[1]?.ages['>=1d']).toBe(1);
  });

  it('groups by the last reply, with never-tried mail apart', () => {
    expect(queueShape(entries, 'reason', now).map((r) => [r.key, r.total])).toEqual([
      ['450 4.2.1 busy', 2],
      ['', 1],
    ]);
    expect([0, 5 * 60_000, 3_600_000, 4 * 3_600_000, 86_400_000].map(ageBucketOf)).toEqual([
      '<5m',
      '<1h',
      '<4h',
      '<1d',
      '>=1d',
    ]);
  });
});

describe('places', () => {
  it('round-trips views and nodes through the address fragment, and ignores the skip link', () => {
    expect(placeOfHash(hashOfPlace({ view: 'nodes', node: 'store07' }))).toEqual({
      view: 'nodes',
      node: 'store07',
    });
    expect(placeOfHash('#/queues')).toEqual({ view: 'queues' });
    expect(placeOfHash('')).toEqual({ view: 'dashboard' });
    expect(placeOfHash('#/nonsense')).toEqual({ view: 'dashboard' });
    expect(placeOfHash('#main')).toBeUndefined();
  });
});

describe('node history', () => {
  it('keeps only the watched node, one point per new sample, bounded', () => {
    const store = createNodeStore();
    store.getState().watchNode('store01');
    const view = (name: string, at: number) => ({
      name,
      role: 'store' as const,
      directoryState: 'active' as const,
      address: '127.0.0.1',
      controlPort: 1,
      state: 'up' as const,
      since: 0,
      sample: nodeMetricsSample({ node: name, at }),
    });
    store.getState().recordNode(view('store02', 1));
    store.getState().recordNode(view('store01', 1));
    store.getState().recordNode(view('store01', 1));
    expect(store.getState().points).toHaveLength(1);
    for (let at = 2; at < nodeHistoryPoints + 50; at++) store.getState().recordNode(view('store01', at));
    expect(store.getState().points).toHaveLength(nodeHistoryPoints);
    store.getState().watchNode('store02');
    expect(store.getState().points).toHaveLength(0);
  });
});
