/**
 * This agent's control-plane connections to other nodes' agents, as a peer: SSH with this node's
 * host key as the client key (the other agent maps it to this node's server entry), the other
 * node's host keys pinned from its server entry, one connection per node kept open and made again
 * after a loss. A mailbox move calls the source store's agent and every director through these,
 * and opens its bulk channels on them.
 */
import type { Duplex } from 'node:stream';
import type { MethodName, MethodParams, MethodResult } from '../common/contract/methods.js';
import type { FleetDirectory } from '../common/directory/fleet-directory.js';
import { connectRpc, type RpcConnection } from '../common/rpc/connect-rpc.js';
import { replicaSubsystem } from '../replication/replication-protocol.js';
import { syncSubsystem } from './sync/sync-protocol.js';

const authRetryDelaysMs = [300, 1000, 3000, 10_000];

/** What peer links need. */
export interface PeerLinksOptions {
  /** This node's name (the SSH user name the other side logs). */
  node: string;
  /** This node's private host key (OpenSSH PEM). */
  privateKey: () => string;
  directory: Pick<FleetDirectory, 'getServer'>;
  /** Per call (default 60 s: a director's queue hold waits for deliveries in flight). */
  callTimeoutMs?: number;
}

/** Connections to peers, by node name. */
export class PeerLinks {
  private readonly links = new Map<string, Promise<RpcConnection>>();
  private closed = false;

  constructor(private readonly options: PeerLinksOptions) {}

  /** Calls a method on a node's agent. */
  async call<M extends MethodName>(
    node: string,
    method: M,
    params: MethodParams<M>,
  ): Promise<MethodResult<M>> {
    const connection = await this.connection(node);
    return connection.client.call(method, params);
  }

  /** Opens a new sync channel to a node (one per request). */
  openSync(node: string): Promise<Duplex> {
    return this.openChannel(node, syncSubsystem);
  }

  /** Opens a replication stream channel to a node (docs/replication.md). */
  openReplica(node: string): Promise<Duplex> {
    return this.openChannel(node, replicaSubsystem);
  }

  private async openChannel(node: string, subsystem: string): Promise<Duplex> {
    const connection = await this.connection(node);
    try {
      return await connection.openSubsystem(subsystem);
    } catch (error) {
      // A connection that cannot open channels any more is dropped; the next call makes a new one.
      this.drop(node, connection);
      throw error;
    }
  }

  /** Closes every connection. */
  close(): void {
    this.closed = true;
    for (const link of this.links.values()) void link.then((c) => c.close()).catch(() => {});
    this.links.clear();
  }

  private connection(node: string): Promise<RpcConnection> {
    if (this.closed) return Promise.reject(new Error('peer links are closed'));
    let link = this.links.get(node);
    if (!link) {
      link = this.connect(node);
      this.links.set(node, link);
      link.then(
        (connection) => connection.once('close', () => this.drop(node, connection)),
        () => this.links.delete(node),
      );
    }
    return link;
  }

  private drop(node: string, connection: RpcConnection): void {
    const current = this.links.get(node);
    if (!current) return;
    void current.then((open) => {
      if (open === connection && this.links.get(node) === current) this.links.delete(node);
    });
    connection.close();
  }

  private async connect(node: string): Promise<RpcConnection> {
    const server = await this.options.directory.getServer(node);
    if (!server) throw new Error(`no server entry for ${node}`);
    if (server.hostKeys.length === 0) throw new Error(`${node} has published no host key to pin`);
    for (let attempt = 0; ; attempt++) {
      try {
        return await connectRpc({
          host: server.address,
          port: server.controlPort,
          username: this.options.node,
          privateKey: this.options.privateKey(),
          pinnedHostKeys: server.hostKeys,
          keepaliveIntervalMs: 5_000,
          readyTimeoutMs: 10_000,
          rpc: { callTimeoutMs: this.options.callTimeoutMs ?? 60_000 },
        });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        // A node enrolled moments ago: the other agent reads keys again when it meets an unknown
        // one (at most every 10 s), so the next attempt is let in.
        if (/authentication methods failed/.test(message) && attempt < authRetryDelaysMs.length) {
          await new Promise((resolve) => setTimeout(resolve, authRetryDelaysMs[attempt]));
          continue;
        }
        throw new Error(`${node} is not answering: ${message}`);
      }
    }
  }
}
