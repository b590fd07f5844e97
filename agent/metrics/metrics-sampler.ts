/**
 * The agent's 1 Hz sampler. One per agent, whatever the number of subscribers: every
 * `metrics.subscribe` stream, `node.metrics` and `/metrics` share the same samples, so a console
 * watching a node costs the node nothing extra.
 */
import { cpus, loadavg } from 'node:os';
import type { Clock } from '../common/clock.js';
import type { NodeMetrics } from '../common/contract/node-metrics.js';
import type { NodeRole } from '../common/directory/fleet-entries.js';
import type { ServiceRegistry } from '../services/service-registry.js';
import type { CounterRegistry } from './counter-registry.js';
import {
  type CpuTimes,
  type NetworkCounters,
  readCpuTimes,
  readDisk,
  readMemory,
  readNetworkCounters,
} from './machine-readings.js';
import type { SampleSections } from './sample-sections.js';

/** What the sampler reads from. */
export interface MetricsSamplerOptions {
  node: string;
  role: NodeRole;
  dataDir: string;
  services: ServiceRegistry;
  counters: CounterRegistry;
  /** Sections beyond counters (e.g. `store`); none when absent. */
  sections?: SampleSections;
  clock: Clock;
  /** Default 1000 ms. */
  intervalMs?: number;
  /** Told when taking a sample fails (the sampler keeps going). */
  onError?: (error: unknown) => void;
}

type SampleListener = (sample: NodeMetrics) => void;

interface Previous {
  at: number;
  cpu?: CpuTimes;
  network?: NetworkCounters;
  agentCpuMicros: number;
}

/** Takes a sample every interval and hands it to every listener. */
export class MetricsSampler {
  private timer: NodeJS.Timeout | undefined;
  private latestSample: NodeMetrics | undefined;
  private previous: Previous | undefined;
  private seq = 0;
  private startedAt = 0;
  private inFlight: Promise<NodeMetrics | undefined> | undefined;
  private readonly listeners = new Set<SampleListener>();

  constructor(private readonly options: MetricsSamplerOptions) {}

  /** Takes a first sample (so `node.metrics` always has one), then one per interval. */
  async start(): Promise<void> {
    this.startedAt = this.options.clock.now();
    await this.sampleNow();
    this.timer = setInterval(() => this.tick(), this.options.intervalMs ?? 1000);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The newest sample, if one has been taken. */
  latest(): NodeMetrics | undefined {
    return this.latestSample;
  }

  /** Listens to every new sample; returns the function that stops listening. */
  onSample(listener: SampleListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Takes one sample now (after any sample in progress) and hands it out. */
  async sampleNow(): Promise<NodeMetrics | undefined> {
    while (this.inFlight) await this.inFlight;
    const run = this.sampleOnce();
    this.inFlight = run;
    try {
      return await run;
    } finally {
      this.inFlight = undefined;
    }
  }

  private tick(): void {
    // A slow disk must not pile up overlapping samples: skip this tick instead.
    if (!this.inFlight) void this.sampleNow();
  }

  private async sampleOnce(): Promise<NodeMetrics | undefined> {
    try {
      const sample = await this.take();
      this.latestSample = sample;
      for (const listener of this.listeners) {
        try {
          listener(sample);
        } catch (error) {
          this.options.onError?.(error);
        }
      }
      return sample;
    } catch (error) {
      this.options.onError?.(error);
      return this.latestSample;
    }
  }

  private async take(): Promise<NodeMetrics> {
    const { clock, dataDir } = this.options;
    const [cpu, memory, network, disk] = await Promise.all([
      readCpuTimes(),
      readMemory(),
      readNetworkCounters(),
      readDisk(dataDir),
    ]);
    const at = clock.now();
    const usage = process.cpuUsage();
    const agentCpuMicros = usage.user + usage.system;
    const previous = this.previous;
    this.previous = { at, cpu, network, agentCpuMicros };
    const seconds = previous ? Math.max((at - previous.at) / 1000, 0.001) : 0;
    const rate = (now?: number, before?: number): number =>
      previous && now !== undefined && before !== undefined ? Math.max(0, (now - before) / seconds) : 0;
    const cpuPercent =
      previous?.cpu && cpu && cpu.total > previous.cpu.total
        ? (100 * (cpu.busy - previous.cpu.busy)) / (cpu.total - previous.cpu.total)
        : 0;
    const agentPercent = previous ? (rate(agentCpuMicros, previous.agentCpuMicros) / 1e6) * 100 : 0;
    const [load1 = 0, load5 = 0, load15 = 0] = loadavg();
    return {
      node: this.options.node,
      role: this.options.role,
      at,
      seq: this.seq++,
      uptimeSec: Math.max(0, (at - this.startedAt) / 1000),
      cpu: {
        percent: round(cpuPercent),
        agentPercent: round(agentPercent),
        cores: Math.max(1, cpus().length),
      },
      load: [load1, load5, load15],
      memory: {
        totalBytes: memory?.totalBytes ?? 0,
        usedBytes: memory?.usedBytes ?? 0,
        agentRssBytes: process.memoryUsage.rss(),
      },
      disk: {
        path: dataDir,
        totalBytes: disk?.totalBytes ?? 0,
        usedBytes: disk?.usedBytes ?? 0,
        availableBytes: disk?.availableBytes ?? 0,
      },
      network: {
        rxBytesPerSec: round(rate(network?.rxBytes, previous?.network?.rxBytes)),
        txBytesPerSec: round(rate(network?.txBytes, previous?.network?.txBytes)),
      },
      services: this.options.services.list(),
      counters: this.options.counters.readAll(),
      ...this.options.sections?.readAll(),
    };
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
