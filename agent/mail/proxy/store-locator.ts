/**
 * Where a user's mailbox is served now: the user's `mailHost` (a logical store) -> the node that
 * serves it (`mailfleetServedBy`) -> that node's published endpoint (`imap=host:port`,
 * `pop3=host:port`). The store list and server entries are cached for a short time (failover
 * rewrites a store entry; a few seconds of staleness is what `invalidate()` is for).
 */
import type { Clock } from '../../common/clock.js';
import type { FleetDirectory } from '../../common/directory/fleet-directory.js';
import type { LogicalStoreEntry, ServerEntry } from '../../common/directory/fleet-entries.js';

/** The part of the directory the locator reads. */
export type StoreLocationSource = Pick<FleetDirectory, 'listLogicalStores' | 'listServers'>;

/** A store's mail endpoint. */
export interface StoreEndpoint {
  /** The node serving the logical store. */
  node: string;
  host: string;
  port: number;
}

/** Why no endpoint could be found; the words go to the client and the log. */
export class StoreLocationError extends Error {
  override readonly name = 'StoreLocationError';
}

/** Options of {@link StoreLocator}. */
export interface StoreLocatorOptions {
  directory: StoreLocationSource;
  clock: Clock;
  /** How long the store list and server entries are reused. Default 10 s. */
  ttlMs?: number;
}

interface Snapshot {
  stores: Map<string, LogicalStoreEntry>;
  servers: Map<string, ServerEntry>;
  readAt: number;
}

/** Resolves logical stores to endpoints, with a short cache. */
export class StoreLocator {
  private snapshot: Snapshot | undefined;
  private reading: Promise<Snapshot> | undefined;

  constructor(private readonly options: StoreLocatorOptions) {}

  /** The endpoint `service` (`imap`, `pop3`) of the node serving `logicalStore`. */
  async locate(logicalStore: string, service: 'imap' | 'pop3'): Promise<StoreEndpoint> {
    const snapshot = await this.read();
    const store = snapshot.stores.get(logicalStore);
    if (!store) throw new StoreLocationError(`the logical store ${logicalStore} is not in the directory`);
    const server = snapshot.servers.get(store.servedBy);
    if (!server)
      throw new StoreLocationError(
        `the node ${store.servedBy} serving ${logicalStore} is not in the directory`,
      );
    const endpoint = server.endpoints[service];
    const parsed = endpoint === undefined ? undefined : parseEndpoint(endpoint);
    if (!parsed)
      throw new StoreLocationError(`the node ${server.name} publishes no usable ${service} endpoint`);
    return { node: server.name, ...parsed };
  }

  /** Reads the directory again at the next lookup (after a failover or a store move). */
  invalidate(): void {
    this.snapshot = undefined;
  }

  private async read(): Promise<Snapshot> {
    const now = this.options.clock.now();
    if (this.snapshot && now - this.snapshot.readAt < (this.options.ttlMs ?? 10_000)) return this.snapshot;
    // One read shared by every login arriving meanwhile.
    this.reading ??= (async () => {
      try {
        const [stores, servers] = await Promise.all([
          this.options.directory.listLogicalStores(),
          this.options.directory.listServers(),
        ]);
        const snapshot: Snapshot = {
          stores: new Map(stores.map((store) => [store.name, store])),
          servers: new Map(servers.map((server) => [server.name, server])),
          readAt: this.options.clock.now(),
        };
        this.snapshot = snapshot;
        return snapshot;
      } finally {
        this.reading = undefined;
      }
    })();
    return this.reading;
  }
}

/** `host:port`, `[v6]:port`; undefined when it is not one. */
export function parseEndpoint(value: string): { host: string; port: number } | undefined {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(value.trim());
  if (!match) return undefined;
  const port = Number(match[3]);
  if (port < 1 || port > 65535) return undefined;
  return { host: (match[1] ?? match[2]) as string, port };
}
