import { describe, expect, test } from 'vitest';
import type { NodeMetrics } from '../../../agent/common/contract/node-metrics.js';
import { renderPrometheusText } from '../../../agent/metrics/prometheus-text.js';
import { parsePrometheusText } from '../../support/prometheus-text-format.js';

const sample: NodeMetrics = {
  node: 'store05',
  role: 'store',
  at: 1_700_000_000_000,
  seq: 7,
  uptimeSec: 12.5,
  cpu: { percent: 3.5, agentPercent: 1.25, cores: 2 },
  load: [0.5, 0.25, 0.1],
  memory: { totalBytes: 4e9, usedBytes: 1e9, agentRssBytes: 5e7 },
  disk: { path: '/var/lib/"mail"\\x', totalBytes: 1e11, usedBytes: 2e10, availableBytes: 7.5e10 },
  network: { rxBytesPerSec: 100, txBytesPerSec: 200 },
  services: [{ name: 'control', state: 'running', since: 1, restarts: 2 }],
  counters: { queue_depth: 42 },
};

describe('renderPrometheusText', () => {
  test('every line follows the exposition format, labelled with node and role', () => {
    const text = renderPrometheusText(sample, [
      { name: 'queue_depth', kind: 'gauge', help: 'Messages queued.' },
    ]);
    const parsed = parsePrometheusText(text);
    for (const s of parsed.samples) expect(s.labels).toMatchObject({ node: 'store05', role: 'store' });
    const value = (name: string, labels: Record<string, string> = {}) =>
      parsed.samples.find(
        (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
      )?.value;
    expect(value('mailfleet_cpu_busy_percent')).toBe(3.5);
    expect(value('mailfleet_load_average', { window: '5m' })).toBe(0.25);
    expect(value('mailfleet_disk_used_bytes', { path: '/var/lib/"mail"\\x' })).toBe(2e10);
    expect(value('mailfleet_disk_available_bytes', { path: '/var/lib/"mail"\\x' })).toBe(7.5e10);
    expect(value('mailfleet_service_state', { service: 'control', state: 'running' })).toBe(1);
    expect(value('mailfleet_service_state', { service: 'control', state: 'failed' })).toBe(0);
    expect(value('mailfleet_service_restarts_total', { service: 'control' })).toBe(2);
    expect(parsed.types.get('mailfleet_service_restarts_total')).toBe('counter');
    expect(value('mailfleet_queue_depth')).toBe(42);
    expect(parsed.help.get('mailfleet_queue_depth')).toBe('Messages queued.');
  });
});
