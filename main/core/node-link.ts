/**
 * The console's link to one agent: connects over SSH with the node's pinned host keys, keeps the
 * metrics stream open, notices loss at once (connection close) or within seconds (keepalive, stale
 * samples), and reconnects with jittered backoff. Every error ends in a state, never a crash.
 */

import type { MethodName, MethodParams, MethodResult } from '../../agent/common/contract/methods.js';
import type { MoveJob } from '../../agent/common/contract/move-contract.js';
import type { NodeMetrics } from '../../agent/common/contract/node-metrics.js';
import type { ServerEntry } from '../../agent/common/directory/fleet-entries.js';
import { type BackoffPolicy, backoffDelay, defaultBackoff } from './backoff.js';
import type { LinkProblem } from './fleet-snapshot.js';

/** Per-call options: a call whose work grows with its input waits longer than the default. */
export interface CallOptions {
  /** How long to wait for the answer (default: the connection's, 10 s for the console). */
  timeoutMs?: number;
}

/** An open RPC connection to one agent, as the link needs it. */
export interface AgentConnection {
  call<M extends MethodName>(
    method: M,
    params: MethodParams<M>,
    options?: CallOptions,
  ): Promise<MethodResult<M>>;
  /** Registers the metrics sample handler. */
  onSample(handler: (sample: NodeMetrics) => void): void;
  /** Registers the move progress handler (`move.progress` notifications); absent on connections without moves. */
  onMoveProgress?(handler: (job: MoveJob) => void): void;
  /** Resolves once when the connection ends, with the reason. */
  closed: Promise<Error | undefined>;
  close(): void;
}

/** Opens a connection to a node; rejects with a HostKeyMismatchError-like error (`name`) on a bad key. */
export type AgentConnector = (server: ServerEntry) => Promise<AgentConnection>;

/** Link states: `connected` means the agent answered on this connection. */
export type LinkState = 'idle' | 'connecting' | 'connected' | 'disconnected' | 'refused';

export interface NodeLinkEvents {
  change(link: NodeLink): void;
}

export interface NodeLinkOptions {
  connector: AgentConnector;
  /** Subscribe to 1 Hz metrics (the dashboard) or only ask node.info (the CLI). */
  subscribe: boolean;
  backoff?: BackoffPolicy;
  /** After a host key mismatch, wait this long before trying again (the directory may have been fixed). */
  refusedRetryMs?: number;
  onChange: (link: NodeLink) => void;
  /**
   * Follow the node's mailbox moves (`move.subscribe`) when it runs them (store and spare roles);
   * each job change is passed here. A node that refuses the stream (tier, no moves) stays up.
   */
  onMoveProgress?: (job: MoveJob) => void;
  now?: () => number;
}

/** Roles whose agents run mailbox moves. */
const moveRunningRoles: readonly string[] = ['store', 'spare'];

/** One node's connection lifecycle. */
export class NodeLink {
  state: LinkState = 'idle';
  problem: LinkProblem | undefined;
  lastSample: NodeMetrics | undefined;
  /** Console clock when the agent last answered (sample or call). */
  lastSeenAt: number | undefined;
  /**
   * Console clock when the link last became connected, or stopped being connected. Reconnect
   * attempts (connecting, disconnected, connecting...) do not move it: a dead node's "not answering
   * since" stays the time it was first seen down.
   */
  since: number;
  private connection: AgentConnection | undefined;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private stopped = true;

  constructor(
    public server: ServerEntry,
    private readonly options: NodeLinkOptions,
  ) {
    this.since = this.now();
  }

  /** Starts connecting (and keeps reconnecting until stop). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.connect();
  }

  /** Closes the connection and stops retrying. */
  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.connection?.close();
    this.connection = undefined;
  }

  /** Replaces the directory view of this node (new host key or port); reconnects if the target moved. */
  updateServer(server: ServerEntry): void {
    const moved =
      server.address !== this.server.address ||
      server.controlPort !== this.server.controlPort ||
      server.hostKeys.join('\n') !== this.server.hostKeys.join('\n');
    this.server = server;
    if (!moved || this.stopped) return;
    this.connection?.close();
    if (this.state === 'refused' || this.state === 'disconnected') this.retryNow();
  }

  /** Asks to reconnect now instead of waiting out the backoff (e.g. an admin pressed "retry"). */
  retryNow(): void {
    if (this.stopped || this.state === 'connecting' || this.state === 'connected') return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    void this.connect();
  }

  /** Calls a method on this node; rejects with a clear message when the node is not connected. */
  async call<M extends MethodName>(
    method: M,
    params: MethodParams<M>,
    options?: CallOptions,
  ): Promise<MethodResult<M>> {
    const connection = this.connection;
    if (!connection || this.state !== 'connected') {
      throw new Error(`${this.server.name} is not connected (${this.problem?.message ?? this.state})`);
    }
    const result = await connection.call(method, params, options);
    this.lastSeenAt = this.now();
    return result;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private setState(state: LinkState, problem?: LinkProblem): void {
    if ((state === 'connected') !== (this.state === 'connected')) this.since = this.now();
    this.state = state;
    this.problem = problem;
    this.options.onChange(this);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    if (this.server.hostKeys.length === 0) {
      // Never connect to a node whose key we cannot pin: that is how impersonation starts.
      this.setState('refused', {
        kind: 'not-pinned',
        message: `${this.server.name} has no SSH host key in the directory; refusing to connect`,
      });
      this.scheduleRetry(this.options.refusedRetryMs ?? 30_000);
      return;
    }
    this.setState('connecting', this.problem);
    let connection: AgentConnection;
    try {
      connection = await this.options.connector(this.server);
    } catch (error) {
      this.failed(error);
      return;
    }
    if (this.stopped) {
      connection.close();
      return;
    }
    this.connection = connection;
    void connection.closed.then((reason) => this.lost(connection, reason));
    try {
      connection.onSample((sample) => {
        this.lastSample = sample;
        this.lastSeenAt = this.now();
        this.options.onChange(this);
      });
      const info = await connection.call('node.info', {});
      this.lastSeenAt = this.now();
      if (this.options.subscribe) {
        this.lastSample = await connection.call('node.metrics', {});
        await connection.call('metrics.subscribe', {});
      }
      this.attempt = 0;
      this.server = { ...this.server, role: info.role };
      this.setState('connected');
      this.followMoves(connection);
    } catch (error) {
      connection.close();
      this.failed(error);
    }
  }

  /** Opens the move stream on a new connection (each reconnect needs its own). */
  private followMoves(connection: AgentConnection): void {
    const onMoveProgress = this.options.onMoveProgress;
    if (!onMoveProgress || !connection.onMoveProgress || !moveRunningRoles.includes(this.server.role)) return;
    connection.onMoveProgress(onMoveProgress);
    // A refusal (a tier without moves, an agent without them) leaves the link as it is: the
    // listing then says why when asked.
    connection.call('move.subscribe', {}).catch(() => {});
  }

  private lost(connection: AgentConnection, reason: Error | undefined): void {
    if (this.connection !== connection) return;
    this.connection = undefined;
    if (this.stopped) return;
    this.setState('disconnected', {
      kind: 'unreachable',
      message: `connection to ${this.server.name} lost${reason ? `: ${reason.message}` : ''}`,
    });
    this.scheduleRetry(backoffDelay(this.attempt++, this.options.backoff ?? defaultBackoff));
  }

  private failed(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof Error && error.name === 'HostKeyMismatchError') {
      this.setState('refused', { kind: 'host-key-mismatch', message });
      this.scheduleRetry(this.options.refusedRetryMs ?? 30_000);
      return;
    }
    const refused = /authentication|permission|forbidden/i.test(message);
    this.setState('disconnected', { kind: refused ? 'refused' : 'unreachable', message });
    this.scheduleRetry(backoffDelay(this.attempt++, this.options.backoff ?? defaultBackoff));
  }

  private scheduleRetry(delayMs: number): void {
    if (this.stopped) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.connect();
    }, delayMs);
    this.retryTimer.unref?.();
  }
}
