/** A valid metrics sample for tests that need one, with the fields a test cares about overridden. */
import type { NodeMetrics } from '../../agent/common/contract/node-metrics.js';

/** A quiet store's sample: nothing busy, one core, tiny disk; pass what the test is about. */
export function nodeMetricsSample(overrides: Partial<NodeMetrics> = {}): NodeMetrics {
  return {
    node: 'store01',
    role: 'store',
    at: 1,
    seq: 0,
    uptimeSec: 0,
    cpu: { percent: 0, agentPercent: 0, cores: 1 },
    load: [0, 0, 0],
    memory: { totalBytes: 1, usedBytes: 0, agentRssBytes: 1 },
    disk: { path: '/', totalBytes: 1, usedBytes: 0 },
    network: { rxBytesPerSec: 0, txBytesPerSec: 0 },
    services: [],
    counters: {},
    ...overrides,
  };
}
