/**
 * Starts the agent's one metrics sampler and, when configured, the read-only Prometheus endpoint
 * as the `metrics-http` service.
 */
import { MetricsHttpServer } from '../../metrics/metrics-http-server.js';
import { MetricsSampler } from '../../metrics/metrics-sampler.js';
import type { AgentModule } from '../agent-module.js';
import type { AgentRuntime } from '../agent-runtime.js';

/** Lifecycle module: the sampler and the `metrics-http` service. */
export class MetricsModule implements AgentModule {
  readonly name = 'metrics';

  constructor(private readonly runtime: AgentRuntime) {}

  async start(): Promise<void> {
    const { config, services, counters, clock } = this.runtime;
    const server = this.runtime.need('server');
    const logger = this.runtime.logger.child('metrics');
    const sampler = new MetricsSampler({
      node: config.node,
      role: server.role,
      dataDir: config.dataDir,
      services,
      counters,
      sections: this.runtime.sampleSections,
      clock,
      onError: (error) => logger.warn('metrics sample failed', { error: String(error) }),
    });
    await sampler.start();
    this.runtime.set('sampler', sampler);
    if (!config.metricsHttp) return;
    const http = new MetricsHttpServer({ ...config.metricsHttp, sampler, counters });
    this.runtime.set('metricsHttp', http);
    services.register({ name: 'metrics-http', start: () => http.listen(), stop: () => http.close() });
    await services.start('metrics-http');
  }

  async stop(): Promise<void> {
    const { services } = this.runtime;
    try {
      if (services.has('metrics-http')) {
        await services.stop('metrics-http');
        services.unregister('metrics-http');
      }
    } finally {
      this.runtime.find('sampler')?.stop();
    }
  }
}
