/** The read-only Prometheus endpoint of a real agent, scraped over HTTP. */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { Agent } from '../../../agent/daemon/agent.js';
import { parseAgentConfig } from '../../../agent/daemon/agent-config.js';
import { productionDependencies } from '../../../agent/daemon/production-dependencies.js';
import { AgentTestDirectory } from '../../support/agent-test-directory.js';
import { parsePrometheusText } from '../../support/prometheus-text-format.js';

let directory: AgentTestDirectory;
let agent: Agent;
let base: string;

beforeAll(async () => {
  directory = await AgentTestDirectory.start({
    servers: [{ name: 'gateway01', role: 'gateway' }],
    admins: [],
  });
  agent = new Agent(
    parseAgentConfig(await directory.agentConfig('gateway01')),
    productionDependencies({ logSink: () => {} }),
  );
  agent.counters.register({
    name: 'greylist_entries',
    kind: 'gauge',
    help: 'Triplets on the greylist.',
    read: () => 12,
  });
  await agent.start();
  base = `http://127.0.0.1:${agent.endpoints().metricsPort}`;
});
afterAll(async () => {
  await agent?.stop();
  await directory?.stop();
});

test('GET /metrics serves the node figures in the Prometheus text format', async () => {
  const response = await fetch(`${base}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const exposition = parsePrometheusText(await response.text());
  const names = new Set(exposition.samples.map((sample) => sample.name));
  for (const name of [
    'mailfleet_cpu_busy_percent',
    'mailfleet_load_average',
    'mailfleet_memory_used_bytes',
    'mailfleet_disk_total_bytes',
    'mailfleet_network_receive_bytes_per_second',
    'mailfleet_agent_rss_bytes',
    'mailfleet_service_state',
    'mailfleet_greylist_entries',
  ]) {
    expect(names).toContain(name);
  }
  for (const sample of exposition.samples)
    expect(sample.labels).toMatchObject({ node: 'gateway01', role: 'gateway' });
  expect(
    exposition.samples.find(
      (s) =>
        s.name === 'mailfleet_service_state' &&
        s.labels.service === 'control' &&
        s.labels.state === 'running',
    )?.value,
  ).toBe(1);
  expect(exposition.samples.find((s) => s.name === 'mailfleet_greylist_entries')?.value).toBe(12);
});

test('other paths are 404 and other methods 405', async () => {
  expect((await fetch(`${base}/`)).status).toBe(404);
  expect((await fetch(`${base}/metrics/../admin`)).status).toBe(404);
  const post = await fetch(`${base}/metrics`, { method: 'POST', body: 'x' });
  expect(post.status).toBe(405);
  expect(post.headers.get('allow')).toBe('GET, HEAD');
  expect((await fetch(`${base}/metrics`, { method: 'HEAD' })).status).toBe(200);
});
