/**
 * The services an agent runs (the control SSH server, the metrics endpoint, the embedded directory,
 * and later smtp, lmtp, imap, pop3), each with a state the console shows and `service.restart`
 * acts on. Lifecycle modules register their services here; the registry tracks state and restarts.
 */

import type { Clock } from '../common/clock.js';
import type { ServiceState, ServiceStatus } from '../common/contract/node-metrics.js';

/** What a lifecycle module hands the registry. */
export interface ManagedService {
  readonly name: string;
  /** Starts the service; may return a short detail such as `listening on 127.0.0.1:2525`. */
  start(): Promise<string | undefined>;
  stop(): Promise<void>;
  /**
   * Optional restart that differs from stop+start (e.g. the control server keeps the
   * established SSH sessions, including the one that asked for the restart).
   */
  restart?(): Promise<string | undefined>;
}

interface ServiceRecord {
  service: ManagedService;
  status: ServiceStatus;
  /** Operations on one service run one after another. */
  queue: Promise<unknown>;
}

/** Thrown for a service name this node does not run. */
export class UnknownServiceError extends Error {
  override readonly name = 'UnknownServiceError';
  constructor(readonly service: string) {
    super(`no service named ${service} on this node`);
  }
}

/** Named services with their state. One registry per agent. */
export class ServiceRegistry {
  private readonly records = new Map<string, ServiceRecord>();

  constructor(private readonly clock: Clock) {}

  /** Adds a service in state `stopped`. */
  register(service: ManagedService): void {
    if (this.records.has(service.name)) throw new Error(`service ${service.name} is already registered`);
    this.records.set(service.name, {
      service,
      status: { name: service.name, state: 'stopped', since: this.clock.now(), restarts: 0 },
      queue: Promise.resolve(),
    });
  }

  /** Removes a stopped service. */
  unregister(name: string): void {
    this.records.delete(name);
  }

  /** Whether a service of this name is registered. */
  has(name: string): boolean {
    return this.records.has(name);
  }

  /** Status of every service, in registration order. */
  list(): ServiceStatus[] {
    return [...this.records.values()].map((record) => ({ ...record.status }));
  }

  /** Status of one service. */
  status(name: string): ServiceStatus {
    return { ...this.record(name).status };
  }

  /** Starts a service; on failure the state is `failed` with the reason and the error is rethrown. */
  start(name: string): Promise<ServiceStatus> {
    return this.enqueue(name, async (record) => {
      this.set(record, 'starting');
      try {
        this.set(record, 'running', await record.service.start());
      } catch (error) {
        this.set(record, 'failed', errorText(error));
        throw error;
      }
    });
  }

  /** Stops a service; on failure the state is `failed` and the error is rethrown. */
  stop(name: string): Promise<ServiceStatus> {
    return this.enqueue(name, async (record) => {
      if (record.status.state === 'stopped') return;
      this.set(record, 'stopping');
      try {
        await record.service.stop();
        this.set(record, 'stopped');
      } catch (error) {
        this.set(record, 'failed', errorText(error));
        throw error;
      }
    });
  }

  /** Restarts a service and counts the restart. */
  restart(name: string): Promise<ServiceStatus> {
    return this.enqueue(name, async (record) => {
      record.status.restarts += 1;
      this.set(record, 'stopping');
      try {
        let detail: string | undefined;
        if (record.service.restart) detail = await record.service.restart();
        else {
          await record.service.stop();
          this.set(record, 'starting');
          detail = await record.service.start();
        }
        this.set(record, 'running', detail);
      } catch (error) {
        this.set(record, 'failed', errorText(error));
        throw error;
      }
    });
  }

  private enqueue(name: string, step: (record: ServiceRecord) => Promise<void>): Promise<ServiceStatus> {
    const record = this.record(name);
    const run = record.queue.then(
      () => step(record),
      () => step(record),
    );
    record.queue = run.catch(() => undefined);
    return run.then(() => ({ ...record.status }));
  }

  private record(name: string): ServiceRecord {
    const record = this.records.get(name);
    if (!record) throw new UnknownServiceError(name);
    return record;
  }

  private set(record: ServiceRecord, state: ServiceState, detail?: string): void {
    record.status = {
      name: record.status.name,
      state,
      since: this.clock.now(),
      restarts: record.status.restarts,
      ...(detail === undefined ? {} : { detail }),
    };
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
