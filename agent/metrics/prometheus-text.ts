/**
 * Renders a metrics sample in the Prometheus text exposition format (version 0.0.4): the same
 * figures as `metrics.sample`, every series labelled with the node and its role.
 */
import type { NodeMetrics } from '../common/contract/node-metrics.js';
import { serviceStates } from '../common/contract/node-metrics.js';
import type { CounterKind } from './counter-registry.js';

/** Help text and kind of a role counter, as registered. */
export interface CounterDescription {
  name: string;
  kind: CounterKind;
  help: string;
}

type Labels = Record<string, string>;

interface Family {
  name: string;
  kind: 'gauge' | 'counter';
  help: string;
  series: Array<{ labels?: Labels; value: number }>;
}

/** The `/metrics` body for one sample. */
export function renderPrometheusText(sample: NodeMetrics, counters: CounterDescription[] = []): string {
  const base: Labels = { node: sample.node, role: sample.role };
  const g = (name: string, help: string, value: number, kind: 'gauge' | 'counter' = 'gauge'): Family => ({
    name,
    kind,
    help,
    series: [{ value }],
  });
  const families: Family[] = [
    g('mailfleet_uptime_seconds', 'Seconds since the agent started.', sample.uptimeSec),
    g(
      'mailfleet_cpu_busy_percent',
      'Whole-machine CPU busy share over the last second, 0..100.',
      sample.cpu.percent,
    ),
    g(
      'mailfleet_agent_cpu_percent',
      'Agent process CPU share over the last second, of one core.',
      sample.cpu.agentPercent,
    ),
    g('mailfleet_cpu_cores', 'Number of CPU cores.', sample.cpu.cores),
    {
      name: 'mailfleet_load_average',
      kind: 'gauge',
      help: 'System load average.',
      series: (['1m', '5m', '15m'] as const).map((window, i) => ({
        labels: { window },
        value: sample.load[i] ?? 0,
      })),
    },
    g('mailfleet_memory_total_bytes', 'Machine memory.', sample.memory.totalBytes),
    g(
      'mailfleet_memory_used_bytes',
      'Machine memory in use (total minus available).',
      sample.memory.usedBytes,
    ),
    g('mailfleet_agent_rss_bytes', 'Resident memory of the agent process.', sample.memory.agentRssBytes),
    {
      name: 'mailfleet_disk_total_bytes',
      kind: 'gauge',
      help: 'Size of the file system holding the data directory.',
      series: [{ labels: { path: sample.disk.path }, value: sample.disk.totalBytes }],
    },
    {
      name: 'mailfleet_disk_used_bytes',
      kind: 'gauge',
      help: 'Space used on the file system holding the data directory.',
      series: [{ labels: { path: sample.disk.path }, value: sample.disk.usedBytes }],
    },
    {
      name: 'mailfleet_disk_available_bytes',
      kind: 'gauge',
      help: 'Space unprivileged writers can still use on that file system (statfs bavail, as df).',
      series:
        sample.disk.availableBytes === undefined
          ? []
          : [{ labels: { path: sample.disk.path }, value: sample.disk.availableBytes }],
    },
    g(
      'mailfleet_network_receive_bytes_per_second',
      'Bytes received per second, all interfaces but loopback.',
      sample.network.rxBytesPerSec,
    ),
    g(
      'mailfleet_network_transmit_bytes_per_second',
      'Bytes sent per second, all interfaces but loopback.',
      sample.network.txBytesPerSec,
    ),
    {
      name: 'mailfleet_service_state',
      kind: 'gauge',
      help: 'Service state: 1 for the current state, 0 for the others.',
      series: sample.services.flatMap((service) =>
        serviceStates.map((state) => ({
          labels: { service: service.name, state },
          value: service.state === state ? 1 : 0,
        })),
      ),
    },
    {
      name: 'mailfleet_service_restarts_total',
      kind: 'counter',
      help: 'Restarts of a service since the agent started.',
      series: sample.services.map((service) => ({
        labels: { service: service.name },
        value: service.restarts,
      })),
    },
  ];
  const described = new Map(counters.map((c) => [c.name, c]));
  for (const [name, value] of Object.entries(sample.counters)) {
    const description = described.get(name);
    families.push(
      g(
        `mailfleet_${name}`,
        description?.help ?? `Role counter ${name}.`,
        value,
        description?.kind ?? 'gauge',
      ),
    );
  }
  return families.map((family) => renderFamily(family, base)).join('');
}

function renderFamily(family: Family, base: Labels): string {
  let text = `# HELP ${family.name} ${escapeHelp(family.help)}\n# TYPE ${family.name} ${family.kind}\n`;
  for (const { labels, value } of family.series) {
    text += `${family.name}{${renderLabels({ ...base, ...labels })}} ${formatValue(value)}\n`;
  }
  return text;
}

function renderLabels(labels: Labels): string {
  return Object.entries(labels)
    .map(
      ([name, value]) =>
        `${name}="${value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`,
    )
    .join(',');
}

function escapeHelp(help: string): string {
  return help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}
