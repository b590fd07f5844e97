/**
 * When the fleet client publishes, on a driven clock: a burst of samples becomes one push soon after
 * the first, carrying only the nodes that changed; with nothing new a push still comes a second
 * after the previous one; a node whose figures stop is pushed as stale and then once a second with
 * its age; a node gone from the directory is named as removed. The links run through their
 * connector seam (scripted connections, as in node-link.test.ts); the SSH path is
 * fleet-client.test.ts's.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { NodeMetrics } from '../../../agent/common/contract/node-metrics.js';
import type { FleetDirectory } from '../../../agent/common/directory/fleet-directory.js';
import type { ServerEntry } from '../../../agent/common/directory/fleet-entries.js';
import { FleetClient } from '../../../main/core/fleet-client.js';
import type { FleetChanges } from '../../../main/core/fleet-snapshot.js';
import type { AgentConnection } from '../../../main/core/node-link.js';
import { nodeMetricsSample } from '../../support/node-metrics-sample.js';
import { storeServerEntry } from '../../support/server-entry.js';

const server = storeServerEntry;

let servers: ServerEntry[];
let pushes: FleetChanges[];
let client: FleetClient;
/** Delivers a sample on a node's open connection. */
const sendSample = new Map<string, (sample: NodeMetrics) => void>();
const seq = new Map<string, number>();

function sampleOf(node: string): NodeMetrics {
  const next = (seq.get(node) ?? 0) + 1;
  seq.set(node, next);
  return nodeMetricsSample({ node, at: Date.now(), seq: next });
}

function connector(target: ServerEntry): Promise<AgentConnection> {
  const connection: AgentConnection = {
    call: (async (method: string) => {
      if (method === 'node.info') return { role: 'store' };
      if (method === 'node.metrics') return sampleOf(target.name);
      return {};
    }) as AgentConnection['call'],
    onSample: (handler) => sendSample.set(target.name, handler),
    closed: new Promise(() => {}),
    close: () => {},
  };
  return Promise.resolve(connection);
}

const names = (changes: FleetChanges | undefined) => changes?.nodes.map((n) => n.name);

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  servers = ['store01', 'store02', 'store03'].map((name) => server(name));
  pushes = [];
  seq.clear();
  sendSample.clear();
  client = new FleetClient({
    directory: { listServers: async () => servers } as unknown as FleetDirectory,
    connector,
    subscribe: true,
    directoryRefreshMs: 10_000,
    snapshotIntervalMs: 1000,
    pushDelayMs: 150,
  });
  client.events.on('changes', pushes, (changes) => pushes.push(changes));
  await client.start();
  // Connecting is a few promise turns; the first push comes 150 ms after the first change.
  await vi.advanceTimersByTimeAsync(200);
});

afterEach(() => {
  client.stop();
  vi.useRealTimers();
});

describe('FleetClient pushes', () => {
  it('sends every node first, then one push per burst of samples with only the nodes that changed', async () => {
    expect(pushes).toHaveLength(1);
    expect(pushes[0]!.full).toBe(true);
    expect(names(pushes[0])).toEqual(['store01', 'store02', 'store03']);
    expect(pushes[0]!.nodes.every((n) => n.observed === 'up')).toBe(true);

    sendSample.get('store02')!(sampleOf('store02'));
    await vi.advanceTimersByTimeAsync(40);
    sendSample.get('store03')!(sampleOf('store03'));
    await vi.advanceTimersByTimeAsync(100);
    expect(pushes).toHaveLength(1); // still gathering: 140 ms after the first change
    await vi.advanceTimersByTimeAsync(10);
    expect(pushes).toHaveLength(2);
    expect(pushes[1]!.full).toBe(false);
    expect(names(pushes[1])).toEqual(['store02', 'store03']);
    expect(pushes[1]!.nodes[0]!.metrics?.seq).toBe(seq.get('store02'));
  });

  it('pushes a second after the previous push when nothing changed, with no node in it', async () => {
    const before = pushes.length;
    await vi.advanceTimersByTimeAsync(2000);
    expect(pushes).toHaveLength(before + 2);
    for (const push of pushes.slice(before)) expect(push.nodes).toEqual([]);
    expect(pushes[before]!.at - pushes[before - 1]!.at).toBe(1000);
    expect(pushes[before + 1]!.at - pushes[before]!.at).toBe(1000);
  });

  it('pushes a node whose figures stopped as not answering, then its age once a second', async () => {
    // store01 and store02 keep sending every second; store03 goes silent.
    const tick = async (ms: number) => {
      for (let t = 0; t < ms; t += 1000) {
        sendSample.get('store01')!(sampleOf('store01'));
        sendSample.get('store02')!(sampleOf('store02'));
        await vi.advanceTimersByTimeAsync(1000);
      }
    };
    await tick(3000);
    expect(pushes.slice(1).every((p) => !names(p)!.includes('store03'))).toBe(true);
    await tick(2000);
    const stale = pushes.slice(1).find((p) => p.nodes.some((n) => n.name === 'store03'));
    const store03 = stale?.nodes.find((n) => n.name === 'store03');
    expect(store03?.observed).toBe('down');
    expect(store03?.problem?.kind).toBe('stale');
    // Once down, its age moves on screen: pushed again each second with a larger age.
    const after = pushes.length;
    await tick(2000);
    const ages = pushes
      .slice(after)
      .flatMap((p) => p.nodes.filter((n) => n.name === 'store03').map((n) => n.staleMs ?? 0));
    expect(ages.length).toBeGreaterThanOrEqual(2);
    expect(ages[1]!).toBeGreaterThan(ages[0]!);
  });

  it('names a node gone from the directory as removed', async () => {
    servers = servers.filter((s) => s.name !== 'store02');
    await vi.advanceTimersByTimeAsync(10_000);
    const removal = pushes.find((p) => p.removed.length > 0);
    expect(removal?.removed).toEqual(['store02']);
    expect(client.snapshot().nodes.map((n) => n.name)).toEqual(['store01', 'store03']);
  });
});
