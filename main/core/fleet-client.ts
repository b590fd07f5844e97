/**
 * The console's view of the whole fleet: reads the nodes and their pinned host keys from the
 * directory, keeps one NodeLink per node, and merges their streams into one FleetSnapshot with
 * per-node staleness. Publishes what changed soon after samples arrive (see push-schedule.ts).
 * Plain Node: used by the CLI, the Electron main process and browser mode.
 */

import type { MethodName, MethodParams, MethodResult } from '../../agent/common/contract/methods.js';
import type { MoveJob } from '../../agent/common/contract/move-contract.js';
import type { FleetDirectory } from '../../agent/common/directory/fleet-directory.js';
import type { ServerEntry } from '../../agent/common/directory/fleet-entries.js';
import { EventBus } from './event-bus.js';
import { type FleetChanges, type FleetSnapshot, type NodeView, staleAfterMs } from './fleet-snapshot.js';
import type { KnownNodesStore } from './known-nodes.js';
import { type AgentConnector, type CallOptions, NodeLink } from './node-link.js';
import { PushSchedule } from './push-schedule.js';

export interface FleetClientOptions {
  directory: FleetDirectory;
  connector: AgentConnector;
  /** Keep 1 Hz metrics streams open (dashboard) or only check each node once (CLI). */
  subscribe: boolean;
  /** Follow every store and spare node's mailbox moves (`moveProgress` events). */
  followMoves?: boolean;
  /** Last known server list, used when the directory does not answer. */
  knownNodes?: KnownNodesStore;
  /**
   * How often to re-read the server list and host keys from the directory (default 3 s, so a node
   * added from another console or the command line shows within seconds; one small search).
   */
  directoryRefreshMs?: number;
  /** Publish at the latest this long after the previous push, even when nothing changed (ages grow). */
  snapshotIntervalMs?: number;
  /** After the first change, wait this long before publishing, so a burst of samples is one push. */
  pushDelayMs?: number;
  now?: () => number;
}

export interface FleetClientEvents extends Record<string, unknown> {
  /** The nodes whose view changed since the previous push (every node in the first). */
  changes: FleetChanges;
  /** A move job changed on `node` (with `followMoves`). */
  moveProgress: { node: string; job: MoveJob };
}

/** Default wait after the first change: long enough to gather a second's samples into a few pushes. */
export const defaultPushDelayMs = 150;

/** How often a console re-reads the server list (see {@link FleetClientOptions}). */
export const defaultDirectoryRefreshMs = 3000;

/** Live fleet state for a console. */
export class FleetClient {
  readonly events = new EventBus<FleetClientEvents>();
  private readonly links = new Map<string, NodeLink>();
  private directoryError: string | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  private readonly schedule: PushSchedule;
  /** What each node's view looked like at the previous push (see {@link pushKey}). */
  private readonly pushed = new Map<string, string>();
  private pushedOnce = false;
  private started = false;

  constructor(private readonly options: FleetClientOptions) {
    this.schedule = new PushSchedule({
      coalesceMs: options.pushDelayMs ?? defaultPushDelayMs,
      idleMs: options.snapshotIntervalMs ?? 1000,
      push: () => this.publish(),
    });
  }

  /** Reads the fleet from the directory and starts every link. Rejects if the directory cannot be read at all. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.refreshServers(true);
    this.refreshTimer = setInterval(
      () => void this.refreshServers(false),
      this.options.directoryRefreshMs ?? defaultDirectoryRefreshMs,
    );
    this.refreshTimer.unref();
    this.schedule.start();
  }

  /** Reads the server list now (a node was just added), instead of at the next refresh. */
  async refreshDirectory(): Promise<void> {
    if (this.started) await this.refreshServers(false);
  }

  /** Closes every link and stops the timers. */
  stop(): void {
    this.started = false;
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    this.schedule.stop();
    for (const link of this.links.values()) link.stop();
    this.links.clear();
    this.pushed.clear();
    this.pushedOnce = false;
  }

  /**
   * Publishes the nodes whose view changed since the previous push, and the nodes gone from the
   * directory. Called by the schedule; a whole snapshot is computed (staleness depends on the
   * time) but only what differs leaves, so 1,000 quiet nodes cost a comparison each, not a send.
   */
  private publish(): void {
    const snapshot = this.snapshot();
    const nodes: NodeView[] = [];
    for (const node of snapshot.nodes) {
      const key = pushKey(node);
      if (this.pushedOnce && this.pushed.get(node.name) === key) continue;
      this.pushed.set(node.name, key);
      nodes.push(node);
    }
    const removed: string[] = [];
    if (this.pushed.size > snapshot.nodes.length) {
      const present = new Set(snapshot.nodes.map((n) => n.name));
      for (const name of this.pushed.keys()) if (!present.has(name)) removed.push(name);
      for (const name of removed) this.pushed.delete(name);
    }
    const full = !this.pushedOnce;
    this.pushedOnce = true;
    this.events.emit('changes', { at: snapshot.at, directory: snapshot.directory, full, nodes, removed });
  }

  /** The merged view now. */
  snapshot(): FleetSnapshot {
    const now = this.now();
    const nodes = [...this.links.values()].map((link) => this.view(link, now));
    nodes.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
    return {
      at: now,
      directory: this.directoryView(),
      nodes,
    };
  }

  /** The directory as the console reaches it: read last time or not, and which server it uses. */
  private directoryView(): FleetSnapshot['directory'] {
    const view: FleetSnapshot['directory'] = this.directoryError
      ? { reachable: false, error: this.directoryError }
      : { reachable: true };
    // Test fleets may bring a directory without link status.
    const link = this.options.directory.linkStatus?.();
    if (link) view.link = link;
    return view;
  }

  /** Calls a method on one node. */
  async call<M extends MethodName>(
    node: string,
    method: M,
    params: MethodParams<M>,
    options?: CallOptions,
  ): Promise<MethodResult<M>> {
    const link = this.links.get(node);
    if (!link) throw new Error(`no node named ${node} in the directory`);
    return link.call(method, params, options);
  }

  /** Node names known from the directory. */
  nodeNames(): string[] {
    return [...this.links.keys()];
  }

  /**
   * Resolves when every node has either answered or failed at least once since start, or when
   * `timeoutMs` has passed (nodes still trying then count as down).
   */
  async settled(timeoutMs: number): Promise<void> {
    const deadline = this.now() + timeoutMs;
    while (this.now() < deadline) {
      const pending = [...this.links.values()].some((l) => l.state === 'connecting' || l.state === 'idle');
      if (!pending) return;
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private view(link: NodeLink, now: number): NodeView {
    const server = link.server;
    const staleMs = link.lastSeenAt === undefined ? undefined : Math.max(0, now - link.lastSeenAt);
    let observed: NodeView['observed'] = link.state === 'connected' ? 'up' : 'down';
    let problem = link.problem;
    if (observed === 'up' && this.options.subscribe && staleMs !== undefined && staleMs > staleAfterMs) {
      // The connection looks open but the node stopped sending: it is not answering.
      observed = 'down';
      problem = {
        kind: 'stale',
        message: `no figures from ${server.name} for ${Math.round(staleMs / 1000)} s`,
      };
    }
    const view: NodeView = {
      name: server.name,
      role: server.role,
      directoryState: server.state,
      address: server.address,
      controlPort: server.controlPort,
      observed,
      // Down: since it last answered (a sample or a call), which no reconnect attempt moves; a
      // node never seen up is down since the link started trying.
      since: observed === 'down' && link.lastSeenAt !== undefined ? link.lastSeenAt : link.since,
    };
    if (link.lastSeenAt !== undefined) view.lastSeenAt = link.lastSeenAt;
    if (staleMs !== undefined) view.staleMs = staleMs;
    if (link.lastSample) view.metrics = link.lastSample;
    if (problem && observed === 'down') view.problem = problem;
    return view;
  }

  private async refreshServers(first: boolean): Promise<void> {
    let servers: ServerEntry[];
    try {
      servers = await this.options.directory.listServers();
      this.directoryError = undefined;
      await this.options.knownNodes?.write(servers).catch(() => {});
    } catch (error) {
      this.directoryError = error instanceof Error ? error.message : String(error);
      if (!first) return;
      // Without the directory, fall back to the keys it gave us last time (never to trust-on-first-use).
      const known = await this.options.knownNodes?.read();
      if (!known) throw new Error(`cannot read the fleet from the directory: ${this.directoryError}`);
      servers = known;
    }
    if (!this.started) return;
    const seen = new Set<string>();
    for (const server of servers) {
      seen.add(server.name);
      const existing = this.links.get(server.name);
      if (existing) {
        existing.updateServer(server);
        continue;
      }
      const link = new NodeLink(server, {
        connector: this.options.connector,
        subscribe: this.options.subscribe,
        onChange: () => this.schedule.changed(),
        ...(this.options.followMoves
          ? { onMoveProgress: (job: MoveJob) => this.events.emit('moveProgress', { node: server.name, job }) }
          : {}),
        ...(this.options.now ? { now: this.options.now } : {}),
      });
      this.links.set(server.name, link);
      link.start();
    }
    for (const [name, link] of this.links) {
      if (seen.has(name)) continue;
      link.stop();
      this.links.delete(name);
    }
    // A directory change (new node, new state, node gone) is shown as soon as a sample would be.
    this.schedule.changed();
  }
}

/**
 * What of a node's view the console shows, as one string: two views with the same key need no
 * push. The age of an up node's figures is left out (it grows every millisecond and is shown
 * only once the node stops answering); for a node not up it counts in whole seconds.
 */
export function pushKey(node: NodeView): string {
  const age = node.observed === 'up' || node.staleMs === undefined ? '' : Math.floor(node.staleMs / 1000);
  const sample = node.metrics ? `${node.metrics.seq}@${node.metrics.at}` : '';
  return [
    node.role,
    node.directoryState,
    node.address,
    node.controlPort,
    node.observed,
    node.since,
    node.problem?.kind ?? '',
    node.problem?.message ?? '',
    sample,
    age,
  ].join('|');
}
