/**
 * Read-only Prometheus endpoint: `GET /metrics` (and HEAD) answers the latest sample in text
 * format; any other path is 404 and any other method 405. It never changes anything, so it needs
 * no authentication; bind it where only the site's Prometheus can reach it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CounterRegistry } from './counter-registry.js';
import type { MetricsSampler } from './metrics-sampler.js';
import { renderPrometheusText } from './prometheus-text.js';

/** Where the endpoint listens and what it reads. */
export interface MetricsHttpServerOptions {
  host: string;
  /** 0 picks a free port on first start; restarts keep it. */
  port: number;
  sampler: MetricsSampler;
  counters: CounterRegistry;
}

/** The `/metrics` HTTP server. */
export class MetricsHttpServer {
  private server: Server | undefined;
  private boundPort: number | undefined;

  constructor(private readonly options: MetricsHttpServerOptions) {}

  /** The port listened on (after the first start). */
  get port(): number {
    if (this.boundPort === undefined) throw new Error('metrics endpoint has not started');
    return this.boundPort;
  }

  /** Starts listening; resolves with the detail the service registry shows. */
  async listen(): Promise<string> {
    const server = createServer((request, response) => this.answer(request, response));
    // Scrapes are small and quick; a slow or idle client must not hold a socket for long.
    server.requestTimeout = 10_000;
    server.headersTimeout = 5_000;
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.boundPort ?? this.options.port, this.options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.boundPort = (server.address() as AddressInfo).port;
    return `listening on http://${this.options.host}:${this.boundPort}/metrics`;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private answer(request: IncomingMessage, response: ServerResponse): void {
    const path = (request.url ?? '/').split('?')[0];
    if (path !== '/metrics') return void this.plain(response, 404, 'not found; try /metrics\n');
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      return void this.plain(response, 405, 'method not allowed\n');
    }
    const sample = this.options.sampler.latest();
    if (!sample) return void this.plain(response, 503, 'no sample yet\n');
    const body = renderPrometheusText(sample, this.options.counters.describe());
    response.writeHead(200, {
      'Content-Type': 'text/plain; version=0.0.4; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      'Cache-Control': 'no-store',
    });
    response.end(request.method === 'HEAD' ? undefined : body);
  }

  private plain(response: ServerResponse, status: number, text: string): void {
    response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
    response.end(text);
  }
}
