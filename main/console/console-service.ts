/**
 * The console service: implements every call of the console contract on main/core's FleetClient,
 * and pushes the fleet's changes as they arrive. Plain Node (no Electron import): the Electron shell
 * and the browser-mode web bridge both sit on it. Secrets (the admin key, the bind password) live in
 * the FleetClient's connector and directory client; nothing here returns them.
 */
import type { z } from 'zod';
import type { AuditEntry } from '../../agent/common/contract/methods.js';
import { finishedMovePhases, type MoveJob } from '../../agent/common/contract/move-contract.js';
import { EventBus } from '../core/event-bus.js';
import type { FleetClient } from '../core/fleet-client.js';
import type { MoveFleet } from '../core/moves/fleet-moves.js';
import { ConsoleCallError, consoleErrorOf } from './console-call-error.js';
import {
  type ConsoleCallName,
  type ConsoleCallResult,
  type ConsoleCallSpec,
  type ConsoleLocale,
  consoleCallNames,
  consoleCalls,
  type NodeCallName,
} from './console-contract.js';
import { fleetLockouts } from './console-fleet-lockouts.js';
import { byNodeName, type FleetQueuesResult, queueRoles } from './console-fleet-queues.js';
import {
  type ConsoleFleetPush,
  type ConsoleFleetSnapshot,
  consolePushOf,
  consoleSnapshotOf,
} from './console-fleet-snapshot.js';
import { fleetMailTrace } from './console-mail-trace.js';
import type { ConsoleSettingsStore } from './console-settings.js';
import { type DirectoryAdministration, directoryHandlers } from './directory-handlers.js';
import { type FailoverFleet, failoverHandlers } from './failover-handlers.js';
import { moveHandlers } from './move-handlers.js';
import { type NodeMembership, nodeMembershipHandlers } from './node-membership-handlers.js';

const keyConsoleSignIn = {
  en: 'This console signs in with the fleet profile key; there is no password to give.',
  ja: 'このコンソールはフリートプロファイルの鍵でサインインしています。パスワードは不要です。',
};

/** The part of FleetClient the console uses. */
export type ConsoleFleet = Pick<FleetClient, 'snapshot' | 'call' | 'nodeNames' | 'events'>;

/** Options of {@link ConsoleService}. */
export interface ConsoleServiceOptions {
  fleet: ConsoleFleet;
  settings: ConsoleSettingsStore;
  /** The language the system suggests (see system-locale.ts). */
  systemLocale: ConsoleLocale;
  /** Directory administration; without it the `directory.*` calls answer `unavailable`. */
  directory?: DirectoryAdministration;
  /** Mailbox moves; without them the `move.*` calls answer `unavailable`. */
  moves?: MoveFleet;
  /** Failover of logical stores; without it the `failover.*` calls answer `unavailable`. */
  failover?: FailoverFleet;
  /** Adding nodes ("Add node"); without it `fleet.addNode` answers `unavailable`. */
  nodes?: NodeMembership;
}

/** Events the service pushes to every window or browser connection. */
export interface ConsoleServiceEvents extends Record<string, unknown> {
  'fleet.snapshot': ConsoleFleetPush;
  'move.progress': { job: MoveJob };
}

type ParsedParams<C extends ConsoleCallName> = z.output<(typeof consoleCalls)[C]['params']>;
type Handlers = { [C in ConsoleCallName]: (params: ParsedParams<C>) => Promise<ConsoleCallResult<C>> };

/** Every console call, on one fleet. */
export class ConsoleService {
  readonly events = new EventBus<ConsoleServiceEvents>();
  private started = false;

  constructor(private readonly options: ConsoleServiceOptions) {}

  /** Starts forwarding the fleet's pushes (whole, then partial) as `fleet.snapshot` events. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.options.fleet.events.on('changes', this, (changes) =>
      this.events.emit('fleet.snapshot', consolePushOf(changes)),
    );
    this.options.fleet.events.on('moveProgress', this, ({ job }) => this.moveChanged(job));
  }

  /** Passes a job's change on; once it flipped or ended, the user's row in the search is read anew. */
  private moveChanged(job: MoveJob): void {
    this.events.emit('move.progress', { job });
    const admin = this.options.directory?.admin;
    if (admin && (job.phase === 'finishing' || finishedMovePhases.has(job.phase))) {
      // The index in memory still has the old store; the user page reads the directory itself.
      void admin.user({ address: job.user }).catch(() => {});
    }
  }

  /** The whole fleet now, for a transport whose page missed a push (it cannot merge past a gap). */
  snapshot(): ConsoleFleetSnapshot {
    return consoleSnapshotOf(this.options.fleet.snapshot());
  }

  /** Stops forwarding (the fleet itself belongs to whoever opened it). */
  stop(): void {
    this.started = false;
    this.options.fleet.events.removeOwner(this);
  }

  /** Runs one call whose params already passed the contract's schema. */
  run<C extends ConsoleCallName>(name: C, params: ParsedParams<C>): Promise<ConsoleCallResult<C>> {
    return (this.handlers[name] as (p: ParsedParams<C>) => Promise<ConsoleCallResult<C>>)(params);
  }

  private readonly handlers: Handlers = {
    ...this.nodeCallHandlers(),
    'fleet.snapshot': async () => this.snapshot(),
    'queue.fleet': async ({ nodes }) => this.fleetQueues(nodes),
    'mail.trace': async (query) => fleetMailTrace(this.options.fleet, query),
    'audit.tail': async ({ nodes, limit }) => this.auditTail(nodes, limit),
    'auth.lockouts': async ({ nodes }) =>
      fleetLockouts(this.options.fleet, nodes === undefined ? undefined : this.knownNodes(nodes)),
    'locale.get': async () => this.locale(),
    'locale.set': async ({ locale }) => {
      const settings = await this.options.settings.read();
      await this.options.settings.write({ ...settings, locale });
      return this.locale();
    },
    // A console opened with the profile's key: nobody signs in here (password-console.ts does).
    'session.state': async () => ({ state: 'key' as const }),
    'session.signIn': async () => ({ ok: false as const, message: keyConsoleSignIn }),
    'session.signOut': async () => ({ state: 'key' as const }),
    'session.touch': async () => ({ ok: true as const }),
    ...directoryHandlers(() => this.options),
    ...moveHandlers(() => this.options.moves),
    ...failoverHandlers(() => this.options.failover),
    ...nodeMembershipHandlers(() => this.options.nodes),
  };

  private async locale(): Promise<{ locale: ConsoleLocale; system: ConsoleLocale }> {
    const { locale } = await this.options.settings.read();
    return { locale: locale ?? this.options.systemLocale, system: this.options.systemLocale };
  }

  /**
   * The calls that ask one node one agent method (`onNode` in the contract): the node must be in
   * the directory, and the agent gets the call's other params as they are.
   */
  private nodeCallHandlers(): Pick<Handlers, NodeCallName> {
    const handlers: Partial<Record<NodeCallName, (params: { node: string }) => Promise<unknown>>> = {};
    for (const name of consoleCallNames) {
      const method = (consoleCalls[name] as ConsoleCallSpec).onNode;
      if (!method) continue;
      handlers[name as NodeCallName] = ({ node, ...params }) =>
        this.onNode(node, () => this.options.fleet.call(node, method, params as never));
    }
    return handlers as Pick<Handlers, NodeCallName>;
  }

  private onNode<T>(node: string, call: () => Promise<T>): Promise<T> {
    if (!this.options.fleet.nodeNames().includes(node)) {
      throw new ConsoleCallError('not-found', `no node named ${node} in the directory`);
    }
    return call();
  }

  private knownNodes(nodes: string[] | undefined): string[] {
    const known = this.options.fleet.nodeNames();
    const unknown = (nodes ?? []).find((name) => !known.includes(name));
    if (unknown) throw new ConsoleCallError('not-found', `no node named ${unknown} in the directory`);
    return nodes ?? known;
  }

  /** Asks every director and gateway (or the nodes named) for its queue summary. */
  private async fleetQueues(nodes: string[] | undefined): Promise<FleetQueuesResult> {
    const roles = new Map(this.options.fleet.snapshot().nodes.map((n) => [n.name, n.role as string]));
    const names = nodes
      ? this.knownNodes(nodes)
      : this.knownNodes(undefined).filter((name) => queueRoles.includes(roles.get(name) ?? ''));
    const result: FleetQueuesResult = { queues: [], withoutQueue: [], failures: [] };
    await Promise.all(
      names.map(async (node) => {
        try {
          const summary = await this.options.fleet.call(node, 'queue.summary', {});
          result.queues.push({ node, role: roles.get(node) ?? 'unknown', summary });
        } catch (error) {
          // The agent says `not-found` when it runs no queue: that is an answer, not a failure.
          const { code, message } = consoleErrorOf(error);
          if (code === 'not-found') result.withoutQueue.push(node);
          else result.failures.push({ node, message });
        }
      }),
    );
    result.queues.sort((a, b) => byNodeName(a.node, b.node));
    result.withoutQueue.sort(byNodeName);
    result.failures.sort((a, b) => byNodeName(a.node, b.node));
    return result;
  }

  private async auditTail(nodes: string[] | undefined, limit: number) {
    const known = this.options.fleet.nodeNames();
    const names = nodes ?? known;
    const unknown = names.find((name) => !known.includes(name));
    if (unknown) throw new ConsoleCallError('not-found', `no node named ${unknown} in the directory`);
    const entries: AuditEntry[] = [];
    const failures: Array<{ node: string; message: string }> = [];
    await Promise.all(
      names.map(async (node) => {
        try {
          entries.push(...(await this.options.fleet.call(node, 'audit.tail', { limit })).entries);
        } catch (error) {
          failures.push({ node, message: error instanceof Error ? error.message : String(error) });
        }
      }),
    );
    entries.sort((a, b) => a.at.localeCompare(b.at));
    failures.sort((a, b) => a.node.localeCompare(b.node, 'en', { numeric: true }));
    return { entries: entries.slice(-limit), failures };
  }
}
